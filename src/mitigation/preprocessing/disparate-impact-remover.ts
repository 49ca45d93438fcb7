/**
 * @module mitigation/preprocessing/disparate-impact-remover
 * Disparate impact remover (Feldman, Friedler, Moeller, Scheidegger & Venkatasubramanian,
 * "Certifying and removing disparate impact", KDD 2015, https://arxiv.org/abs/1412.3756, §5):
 * each number feature is moved, per group, toward the "median" distribution — at each quantile u,
 * the median over groups of the groups' u-quantiles — so that the feature no longer tells the groups
 * apart while each group's ranking of its own rows is kept. `repairLevel` λ blends: x' = (1 − λ)x + λ·M(u).
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Column, NumberColumn, Table } from '../../data/index.js';
import { type PreprocessingChanges, sensitiveGroups } from './changes.js';
import { numberFeature, repairChanges } from './feature-repair.js';

/** Options of {@link disparateImpactRemover}. */
export interface DisparateImpactRemoverOptions {
  /** Sensitive column(s); several mean their intersection. */
  readonly sensitive: string | readonly string[];
  /** Number columns to repair (leave the label out). */
  readonly features: readonly string[];
  /** λ in [0, 1]: 0 leaves the data as it is, 1 makes each feature's group distributions identical in rank. @default 1 */
  readonly repairLevel?: number;
}

/** The result of {@link disparateImpactRemover}. */
export interface DisparateImpactRemoverResult {
  readonly table: Table;
  readonly changes: PreprocessingChanges;
}

/**
 * Repairs number features toward the median distribution over groups. Within group g of n_g valid
 * cells, a value of (average, 1-based) rank r sits at quantile u = (r − ½)/n_g; the group's quantile
 * function Q_g interpolates linearly between its sorted values at those positions; the target is
 * M(u) = median_g Q_g(u). At λ = 1 every value becomes M(u), a non-decreasing function of u shared
 * by all groups, so rows at the same quantile of their groups get the same value (groups of equal
 * size end up with identical distributions); for every λ each group keeps its order. Missing cells
 * stay missing and take no part.
 *
 * @throws {AEQ_INVALID_ARGUMENT} for λ outside [0, 1] or no features.
 * @throws {AEQ_DATA_TYPE} when a feature is not a number column.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} with fewer than two groups.
 * @example
 * // A = [1, 2, 3], B = [10, 20, 30]: M(u) = mean of the two at each quantile = [5.5, 11, 16.5]
 * disparateImpactRemover(t, { sensitive: 'g', features: ['x'], repairLevel: 1 }) // x: A → 5.5, 11, 16.5; B → the same
 */
export function disparateImpactRemover(
  table: Table,
  opts: DisparateImpactRemoverOptions,
): DisparateImpactRemoverResult {
  const fn = 'disparateImpactRemover';
  const lambda = opts.repairLevel ?? 1;
  if (!(lambda >= 0 && lambda <= 1))
    throw new InvalidArgumentError(fn, 'repairLevel', opts.repairLevel, 'a number in [0, 1]');
  if (opts.features.length === 0)
    throw new InvalidArgumentError(fn, 'features', [], 'at least one number column to repair');
  const groups = sensitiveGroups(fn, table, opts.sensitive);
  const cols: NumberColumn[] = opts.features.map((f) =>
    numberFeature(fn, table, f, 'the disparate impact remover repairs'),
  );
  const k = groups.labels.length;
  const n = table.nrows;
  const changedRow = new Uint8Array(n);
  const perFeature: Record<
    string,
    { meanBefore: Record<string, number>; meanAfter: Record<string, number> }
  > = {};
  let out = table;
  opts.features.forEach((name, fi) => {
    const col = cols[fi]!;
    const repaired = repairColumn(col, groups.codes, k, lambda);
    for (let i = 0; i < n; i++) if (repaired[i] !== col.values[i]) changedRow[i] = 1;
    const sb = new Float64Array(k);
    const sa = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      if (col.valid !== null && !col.valid.isValid(i)) continue;
      const g = groups.codes[i]!;
      sb[g]! += col.values[i]!;
      sa[g]! += repaired[i]!;
      cnt[g]! += 1;
    }
    const meanBefore: Record<string, number> = {};
    const meanAfter: Record<string, number> = {};
    for (let g = 0; g < k; g++) {
      if (cnt[g] === 0) continue;
      meanBefore[groups.labels[g]!] = sb[g]! / cnt[g]!;
      meanAfter[groups.labels[g]!] = sa[g]! / cnt[g]!;
    }
    perFeature[name] = { meanBefore, meanAfter };
    const newCol: Column = { kind: 'number', values: repaired, valid: col.valid };
    out = out.withColumn(name, newCol);
  });
  return {
    table: out,
    changes: repairChanges(fn, groups, changedRow, { repairLevel: lambda, features: perFeature }),
  };
}

