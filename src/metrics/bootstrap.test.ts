import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, randomInt, seededRng } from '../core/index.js';
import { bootstrapCube, percentileInterval } from './bootstrap.js';
import type { Confusion, StatsCell, StatsCube } from './stats/types.js';

function confusion(tp: number, fp: number, tn: number, fn: number, w = 1): Confusion {
  return { tp: tp * w, fp: fp * w, tn: tn * w, fn: fn * w, ntp: tp, nfp: fp, ntn: tn, nfn: fn };
}

function cubeOf(cells: StatsCell[]): StatsCube {
  return { task: 'binary', dims: ['g'], cells, rowsSeen: 0, rowsDropped: 0, producer: 'memory' };
}

const selectionRate = (c: Confusion): number => (c.tp + c.fp) / (c.tp + c.fp + c.tn + c.fn);

function meanSd(xs: ArrayLike<number>): { mean: number; sd: number } {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, sd: Math.sqrt(v / (xs.length - 1)) };
}

// Group A: 200 rows, 80 selected (tp 50, fp 30, tn 90, fn 30). Group B: 300 rows, 60 selected,
// weight 2 on every row of B.
const A = confusion(50, 30, 90, 30);
const Bw = confusion(40, 20, 200, 40, 2);
const cube = cubeOf([
  { key: ['A'], confusion: A },
  { key: ['B'], confusion: Bw },
]);
const rates = (c: StatsCube): number[] => c.cells.map((x) => selectionRate(x.confusion!));

describe('percentileInterval', () => {
  it('interpolates between order statistics (type 7)', () => {
    // 1…100 at 90%: h = 99·0.05 = 4.95 → 5 + 0.95 = 5.95; h = 99·0.95 = 94.05 → 95.05
    const xs = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    const [lo, hi] = percentileInterval(xs, 0.9)!;
    expect(lo).toBeCloseTo(5.95, 12);
    expect(hi).toBeCloseTo(95.05, 12);
  });

  it('skips NaN and returns null below the minimum number of valid values', () => {
    expect(percentileInterval([Number.NaN, 2, Number.NaN, 4], 0.5)).toEqual([2.5, 3.5]);
    expect(percentileInterval([Number.NaN, 2, Number.NaN, 4], 0.5, 3)).toBeNull();
    expect(percentileInterval([], 0.95)).toBeNull();
  });
});

