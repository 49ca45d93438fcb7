/**
 * @module metrics/base
 * Per-group metrics of a binary classifier as pure functions of weighted confusion counts
 * (definitions: Fawcett 2006, "An introduction to ROC analysis", https://doi.org/10.1016/j.patrec.2005.10.010;
 * PPR share: Saleiro et al. 2018, Aequitas, https://arxiv.org/abs/1811.05577). A 0/0 rate is
 * `{ value: null, undefinedBecause }`, or 0 under a convention whose `undefinedRate` is 'zero' (fairlearn).
 */

import type { BinaryMetricName, Convention, MetricValue, UndefinedReason } from './audit-types.js';
import type { Confusion } from './stats/types.js';

/** The binary metrics that need only the group's own confusion (all but `positivePredictionShare`). */
export type GroupBinaryMetricName = Exclude<BinaryMetricName, 'positivePredictionShare'>;

const rows = (c: Confusion): number => c.ntp + c.nfp + c.ntn + c.nfn;
const mass = (c: Confusion): number => c.tp + c.fp + c.tn + c.fn;

/**
 * num/den, or null with the most specific reason: no rows at all ('emptyGroup'), rows in the
 * denominator cells that all weigh 0 ('zeroWeight'), or no rows in the denominator cells (`reason`).
 */
function ratioOf(
  c: Confusion,
  num: number,
  den: number,
  denRows: number,
  reason: UndefinedReason,
): MetricValue {
  if (den > 0) return { value: num / den };
  if (rows(c) === 0) return { value: null, undefinedBecause: 'emptyGroup' };
  if (denRows > 0) return { value: null, undefinedBecause: 'zeroWeight' };
  return { value: null, undefinedBecause: reason };
}

/** Number of rows (unweighted). Never undefined. @example count(c) // 10 */
export function count(c: Confusion): MetricValue {
  return { value: rows(c) };
}

/** Σ w over the group's rows. Never undefined. @example weight(c) // 12.5 */
export function weight(c: Confusion): MetricValue {
  return { value: mass(c) };
}

/** Base rate (prevalence) P(y = 1) = (tp + fn) / W. @example baseRate(c) // 0.4 for 4 positives in 10 rows */
export function baseRate(c: Confusion): MetricValue {
  return ratioOf(c, c.tp + c.fn, mass(c), rows(c), 'emptyGroup');
}

/** Selection rate P(ŷ = 1) = (tp + fp) / W. @example selectionRate(c) // 0.5 for 5 selected of 10 */
export function selectionRate(c: Confusion): MetricValue {
  return ratioOf(c, c.tp + c.fp, mass(c), rows(c), 'emptyGroup');
}

/** True positive rate (recall) tp / (tp + fn); undefined 'noPositives'. @example truePositiveRate(c) // 0.75 */
export function truePositiveRate(c: Confusion): MetricValue {
  return ratioOf(c, c.tp, c.tp + c.fn, c.ntp + c.nfn, 'noPositives');
}

/** False positive rate fp / (fp + tn); undefined 'noNegatives'. @example falsePositiveRate(c) // 0.25 */
export function falsePositiveRate(c: Confusion): MetricValue {
  return ratioOf(c, c.fp, c.fp + c.tn, c.nfp + c.ntn, 'noNegatives');
}

/** True negative rate (specificity) tn / (fp + tn); undefined 'noNegatives'. @example trueNegativeRate(c) // 0.75 */
export function trueNegativeRate(c: Confusion): MetricValue {
  return ratioOf(c, c.tn, c.fp + c.tn, c.nfp + c.ntn, 'noNegatives');
}

/** False negative rate fn / (tp + fn); undefined 'noPositives'. @example falseNegativeRate(c) // 0.25 */
export function falseNegativeRate(c: Confusion): MetricValue {
  return ratioOf(c, c.fn, c.tp + c.fn, c.ntp + c.nfn, 'noPositives');
}

/** Precision (PPV) tp / (tp + fp); undefined 'noPredictedPositives'. @example precision(c) // 0.6 */
export function precision(c: Confusion): MetricValue {
  return ratioOf(c, c.tp, c.tp + c.fp, c.ntp + c.nfp, 'noPredictedPositives');
}

/** Negative predictive value tn / (tn + fn); undefined 'noPredictedNegatives'. @example negativePredictiveValue(c) // 0.8 */
export function negativePredictiveValue(c: Confusion): MetricValue {
  return ratioOf(c, c.tn, c.tn + c.fn, c.ntn + c.nfn, 'noPredictedNegatives');
}

/** False discovery rate fp / (tp + fp); undefined 'noPredictedPositives'. @example falseDiscoveryRate(c) // 0.4 */
export function falseDiscoveryRate(c: Confusion): MetricValue {
  return ratioOf(c, c.fp, c.tp + c.fp, c.ntp + c.nfp, 'noPredictedPositives');
}

