/**
 * @module explain/disparity
 * Explaining a disparity: which features account for the gap in mean score (or selection rate)
 * between two groups. From attributions: by SHAP's efficiency the gap in mean prediction splits
 * exactly into per-feature gaps in mean attribution (Lundberg 2020, "Explaining quantitative
 * measures of fairness", https://arxiv.org/abs/2010.06463). Model-agnostic: Shapley values over
 * features of "give group B group A's values for the features in S" (a distribution-swap
 * decomposition in the spirit of Oaxaca–Blinder; Shapley over features as in Štrumbelj & Kononenko 2014).
 */
import { Adder, InvalidArgumentError, listSome, seededRng } from '../core/index.js';
import { cellString, type Table } from '../data/index.js';
import type { Model } from '../models/index.js';
import type { AttributionsLike } from './global/attributions-like.js';
import { checkFeatures, outputWidth, predict } from './global/model-io.js';

/** One feature's share of a gap. */
export interface GapContribution {
  readonly feature: string;
  /** The part of the gap (A − B) the feature accounts for. */
  readonly contribution: number;
  /** contribution / gap (NaN when the gap is 0). */
  readonly share: number;
}

/** Result of {@link disparityFromAttributions}. */
export interface AttributionDisparity {
  readonly kind: 'disparityFromAttributions';
  readonly groups: { readonly a: string; readonly b: string };
  readonly counts: { readonly a: number; readonly b: number };
  /** mean prediction in A − mean prediction in B (on the attributions' scale). */
  readonly gap: number;
  /** mean base value in A − in B (0 when both use the same background). */
  readonly baseGap: number;
  /** gap − baseGap − Σ contributions: 0 for exact methods, the sampling error otherwise. */
  readonly residual: number;
  /** Per feature: mean φ_j in A − mean φ_j in B, sorted by decreasing |contribution|. */
  readonly contributions: readonly GapContribution[];
}

/**
 * Splits the gap in mean prediction between groups A and B into features, from local attributions:
 * gap = (mean base_A − mean base_B) + Σ_j (mean φ_j over A − mean φ_j over B) + residual.
 * With one background for all rows and an efficient method (exact, tree, linear, KernelSHAP) the
 * base gap and the residual are 0. The gap is in mean score on the explanation's scale; for a gap in
 * selection rate use {@link disparityBySwapping} with metric 'selectionRate'.
 *
 * @param groups the group of each explained row, aligned with `expl.rows` (null: in neither group).
 * @throws {AEQ_INVALID_ARGUMENT} when `groups` has the wrong length or a group has no rows.
 * @example
 * const d = disparityFromAttributions(expl, sexOfRows, { a: 'Male', b: 'Female' });
 * d.gap // 0.12
 * d.contributions[0] // { feature: 'hours-per-week', contribution: 0.05, share: 0.42 }
 */
export function disparityFromAttributions(
  expl: AttributionsLike,
  groups: readonly (string | null)[],
  opts: { readonly a: string; readonly b: string },
): AttributionDisparity {
  const fn = 'disparityFromAttributions';
  const n = expl.rows.length;
  if (groups.length !== n)
    throw new InvalidArgumentError(
      fn,
      'groups',
      `length ${groups.length}`,
      `one group per explained row (${n})`,
    );
  const d = expl.featureNames.length;
  const sum = {
    a: Array.from({ length: d }, () => new Adder()),
    b: Array.from({ length: d }, () => new Adder()),
  };
  const pred = { a: new Adder(), b: new Adder() };
  const base = { a: new Adder(), b: new Adder() };
  const count = { a: 0, b: 0 };
  for (let i = 0; i < n; i++) {
    const g = groups[i] === opts.a ? 'a' : groups[i] === opts.b ? 'b' : null;
    if (g === null) continue;
    const r = expl.rows[i]!;
    count[g]++;
    pred[g].add(r.prediction);
    base[g].add(r.baseValue);
    for (let j = 0; j < d; j++) sum[g][j]!.add(r.attributions[j]!);
  }
  for (const g of ['a', 'b'] as const)
    if (count[g] === 0)
      throw new InvalidArgumentError(
        fn,
        `opts.${g}`,
        opts[g],
        `a group with explained rows (${listSome([...new Set(groups.map(String))])})`,
      );
  const gap = pred.a.value / count.a - pred.b.value / count.b;
  const baseGap = base.a.value / count.a - base.b.value / count.b;
  const contrib = expl.featureNames.map((_, j) => sum.a[j]!.value / count.a - sum.b[j]!.value / count.b);
  const total = new Adder();
  for (const c of contrib) total.add(c);
  return {
    kind: 'disparityFromAttributions',
    groups: { a: opts.a, b: opts.b },
    counts: { a: count.a, b: count.b },
    gap,
    baseGap,
    residual: gap - baseGap - total.value,
    contributions: rank(expl.featureNames, contrib, gap),
  };
}

