/**
 * @module explain/global/mean-abs-shap
 * Global importance from local attributions: the mean absolute SHAP value of each feature over the
 * explained rows (Lundberg et al. 2020, "From local explanations to global understanding with
 * explainable AI for trees", https://doi.org/10.1038/s42256-019-0138-9).
 */
import { Adder, InvalidArgumentError } from '../../core/index.js';
import type { AttributionsLike } from './attributions-like.js';

/** One feature's global importance from attributions. */
export interface AttributionImportance {
  readonly feature: string;
  /** Mean |φ_j| over the rows. */
  readonly meanAbs: number;
  /** Mean φ_j over the rows (signed: the average push of the feature). */
  readonly mean: number;
}

/**
 * Mean |attribution| per feature, I_j = (1/n) Σ_i |φ_ij|, sorted by decreasing importance (ties in
 * feature order). Unlike permutation importance it needs no labels and no extra model calls, and it
 * is as faithful as the attributions it is given.
 *
 * @throws {AEQ_INVALID_ARGUMENT} when there are no rows or a row's attributions have the wrong length.
 * @example
 * meanAbsShap({ featureNames: ['a', 'b'], rows: [
 *   { row: 0, prediction: 0.7, baseValue: 0.5, attributions: new Float64Array([0.3, -0.1]) },
 *   { row: 1, prediction: 0.4, baseValue: 0.5, attributions: new Float64Array([-0.1, 0]) },
 * ] })
 * // [{ feature: 'a', meanAbs: 0.2, mean: 0.1 }, { feature: 'b', meanAbs: 0.05, mean: -0.05 }]
 */
export function meanAbsShap(expl: AttributionsLike): AttributionImportance[] {
  const d = expl.featureNames.length;
  const n = expl.rows.length;
  if (n === 0) throw new InvalidArgumentError('meanAbsShap', 'rows', 0, 'at least one explained row');
  const abs = Array.from({ length: d }, () => new Adder());
  const sgn = Array.from({ length: d }, () => new Adder());
  for (let i = 0; i < n; i++) {
    const a = expl.rows[i]!.attributions;
    if (a.length !== d)
      throw new InvalidArgumentError(
        'meanAbsShap',
        `rows[${i}].attributions`,
        `length ${a.length}`,
        `length ${d}`,
      );
    for (let j = 0; j < d; j++) {
      abs[j]!.add(Math.abs(a[j]!));
      sgn[j]!.add(a[j]!);
    }
  }
  const out = expl.featureNames.map((feature, j) => ({
    feature,
    meanAbs: abs[j]!.value / n,
    mean: sgn[j]!.value / n,
    j,
  }));
  out.sort((a, b) => b.meanAbs - a.meanAbs || a.j - b.j);
  return out.map(({ feature, meanAbs, mean }) => ({ feature, meanAbs, mean }));
}
