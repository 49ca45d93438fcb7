/**
 * @module metrics/conventions
 * How differences, ratios and 0/0 rates are formed, following each established toolkit's documented
 * definitions (fairlearn `demographic_parity_difference`/`MetricFrame.difference`,
 * https://fairlearn.org/main/api_reference/; AIF360 `ClassificationMetric`,
 * https://aif360.readthedocs.io/; Aequitas `Bias`/`Fairness`, https://arxiv.org/abs/1811.05577).
 *
 * | toolkit   | difference                              | ratio                       | rate with 0/0            | fair band        |
 * | --------- | --------------------------------------- | --------------------------- | ------------------------ | ---------------- |
 * | aequa     | max − min over groups (unsigned)        | min / max                   | null + reason            | [0.8, 1.25]      |
 * | fairlearn | max − min ('between_groups')            | min / max                   | 0 (sklearn zero_division)| ratio ≥ 0.8 only |
 * | aif360    | unprivileged − privileged (signed)      | unprivileged / privileged   | NaN → null + reason      | [0.8, 1.25]      |
 * | aequitas  | |group − reference| (largest)           | group / reference           | NaN → null + reason      | [0.8, 1.25] (τ)  |
 *
 * aif360: the reference group is the privileged group and every other group is compared with it in
 * turn; the disparity reports the comparison with the largest magnitude, keeping its sign (AIF360
 * itself would pool all unprivileged groups into one, which hides the worst group when there are
 * more than two; for two groups the two agree exactly). Ratios to a reference report the ratio
 * farthest from 1 on a log scale, so 0.5 and 2 weigh the same, as the band [0.8, 1/0.8] does.
 *
 * Why our default is max − min and min / max with null: both are reference-free (the audit does not
 * depend on which group is called the reference, and is invariant to relabelling), bounded (in
 * [0, 1] for rates), and equal to fairlearn's values whenever every rate is defined. A 0/0 rate is
 * not a measurement: reporting it as 0 (fairlearn) turns a group without positives into a fake TPR
 * gap of up to 1, so we say null and why. The band is Aequitas' τ = 0.8 (the EEOC four-fifths rule,
 * 29 CFR 1607.4(D)), symmetric on a log scale; for min / max only its lower end can bind.
 */

import { InvalidArgumentError } from '../core/index.js';
import type { Convention, ConventionName } from './audit-types.js';

/**
 * The four conventions by name. Each is a frozen plain object, so it can be stored in a
 * `RunRecord` and compared by value.
 * @example CONVENTIONS.fairlearn.undefinedRate // 'zero'
 */
export const CONVENTIONS: Readonly<Record<ConventionName, Convention>> = Object.freeze({
  aequa: Object.freeze({
    name: 'aequa',
    difference: 'maxMinusMin',
    ratio: 'minOverMax',
    undefinedRate: 'null',
    fairRatioBand: Object.freeze([0.8, 1.25] as const),
  }),
  fairlearn: Object.freeze({
    name: 'fairlearn',
    difference: 'maxMinusMin',
    ratio: 'minOverMax',
    undefinedRate: 'zero',
    // fairlearn has no band of its own; min / max ≤ 1, so only the four-fifths lower end applies.
    fairRatioBand: Object.freeze([0.8, 1] as const),
  }),
  aif360: Object.freeze({
    name: 'aif360',
    difference: 'unprivilegedMinusPrivileged',
    ratio: 'toReference',
    undefinedRate: 'null',
    // AIF360's documentation calls disparate impact fair between 0.8 and 1.25.
    fairRatioBand: Object.freeze([0.8, 1.25] as const),
  }),
  aequitas: Object.freeze({
    name: 'aequitas',
    difference: 'toReference',
    ratio: 'toReference',
    undefinedRate: 'null',
    fairRatioBand: Object.freeze([0.8, 1.25] as const),
  }),
} satisfies Record<ConventionName, Convention>);

/**
 * Looks a convention up by name.
 * @throws {AEQ_INVALID_ARGUMENT} when the name is not one of aequa, fairlearn, aif360, aequitas.
 * @example getConvention('aif360').difference // 'unprivilegedMinusPrivileged'
 */
export function getConvention(name: string): Convention {
  if (Object.hasOwn(CONVENTIONS, name)) return CONVENTIONS[name as ConventionName];
  const names = Object.keys(CONVENTIONS);
  throw new InvalidArgumentError(
    'getConvention',
    'name',
    name,
    `one of ${names.join(', ')}`,
    `Pass one of ${names.join(', ')} (--convention); aequa is the default.`,
  );
}