/** False omission rate fn / (tn + fn); undefined 'noPredictedNegatives'. @example falseOmissionRate(c) // 0.2 */
export function falseOmissionRate(c: Confusion): MetricValue {
  return ratioOf(c, c.fn, c.tn + c.fn, c.ntn + c.nfn, 'noPredictedNegatives');
}

/** Accuracy (tp + tn) / W. @example accuracy(c) // 0.7 */
export function accuracy(c: Confusion): MetricValue {
  return ratioOf(c, c.tp + c.tn, mass(c), rows(c), 'emptyGroup');
}

/**
 * Balanced accuracy (TPR + TNR) / 2. Undefined when either rate is, with the reason of the first
 * undefined one (TPR checked first).
 * @example balancedAccuracy(c) // 0.75 for TPR 0.75 and TNR 0.75
 */
export function balancedAccuracy(c: Confusion): MetricValue {
  const tpr = truePositiveRate(c);
  if (tpr.value === null) return tpr;
  const tnr = trueNegativeRate(c);
  if (tnr.value === null) return tnr;
  return { value: (tpr.value + tnr.value) / 2 };
}

/**
 * F1 score 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall. Undefined
 * ('noPositives') when there are neither positives nor predicted positives.
 * @example f1(c) // 0.6667 for tp 3, fp 2, fn 1
 */
export function f1(c: Confusion): MetricValue {
  return ratioOf(c, 2 * c.tp, 2 * c.tp + c.fp + c.fn, c.ntp + c.nfp + c.nfn, 'noPositives');
}

/**
 * Aequitas' predicted positive ratio (PPR): the group's share of all predicted positives,
 * (tp + fp)_group / (tp + fp)_total. `total` is the confusion of all rows (the group included).
 * Undefined with 'emptyGroup' when the group has no rows, and with 'noPredictedPositives'
 * ('zeroWeight' if those rows weigh 0) when nobody at all is predicted positive.
 * @example positivePredictionShare(group, total) // 0.25 when the group holds 2 of 8 predicted positives
 */
export function positivePredictionShare(group: Confusion, total: Confusion): MetricValue {
  if (rows(group) === 0) return { value: null, undefinedBecause: 'emptyGroup' };
  return ratioOf(
    total,
    group.tp + group.fp,
    total.tp + total.fp,
    total.ntp + total.nfp,
    'noPredictedPositives',
  );
}

/**
 * Every group metric by its JSON name (DESIGN contract), in the order of `BINARY_METRICS`.
 * @example BINARY_METRIC_FUNCTIONS.selectionRate(c) // { value: 0.5 }
 */
export const BINARY_METRIC_FUNCTIONS: Readonly<Record<GroupBinaryMetricName, (c: Confusion) => MetricValue>> =
  {
    count,
    weight,
    baseRate,
    selectionRate,
    truePositiveRate,
    falsePositiveRate,
    trueNegativeRate,
    falseNegativeRate,
    precision,
    negativePredictiveValue,
    falseDiscoveryRate,
    falseOmissionRate,
    accuracy,
    balancedAccuracy,
    f1,
  };

/**
 * Applies a convention's rule for undefined rates: with `undefinedRate: 'zero'` (fairlearn) a null
 * value becomes 0 and loses its reason; otherwise the value is returned unchanged.
 * @example applyUndefinedRate({ value: null, undefinedBecause: 'noPositives' }, CONVENTIONS.fairlearn) // { value: 0 }
 */
export function applyUndefinedRate(v: MetricValue, convention: Convention | undefined): MetricValue {
  return v.value === null && convention?.undefinedRate === 'zero' ? { value: 0 } : v;
}

/**
 * All group metrics of one confusion (everything but `positivePredictionShare`, which needs the
 * total: see {@link positivePredictionShare}).
 *
 * @param c - the group's confusion.
 * @param convention - optional; with `undefinedRate: 'zero'` (fairlearn) undefined rates become 0.
 * @example
 * binaryMetrics({ tp: 3, fp: 2, tn: 4, fn: 1, ntp: 3, nfp: 2, ntn: 4, nfn: 1 }).selectionRate // { value: 0.5 }
 */
export function binaryMetrics(
  c: Confusion,
  convention?: Convention,
): Record<GroupBinaryMetricName, MetricValue> {
  const out = {} as Record<GroupBinaryMetricName, MetricValue>;
  for (const name of Object.keys(BINARY_METRIC_FUNCTIONS) as GroupBinaryMetricName[]) {
    out[name] = applyUndefinedRate(BINARY_METRIC_FUNCTIONS[name](c), convention);
  }
  return out;
}