/** Options of {@link disparityBySwapping}. */
export interface DisparitySwapOptions {
  /** The column holding the groups. */
  readonly sensitive: string;
  readonly a: string;
  readonly b: string;
  /** 'meanScore' (P(positive) or the value) or 'selectionRate' (share with P ≥ threshold). @default 'meanScore' */
  readonly metric?: 'meanScore' | 'selectionRate';
  /** @default 0.5 */
  readonly threshold?: number;
  /** Features that are players; the rest keep group B's values. @default model.features */
  readonly features?: readonly string[];
  /** Pairs (a row of A, a row of B): all of them when |A|·|B| ≤ maxPairs, else a seeded sample. @default 2000 */
  readonly maxPairs?: number;
  /** Exact enumeration over 2^d subsets up to this many features, else permutation sampling. @default 10 */
  readonly exactMaxFeatures?: number;
  /** Permutations (in antithetic pairs) for the sampling estimator. @default 64 */
  readonly permutations?: number;
  /** Class index for a multiclass model. @default 0 */
  readonly classIndex?: number;
  /** @default 0 */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

/** Result of {@link disparityBySwapping}. */
export interface SwapDisparity {
  readonly kind: 'disparityBySwapping';
  readonly metric: 'meanScore' | 'selectionRate';
  readonly groups: { readonly a: string; readonly b: string };
  readonly counts: { readonly a: number; readonly b: number };
  /** The metric over all rows of A minus over all rows of B. */
  readonly gap: number;
  /** v(all) − v(∅) over the pairs used; Σ contributions equals it exactly (efficiency). Equals `gap` when all pairs are used. */
  readonly pairGap: number;
  readonly contributions: readonly GapContribution[];
  readonly method: 'exact' | 'permutation';
  readonly pairs: number;
  /** Rows scored by the model. */
  readonly evaluations: number;
}

/**
 * Model-agnostic attribution of a gap between groups A and B. Rows are paired (row of A, row of B);
 * the value of a set S of features is v(S) = mean over pairs of m(f(x_B with the features in S taken
 * from x_A)), m the score or 1[score ≥ threshold]. Then v(∅) is B's metric, v(all) is A's, and the
 * Shapley values φ_j of v (exact over 2^d subsets, or averaged over antithetic random permutations)
 * sum to v(all) − v(∅) exactly. A feature whose distribution is the same in both groups, and that
 * does not interact with one that differs, gets about 0 (exactly 0 with all pairs and an additive model).
 * Costs 2^d model calls of `pairs` rows (exact) or about d·permutations calls (sampling).
 *
 * @throws {AEQ_MODEL_FEATURES} when the table lacks model features.
 * @throws {AEQ_INVALID_ARGUMENT} for a group without rows, an unknown feature, or bad numbers.
 * @example
 * const d = await disparityBySwapping(model, table, { sensitive: 'sex', a: 'Male', b: 'Female', metric: 'selectionRate' });
 * d.gap // 0.19
 * d.contributions.map((c) => [c.feature, c.contribution.toFixed(2)]) // [['relationship', '0.11'], ['hours', '0.05'], …]
 */
export async function disparityBySwapping(
  model: Model,
  table: Table,
  opts: DisparitySwapOptions,
): Promise<SwapDisparity> {
  const fn = 'disparityBySwapping';
  checkFeatures(fn, model, table);
  const metric = opts.metric ?? 'meanScore';
  if (metric !== 'meanScore' && metric !== 'selectionRate')
    throw new InvalidArgumentError(fn, 'metric', opts.metric, "'meanScore' or 'selectionRate'");
  const threshold = opts.threshold ?? 0.5;
  const players = [...(opts.features ?? model.features)];
  for (const f of players)
    if (!model.features.includes(f))
      throw new InvalidArgumentError(fn, 'features', f, `model features (${listSome(model.features)})`);
  const d = players.length;
  const maxPairs = opts.maxPairs ?? 2000;
  const exactMax = opts.exactMaxFeatures ?? 10;
  const nPerm = opts.permutations ?? 64;
  if (!Number.isInteger(maxPairs) || maxPairs < 1)
    throw new InvalidArgumentError(fn, 'maxPairs', opts.maxPairs, 'an integer ≥ 1');
  if (!Number.isInteger(nPerm) || nPerm < 2)
    throw new InvalidArgumentError(fn, 'permutations', opts.permutations, 'an integer ≥ 2');
  const k = outputWidth(model);
  const ci = opts.classIndex ?? 0;
  if (!Number.isInteger(ci) || ci < 0 || ci >= k)
    throw new InvalidArgumentError(fn, 'classIndex', opts.classIndex, `an integer in [0, ${k - 1}]`);

  const sens = table.column(opts.sensitive, 'sensitive');
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  for (let i = 0; i < table.nrows; i++) {
    const s = cellString(sens, i);
    if (s === opts.a) rowsA.push(i);
    else if (s === opts.b) rowsB.push(i);
  }
  const seen = () =>
    listSome([...new Set(Array.from({ length: table.nrows }, (_, i) => String(cellString(sens, i))))]);
  if (rowsA.length === 0)
    throw new InvalidArgumentError(fn, 'a', opts.a, `a value of "${opts.sensitive}" with rows (${seen()})`);
  if (rowsB.length === 0)
    throw new InvalidArgumentError(fn, 'b', opts.b, `a value of "${opts.sensitive}" with rows (${seen()})`);

  let evaluations = 0;
  const metricOf = (out: Float64Array): number => {
    const n = out.length / k;
    const s = new Adder();
    for (let i = 0; i < n; i++) {
      const v = out[i * k + ci]!;
      s.add(metric === 'selectionRate' ? (v >= threshold ? 1 : 0) : v);
    }
    return s.value / n;
  };
  const x = table.select(model.features);
  const score = async (t: Table): Promise<number> => {
    evaluations += t.nrows;
    return metricOf(await predict(model, t, opts.signal));
  };
  const gap = (await score(x.take(Uint32Array.from(rowsA)))) - (await score(x.take(Uint32Array.from(rowsB))));

  // Pairs.
  let pa: Uint32Array;
  let pb: Uint32Array;
  if (rowsA.length * rowsB.length <= maxPairs) {
    const m = rowsA.length * rowsB.length;
    pa = new Uint32Array(m);
    pb = new Uint32Array(m);
    let t = 0;
    for (const a of rowsA)
      for (const b of rowsB) {
        pa[t] = a;
        pb[t++] = b;
      }
  } else {
    const rng = seededRng(opts.seed ?? 0).fork('pairs');
    pa = Uint32Array.from({ length: maxPairs }, () => rowsA[Math.floor(rng.nextFloat64() * rowsA.length)]!);
    pb = Uint32Array.from({ length: maxPairs }, () => rowsB[Math.floor(rng.nextFloat64() * rowsB.length)]!);
  }
  const tA = x.take(pa);
  const tB = x.take(pb);
  const cache = new Map<string, number>();
  const value = async (mask: Uint8Array): Promise<number> => {
    const key = mask.join('');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let t = tB;
    for (let j = 0; j < d; j++) if (mask[j]) t = t.withColumn(players[j]!, tA.column(players[j]!));
    const v = await score(t);
    cache.set(key, v);
    return v;
  };

  const phi = Array.from({ length: d }, () => new Adder());
  const method: 'exact' | 'permutation' = d <= exactMax ? 'exact' : 'permutation';
  const mask = new Uint8Array(d);
  let divisor = 1;
  if (method === 'exact') {
    // φ_j = Σ_{S ∌ j} |S|!(d−|S|−1)!/d! · (v(S ∪ j) − v(S)).
    const fact = [1];
    for (let i = 1; i <= d; i++) fact.push(fact[i - 1]! * i);
    const total = 2 ** d;
    for (let s = 0; s < total; s++) {
      let size = 0;
      for (let j = 0; j < d; j++) {
        mask[j] = Math.floor(s / 2 ** j) % 2;
        size += mask[j]!;
      }
      const vs = await value(mask);
      for (let j = 0; j < d; j++) {
        if (mask[j]) continue;
        const w = (fact[size]! * fact[d - size - 1]!) / fact[d]!;
        mask[j] = 1;
        const vj = await value(mask);
        mask[j] = 0;
        phi[j]!.add(w * (vj - vs));
      }
      opts.onProgress?.({ label: 'disparity attribution', done: s + 1, total });
    }
  } else {
    const rng = seededRng(opts.seed ?? 0).fork('permutations');
    const order = Array.from({ length: d }, (_, j) => j);
    const half = Math.ceil(nPerm / 2);
    for (let p = 0; p < half; p++) {
      for (let i = d - 1; i > 0; i--) {
        const j = Math.floor(rng.nextFloat64() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      for (const seq of [order, [...order].reverse()]) {
        mask.fill(0);
        let prev = await value(mask);
        for (const j of seq) {
          mask[j] = 1;
          const v = await value(mask);
          phi[j]!.add(v - prev);
          prev = v;
        }
      }
      opts.onProgress?.({ label: 'disparity attribution', done: p + 1, total: half });
    }
    divisor = 2 * half;
  }
  mask.fill(0);
  const v0 = await value(mask);
  mask.fill(1);
  const v1 = await value(mask);
  const pairGap = v1 - v0;
  return {
    kind: 'disparityBySwapping',
    metric,
    groups: { a: opts.a, b: opts.b },
    counts: { a: rowsA.length, b: rowsB.length },
    gap,
    pairGap,
    contributions: rank(
      players,
      phi.map((a) => a.value / divisor),
      pairGap,
    ),
    method,
    pairs: pa.length,
    evaluations,
  };
}

function rank(names: readonly string[], contrib: readonly number[], gap: number): GapContribution[] {
  const out = names.map((feature, j) => ({
    feature,
    contribution: contrib[j]!,
    share: gap === 0 ? Number.NaN : contrib[j]! / gap,
    j,
  }));
  out.sort((p, q) => Math.abs(q.contribution) - Math.abs(p.contribution) || p.j - q.j);
  return out.map(({ feature, contribution, share }) => ({ feature, contribution, share }));
}