/** Value of a group's quantile function at u: linear interpolation of its sorted values at positions (j + ½)/m. */
function quantileAt(sorted: Float64Array, from: number, m: number, u: number): number {
  const pos = Math.min(m - 1, Math.max(0, u * m - 0.5));
  const lo = Math.floor(pos);
  const hi = Math.min(m - 1, lo + 1);
  const t = pos - lo;
  return sorted[from + lo]! + t * (sorted[from + hi]! - sorted[from + lo]!);
}

/** The repair kernel for one column: per-group sorted values, average ranks, median of quantiles. */
function repairColumn(col: NumberColumn, codes: Int32Array, k: number, lambda: number): Float64Array {
  const n = col.values.length;
  const valid = col.valid;
  const out = Float64Array.from(col.values);
  if (lambda === 0) return out;
  // Valid rows grouped, then sorted by value within each group.
  const sizes = new Uint32Array(k + 1);
  for (let i = 0; i < n; i++) if (valid === null || valid.isValid(i)) sizes[codes[i]! + 1]!++;
  for (let g = 1; g <= k; g++) sizes[g]! += sizes[g - 1]!;
  const offsets = sizes;
  const order = new Uint32Array(offsets[k]!);
  const fill = offsets.slice(0, k);
  for (let i = 0; i < n; i++) if (valid === null || valid.isValid(i)) order[fill[codes[i]!]!++] = i;
  const sorted = new Float64Array(order.length);
  const u = new Float64Array(n);
  const present: number[] = [];
  for (let g = 0; g < k; g++) {
    const a = offsets[g]!;
    const b = offsets[g + 1]!;
    const m = b - a;
    if (m === 0) continue;
    present.push(g);
    const part = order.subarray(a, b);
    const vals = col.values;
    Array.prototype.sort.call(part, (p: number, q: number) => vals[p]! - vals[q]! || p - q);
    for (let j = 0; j < m; j++) sorted[a + j] = vals[part[j]!]!;
    // Average ranks over ties, so equal values stay equal.
    let j = 0;
    while (j < m) {
      let e = j;
      while (e + 1 < m && sorted[a + e + 1] === sorted[a + j]) e++;
      const rank = (j + e) / 2 + 1; // 1-based average rank
      for (let t = j; t <= e; t++) u[part[t]!] = (rank - 0.5) / m;
      j = e + 1;
    }
  }
  const q = new Float64Array(present.length);
  for (let i = 0; i < n; i++) {
    if (valid !== null && !valid.isValid(i)) continue;
    for (let j = 0; j < present.length; j++) {
      const g = present[j]!;
      q[j] = quantileAt(sorted, offsets[g]!, offsets[g + 1]! - offsets[g]!, u[i]!);
    }
    q.sort();
    const h = q.length >> 1;
    const median = q.length % 2 === 1 ? q[h]! : (q[h - 1]! + q[h]!) / 2;
    out[i] = lambda === 1 ? median : (1 - lambda) * col.values[i]! + lambda * median;
  }
  return out;
}
