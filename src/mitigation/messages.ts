/**
 * @module mitigation/messages
 * Error builders of the mitigation folder (in-processing reductions and post-processing), so that
 * each code has one wording: what was wrong, the offending value, what was expected, what to do.
 */
import { AequaError, listSome } from '../core/index.js';

/** The sensitive attribute has fewer than two groups. */
export function singleGroupError(fn: string, column: string, groups: readonly string[]): AequaError {
  return new AequaError(
    'AEQ_MITIGATION_SINGLE_GROUP',
    `${fn}: the sensitive attribute "${column}" has ${groups.length} group${groups.length === 1 ? '' : 's'} (${listSome(groups.map((g) => `"${g}"`)) || 'none'}); a fairness constraint compares at least two.`,
    {
      hint: 'Choose a sensitive column with two or more groups, or check the filters that removed the other groups.',
      details: { column, groups: [...groups] },
    },
  );
}

/** A group has no rows in a cell the constraint conditions on (e.g. no positives for TPR parity). */
export function emptyCellError(fn: string, constraint: string, group: string, event: string): AequaError {
  return new AequaError(
    'AEQ_MITIGATION_SINGLE_GROUP',
    `${fn}: group "${group}" has no rows with ${event}, so ${constraint} cannot compare it with the other groups.`,
    {
      hint: 'Merge the group with another, drop its rows, or choose a constraint that does not condition on the label (demographic parity).',
      details: { constraint, group, event },
    },
  );
}

/** The learner returned the same model for very different sample weights. */
export function weightsIgnoredError(kind: string): AequaError {
  return new AequaError(
    'AEQ_MITIGATION_WEIGHTS_IGNORED',
    `The learner "${kind}" gave identical predictions when fitted with two very different sets of sample weights, so it ignores sampleWeight; a reduction works only by reweighting the learner's training rows.`,
    {
      hint: 'Use a learner that honours sampleWeight (logistic, tree, gbdt, mlp, linear), or a post-processing method (threshold-optimizer) that needs only scores.',
      details: { learner: kind },
    },
  );
}
