/**
 * @module mitigation/preprocessing/correlation-remover
 * Correlation remover: project number features onto the orthogonal complement of the centred
 * one-hot columns of the sensitive attribute(s), X' = X − α·S_c·W with W = (S_cᵀS_c)⁻¹S_cᵀX_c
 * (least squares), so that at α = 1 no feature is linearly correlated with any group indicator.
 * The idea of Fairlearn's CorrelationRemover (https://fairlearn.org/main/user_guide/mitigation/preprocessing.html),
 * which in turn follows the linear-regression residual repair of Calders et al. 2013.
 */

import { groupCodes } from '../../bias/index.js';
import { InvalidArgumentError } from '../../core/index.js';
import type { Column, NumberColumn, Table } from '../../data/index.js';
import { choleskySolve } from '../../models/index.js';
import { type PreprocessingChanges, sensitiveGroups } from './changes.js';
import { numberFeature, repairChanges } from './feature-repair.js';

/** Options of {@link correlationRemover}. */
export interface CorrelationRemoverOptions {
  /** Sensitive column(s): each contributes its own one-hot columns (not their intersection). */
  readonly sensitive: string | readonly string[];
  /** Number columns to decorrelate. */
  readonly features: readonly string[];
  /** α in [0, 1]: 0 leaves the data unchanged, 1 removes all linear correlation. @default 1 */
  readonly alpha?: number;
}

/** The result of {@link correlationRemover}. */
export interface CorrelationRemoverResult {
  readonly table: Table;
  readonly changes: PreprocessingChanges;
}

/**
 * Removes the linear dependence of number features on the sensitive attribute(s). Per feature, on
 * its valid rows: centre the feature and the one-hot columns (the first level of each sensitive
 * column dropped, as the centred columns of all levels are collinear), regress, and subtract α
 * times the fitted part; the feature's mean is kept. With one sensitive column this is
 * x' = x − α·(mean of x in the row's group − overall mean). Missing cells stay missing.
 *
 * @throws {AEQ_INVALID_ARGUMENT} for α outside [0, 1] or no features.
 * @throws {AEQ_DATA_TYPE} when a feature is not a number column.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when a sensitive column has fewer than two groups.
 * @example
 * // A = [1, 2, 3] (mean 2), B = [10, 20, 30] (mean 20), overall mean 11
 * correlationRemover(t, { sensitive: 'g', features: ['x'] }) // x: A → 10, 11, 12; B → 1, 11, 21
 */
export function correlationRemover(table: Table, opts: CorrelationRemoverOptions): CorrelationRemoverResult {
  const fn = 'correlationRemover';
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 1))
    throw new InvalidArgumentError(fn, 'alpha', opts.alpha, 'a number in [0, 1]');
  if (opts.features.length === 0)
    throw new InvalidArgumentError(fn, 'features', [], 'at least one number column to decorrelate');
  const sensitive = typeof opts.sensitive === 'string' ? [opts.sensitive] : [...opts.sensitive];
  const all = sensitiveGroups(fn, table, sensitive);
  // Indicator index per row and sensitive column: level − 1 + that column's offset, or −1 for the dropped level.
  const per = sensitive.map((s) => {
    const g = groupCodes(table, [s]);
    if (g.labels.length < 2) sensitiveGroups(fn, table, [s]); // throws the single-group error
    return g;
  });
  const n = table.nrows;
  const m = per.length;
  let p = 0;
  const active = new Int32Array(n * m);
  for (let j = 0; j < m; j++) {
    const g = per[j]!;
    for (let i = 0; i < n; i++) active[i * m + j] = g.codes[i]! === 0 ? -1 : p + g.codes[i]! - 1;
    p += g.labels.length - 1;
  }
  let out = table;
  const changedRow = new Uint8Array(n);
  const shifts: Record<string, number> = {};
  for (const name of opts.features) {
    const col = numberFeature(fn, table, name, 'the correlation remover works on');
    const values = decorrelate(col, active, m, p, alpha);
    let maxShift = 0;
    for (let i = 0; i < n; i++) {
      if (values[i] !== col.values[i]) changedRow[i] = 1;
      maxShift = Math.max(maxShift, Math.abs(values[i]! - col.values[i]!));
    }
    shifts[name] = maxShift;
    const newCol: Column = { kind: 'number', values, valid: col.valid };
    out = out.withColumn(name, newCol);
  }
  return {
    table: out,
    changes: repairChanges(fn, all, changedRow, { alpha, maxAbsoluteShift: shifts }),
  };
}

/** The kernel: least squares of the centred feature on the centred indicators, over valid rows. */
function decorrelate(
  col: NumberColumn,
  active: Int32Array,
  m: number,
  p: number,
  alpha: number,
): Float64Array {
  const n = col.values.length;
  const valid = col.valid;
  const x = col.values;
  let cnt = 0;
  let sx = 0;
  const s1 = new Float64Array(p); // Σ s_a
  const sxa = new Float64Array(p); // Σ s_a·x
  const ss = new Float64Array(p * p); // Σ s_a·s_b
  for (let i = 0; i < n; i++) {
    if (valid !== null && !valid.isValid(i)) continue;
    cnt++;
    sx += x[i]!;
    for (let j = 0; j < m; j++) {
      const a = active[i * m + j]!;
      if (a < 0) continue;
      s1[a]! += 1;
      sxa[a]! += x[i]!;
      for (let l = 0; l < m; l++) {
        const b = active[i * m + l]!;
        if (b >= 0) ss[a * p + b]! += 1;
      }
    }
  }
  const out = Float64Array.from(x);
  if (cnt === 0 || p === 0) return out;
  const mx = sx / cnt;
  // Centred Gram matrix G = Σ(s − s̄)(s − s̄)ᵀ and right-hand side Σ(s − s̄)(x − x̄).
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    rhs[a] = sxa[a]! - s1[a]! * mx;
    for (let b = 0; b < p; b++) gram[a * p + b] = ss[a * p + b]! - (s1[a]! * s1[b]!) / cnt;
  }
  const w = choleskySolve(gram, rhs, p).x;
  let offset = 0; // s̄ᵀw
  for (let a = 0; a < p; a++) offset += (s1[a]! / cnt) * w[a]!;
  for (let i = 0; i < n; i++) {
    if (valid !== null && !valid.isValid(i)) continue;
    let fit = -offset;
    for (let j = 0; j < m; j++) {
      const a = active[i * m + j]!;
      if (a >= 0) fit += w[a]!;
    }
    out[i] = x[i]! - alpha * fit;
  }
  return out;
}
