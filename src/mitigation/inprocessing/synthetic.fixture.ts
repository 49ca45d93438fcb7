/**
 * @module mitigation/inprocessing/synthetic.fixture
 * Seeded synthetic data with a strong group effect for the in-processing tests: group b has a
 * shifted feature x1 (a proxy of the group) and the label depends on x1, so an unconstrained model
 * selects group b far more often even without seeing the group.
 */
import { normalVariate, seededRng } from '../../core/index.js';
import { fromArrays, type Table } from '../../data/index.js';

export function groupEffectData(n: number, seed: number, groups: readonly string[] = ['a', 'b']): Table {
  const rng = seededRng(seed);
  const g: string[] = [];
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % groups.length;
    g.push(groups[k]!);
    x1[i] = normalVariate(rng) + 1.5 * k;
    x2[i] = normalVariate(rng);
    const z = 1.5 * x1[i]! + 0.8 * x2[i]! - 1.2;
    y.push(rng.nextFloat64() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return fromArrays({ x1, x2, g, y });
}

/** Weighted mean of p per group code; returns the max minus min. */
export function meanGap(p: ArrayLike<number>, groups: readonly string[]): number {
  const s = new Map<string, [number, number]>();
  for (let i = 0; i < p.length; i++) {
    const e = s.get(groups[i]!) ?? [0, 0];
    e[0] += p[i]!;
    e[1] += 1;
    s.set(groups[i]!, e);
  }
  const means = [...s.values()].map(([a, b]) => a / b);
  return Math.max(...means) - Math.min(...means);
}

/** AUC of scores for telling group `pos` from the rest (Mann–Whitney, ties count ½). */
export function groupAuc(scores: ArrayLike<number>, groups: readonly string[], pos: string): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let nPos = 0;
  for (let r = 0; r < idx.length; ) {
    let e = r;
    while (e + 1 < idx.length && scores[idx[e + 1]!] === scores[idx[r]!]) e++;
    const avg = (r + e) / 2 + 1;
    for (let k = r; k <= e; k++)
      if (groups[idx[k]!] === pos) {
        rankSum += avg;
        nPos++;
      }
    r = e + 1;
  }
  const nNeg = scores.length - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