describe('bootstrapCube', () => {
  it("gives a group's selection rate mean p and sd √(p(1−p)/n)", () => {
    // A: p = 0.4, n = 200 → sd = √(0.24/200) = 0.034641. With R = 4000 resamples the Monte-Carlo
    // sd of the mean is 0.0346/√4000 = 5.5e-4 (5 sd = 2.7e-3), and the relative sd of the sd
    // estimate is 1/√(2R) = 1.1% (5 sd = 5.6%). The group's own size varies between resamples
    // (the ratio estimator), which inflates the variance by about (1 − 200/500)/200 = 0.3%: allow 6%.
    const R = 4000;
    const res = bootstrapCube(cube, rates, { rng: seededRng(1), resamples: R });
    const { mean, sd } = meanSd(res.estimates[0]!);
    expect(Math.abs(mean - 0.4)).toBeLessThanOrEqual(2.7e-3);
    expect(Math.abs(sd / Math.sqrt(0.24 / 200) - 1)).toBeLessThanOrEqual(0.06);
    // B: p = 0.2, n = 300 (weights constant in the group do not change the rate's distribution).
    const b = meanSd(res.estimates[1]!);
    expect(Math.abs(b.mean - 0.2)).toBeLessThanOrEqual(5 * (Math.sqrt(0.16 / 300) / Math.sqrt(R)));
    expect(Math.abs(b.sd / Math.sqrt(0.16 / 300) - 1)).toBeLessThanOrEqual(0.06);
  });

  it('matches a naive row bootstrap in distribution', () => {
    // The same 500 rows as the cube; each resample draws 500 row indices with replacement and
    // computes the demographic parity difference A − B (weighted). Both bootstraps use R = 4000;
    // their means may differ by 5·sd·√(2/R) and their sds by 5·√2/√(2R) = 7.9% relative.
    const rows: { g: number; y: number; p: number; w: number }[] = [];
    const push = (g: number, c: Confusion, w: number) => {
      for (const [y, p, n] of [
        [1, 1, c.ntp],
        [0, 1, c.nfp],
        [0, 0, c.ntn],
        [1, 0, c.nfn],
      ] as const) {
        for (let i = 0; i < n; i++) rows.push({ g, y, p, w });
      }
    };
    push(0, A, 1);
    push(1, Bw, 2);
    const R = 4000;
    const rng = seededRng(77);
    const naive = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      const sel = [0, 0];
      const tot = [0, 0];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[randomInt(rng, rows.length)]!;
        tot[row.g]! += row.w;
        if (row.p === 1) sel[row.g]! += row.w;
      }
      naive[r] = sel[0]! / tot[0]! - sel[1]! / tot[1]!;
    }
    const res = bootstrapCube(
      cube,
      (c) => {
        const [a, b] = rates(c);
        return [a! - b!];
      },
      { rng: seededRng(78), resamples: R },
    );
    const n = meanSd(naive);
    const s = meanSd(res.estimates[0]!);
    expect(Math.abs(s.mean - n.mean)).toBeLessThanOrEqual(5 * n.sd * Math.sqrt(2 / R));
    expect(Math.abs(s.sd / n.sd - 1)).toBeLessThanOrEqual(5 / Math.sqrt(R));
    // Both centre on the observed difference 0.4 − 0.2 = 0.2.
    expect(Math.abs(s.mean - 0.2)).toBeLessThanOrEqual((5 * s.sd) / Math.sqrt(R));
  });

  it('keeps the total row count and the mean weight of every unit', () => {
    let checked = 0;
    bootstrapCube(
      cube,
      (c) => {
        let rowsSum = 0;
        for (const cell of c.cells) {
          const x = cell.confusion!;
          rowsSum += x.ntp + x.nfp + x.ntn + x.nfn;
          // B's rows all weigh 2; A's weigh 1.
          const w = cell.key[0] === 'B' ? 2 : 1;
          expect(x.tp).toBe(x.ntp * w);
          expect(x.tn).toBe(x.ntn * w);
        }
        expect(rowsSum).toBe(500);
        checked++;
        return [0];
      },
      { rng: seededRng(3), resamples: 50 },
    );
    expect(checked).toBe(50);
  });

  it('gives the same intervals for the same seed and different ones for another seed', () => {
    const run = (seed: number) => bootstrapCube(cube, rates, { rng: seededRng(seed), resamples: 200 });
    expect(run(5).intervals).toEqual(run(5).intervals);
    expect(run(5).estimates[0]).toEqual(run(5).estimates[0]);
    expect(run(5).intervals).not.toEqual(run(6).intervals);
  });

  it('returns percentile intervals of the estimates at the requested confidence', () => {
    const res = bootstrapCube(cube, rates, { rng: seededRng(9), resamples: 500, confidence: 0.8 });
    expect(res.intervals[0]).toEqual(percentileInterval(res.estimates[0]!, 0.8));
    const [lo, hi] = res.intervals[0]!;
    // 80% interval of a rate with sd 0.0346 spans about ±1.28 sd = ±0.044 around 0.4.
    expect(lo).toBeGreaterThan(0.33);
    expect(hi).toBeLessThan(0.47);
    expect(lo).toBeLessThan(0.4);
    expect(hi).toBeGreaterThan(0.4);
  });

  it('skips undefined outputs and gives null when fewer than half the resamples are defined', () => {
    let call = 0;
    const res = bootstrapCube(
      cube,
      () => {
        call++;
        // output 0 defined in 2 of 3 resamples, output 1 in 1 of 3, output 2 never (null at runtime)
        return [
          call % 3 === 0 ? Number.NaN : call,
          call % 3 === 0 ? call : Number.NaN,
          null as unknown as number,
        ];
      },
      { rng: seededRng(1), resamples: 300 },
    );
    expect(res.intervals[0]).not.toBeNull();
    expect(res.intervals[1]).toBeNull();
    expect(res.intervals[2]).toBeNull();
    expect(Number.isNaN(res.estimates[2]![0])).toBe(true);
  });

  it('resamples score histograms over (cell, value, class) and matches a row bootstrap of AUC', async () => {
    const { rocAuc, scoreHistogram } = await import('./stats/scores.js');
    // 60 rows: scores k/10 for k = 0…9, labels with AUC well inside (0, 1).
    const s: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 60; i++) {
      s.push((i % 10) / 10);
      y.push((i * 7) % 10 < i % 10 ? 1 : 0);
    }
    const h = scoreHistogram(s, y);
    const R = 3000;
    const res = bootstrapCube(
      { ...cubeOf([{ key: ['A'], scores: h }]) },
      (c) => {
        const hs = c.cells[0]!.scores!;
        let n = 0;
        for (let i = 0; i < hs.values.length; i++) n += hs.npos[i]! + hs.nneg[i]!;
        expect(n).toBe(60);
        return [rocAuc(hs).value ?? Number.NaN];
      },
      { rng: seededRng(4), resamples: R },
    );
    const rng = seededRng(5);
    const naive = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      const ss: number[] = [];
      const yy: number[] = [];
      for (let i = 0; i < 60; i++) {
        const j = randomInt(rng, 60);
        ss.push(s[j]!);
        yy.push(y[j]!);
      }
      naive[r] = rocAuc(scoreHistogram(ss, yy)).value ?? Number.NaN;
    }
    const a = meanSd(res.estimates[0]!);
    const b = meanSd(naive);
    // Same Monte-Carlo bounds as the row-bootstrap comparison above, with R = 3000.
    expect(Math.abs(a.mean - b.mean)).toBeLessThanOrEqual(5 * b.sd * Math.sqrt(2 / R));
    expect(Math.abs(a.sd / b.sd - 1)).toBeLessThanOrEqual(5 / Math.sqrt(R));
  });

  it('resamples class matrices and drops regression moments', () => {
    const c: StatsCube = {
      task: 'multiclass',
      dims: ['g'],
      cells: [
        {
          key: ['A'],
          classes: { k: 2, weighted: Float64Array.of(3, 1, 2, 4), counts: Float64Array.of(3, 1, 2, 4) },
          regression: { n: 10, w: 10, sumPred: 1, sumTrue: 1, sumErr: 0, sumAbsErr: 0, sumSqErr: 0 },
        },
      ],
      rowsSeen: 10,
      rowsDropped: 0,
      producer: 'memory',
    };
    bootstrapCube(
      c,
      (r) => {
        const cell = r.cells[0]!;
        expect(cell.regression).toBeUndefined();
        expect([...cell.classes!.counts].reduce((x, v) => x + v, 0)).toBe(10);
        return [0];
      },
      { rng: seededRng(2), resamples: 20 },
    );
  });

  it('costs nothing per row: a billion-row cube resamples as fast as a small one', () => {
    // Were the bootstrap O(rows × resamples), this would not finish within the test timeout.
    const big = cubeOf([
      { key: ['A'], confusion: confusion(3e8, 2e8, 4e8, 1e8) },
      { key: ['B'], confusion: confusion(1e8, 1e8, 1e8, 1e8) },
    ]);
    const res = bootstrapCube(big, rates, { rng: seededRng(1), resamples: 200 });
    const [lo, hi] = res.intervals[0]!;
    // sd of A's rate = √(0.5·0.5/1e9) = 1.6e-5: the interval hugs 0.5.
    expect(lo).toBeGreaterThan(0.4999);
    expect(hi).toBeLessThan(0.5001);
  });

  it('rejects bad options, fractional row counts and a statistic of varying length', () => {
    const rng = seededRng(1);
    expect(() => bootstrapCube(cube, rates, { rng, resamples: 0 })).toThrow(/"resamples"/);
    expect(() => bootstrapCube(cube, rates, { rng, confidence: 1 })).toThrow(/"confidence"/);
    const frac = cubeOf([{ key: ['A'], confusion: { ...A, ntp: 1.5 } }]);
    expect(() => bootstrapCube(frac, rates, { rng })).toThrow(InvalidArgumentError);
    let n = 0;
    expect(() => bootstrapCube(cube, () => new Array(++n).fill(0), { rng, resamples: 3 })).toThrow(
      /same length in every resample/,
    );
  });
});
