/**
 * @module metrics/stats/moments
 * Moment sums of a regression target and prediction (error e = ŷ − y): the sufficient statistics
 * of mean prediction, mean target, mean error (bias), mean absolute error and root mean squared
 * error per group, mergeable by addition (as in Fairlearn's MetricFrame for regression,
 * https://fairlearn.org/main/user_guide/assessment/).
 */

import { Adder, InvalidArgumentError } from '../../core/index.js';
import type { MetricValue, RegressionMetricName } from '../audit-types.js';
import type { RegressionMoments } from './types.js';

/**
 * The moments of no rows: the identity of {@link mergeMoments}.
 * @example regressionMetrics(emptyMoments).meanError // { value: null, undefinedBecause: 'emptyGroup' }
 */
export const emptyMoments: RegressionMoments = Object.freeze({
  n: 0,
  w: 0,
  sumPred: 0,
  sumTrue: 0,
  sumErr: 0,
  sumAbsErr: 0,
  sumSqErr: 0,
});

/**
 * Builds the moment sums of targets `yTrue` and predictions `yPred`, optionally weighted:
 * n rows, w = Σw, Σw·ŷ, Σw·y, Σw·(ŷ−y), Σw·|ŷ−y|, Σw·(ŷ−y)², each compensated. O(n); the reference
 * builder for tests and small inputs.
 *
 * @param yTrue - finite targets.
 * @param yPred - finite predictions, same length.
 * @param weights - optional finite non-negative weights; default 1 per row.
 * @throws {AEQ_INVALID_ARGUMENT} when lengths differ or a value or weight is not finite (or a weight is negative).
 * @example
 * regressionMoments([1, 2, 3], [2, 2, 5])
 * // { n: 3, w: 3, sumPred: 9, sumTrue: 6, sumErr: 3, sumAbsErr: 3, sumSqErr: 5 }
 */
export function regressionMoments(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  weights?: ArrayLike<number>,
): RegressionMoments {
  const fn = 'regressionMoments';
  const n = yTrue.length;
  if (yPred.length !== n) {
    throw new InvalidArgumentError(fn, 'yPred', `length ${yPred.length}`, `of length ${n} (as yTrue)`);
  }
  if (weights !== undefined && weights.length !== n) {
    throw new InvalidArgumentError(fn, 'weights', `length ${weights.length}`, `of length ${n} (as yTrue)`);
  }
  const w = new Adder();
  const sp = new Adder();
  const st = new Adder();
  const se = new Adder();
  const sa = new Adder();
  const ss = new Adder();
  for (let i = 0; i < n; i++) {
    const y = yTrue[i]!;
    const p = yPred[i]!;
    if (!Number.isFinite(y)) throw new InvalidArgumentError(fn, `yTrue[${i}]`, y, 'a finite number');
    if (!Number.isFinite(p)) throw new InvalidArgumentError(fn, `yPred[${i}]`, p, 'a finite number');
    const wi = weights === undefined ? 1 : weights[i]!;
    if (!(wi >= 0) || !Number.isFinite(wi)) {
      throw new InvalidArgumentError(fn, `weights[${i}]`, wi, 'a finite number ≥ 0');
    }
    const e = p - y;
    w.add(wi);
    sp.add(wi * p);
    st.add(wi * y);
    se.add(wi * e);
    sa.add(wi * Math.abs(e));
    ss.add(wi * e * e);
  }
  return {
    n,
    w: w.value,
    sumPred: sp.value,
    sumTrue: st.value,
    sumErr: se.value,
    sumAbsErr: sa.value,
    sumSqErr: ss.value,
  };
}

/**
 * The moments of the union of two disjoint sets of rows: every field added. Commutative and
 * associative (exactly for integer-valued sums), with {@link emptyMoments} as identity.
 *
 * @example
 * mergeMoments(regressionMoments([1], [2]), regressionMoments([3], [3]))
 * // { n: 2, w: 2, sumPred: 5, sumTrue: 4, sumErr: 1, sumAbsErr: 1, sumSqErr: 1 }
 */
export function mergeMoments(a: RegressionMoments, b: RegressionMoments): RegressionMoments {
  return {
    n: a.n + b.n,
    w: a.w + b.w,
    sumPred: a.sumPred + b.sumPred,
    sumTrue: a.sumTrue + b.sumTrue,
    sumErr: a.sumErr + b.sumErr,
    sumAbsErr: a.sumAbsErr + b.sumAbsErr,
    sumSqErr: a.sumSqErr + b.sumSqErr,
  };
}

function mean(m: RegressionMoments, sum: number): MetricValue {
  if (m.n === 0) return { value: null, undefinedBecause: 'emptyGroup' };
  if (!(m.w > 0)) return { value: null, undefinedBecause: 'zeroWeight' };
  return { value: sum / m.w };
}

/**
 * Weighted mean prediction Σw·ŷ / Σw.
 * @returns null with 'emptyGroup' for no rows, 'zeroWeight' when Σw = 0 (same for the other means).
 * @example meanPrediction(regressionMoments([1, 2, 3], [2, 2, 5])) // { value: 3 }
 */
export function meanPrediction(m: RegressionMoments): MetricValue {
  return mean(m, m.sumPred);
}

/**
 * Weighted mean target Σw·y / Σw.
 * @example meanTarget(regressionMoments([1, 2, 3], [2, 2, 5])) // { value: 2 }
 */
export function meanTarget(m: RegressionMoments): MetricValue {
  return mean(m, m.sumTrue);
}

/**
 * Weighted mean error (bias) Σw·(ŷ − y) / Σw: positive when the model over-predicts the group.
 * @example meanError(regressionMoments([1, 2, 3], [2, 2, 5])) // { value: 1 }
 */
export function meanError(m: RegressionMoments): MetricValue {
  return mean(m, m.sumErr);
}

/**
 * Weighted mean absolute error Σw·|ŷ − y| / Σw.
 * @example meanAbsoluteError(regressionMoments([1, 2, 3], [2, 2, 5])) // { value: 1 }
 */
export function meanAbsoluteError(m: RegressionMoments): MetricValue {
  return mean(m, m.sumAbsErr);
}

/**
 * Weighted root mean squared error √(Σw·(ŷ − y)² / Σw).
 * @example rootMeanSquaredError(regressionMoments([1, 2, 3], [2, 2, 5])) // { value: 1.2909… } = √(5/3)
 */
export function rootMeanSquaredError(m: RegressionMoments): MetricValue {
  const v = mean(m, m.sumSqErr);
  return v.value === null ? v : { value: Math.sqrt(Math.max(0, v.value)) };
}

/**
 * Every regression metric of one group, keyed by its JSON name (REGRESSION_METRICS): count (rows),
 * weight (Σw), meanPrediction, meanTarget, meanError, meanAbsoluteError, rootMeanSquaredError.
 *
 * @example
 * regressionMetrics(regressionMoments([1, 2, 3], [2, 2, 5]))
 * // { count: { value: 3 }, weight: { value: 3 }, meanPrediction: { value: 3 }, meanTarget: { value: 2 },
 * //   meanError: { value: 1 }, meanAbsoluteError: { value: 1 }, rootMeanSquaredError: { value: 1.2909… } }
 */
export function regressionMetrics(m: RegressionMoments): Record<RegressionMetricName, MetricValue> {
  return {
    count: { value: m.n },
    weight: { value: m.w },
    meanPrediction: meanPrediction(m),
    meanTarget: meanTarget(m),
    meanError: meanError(m),
    meanAbsoluteError: meanAbsoluteError(m),
    rootMeanSquaredError: rootMeanSquaredError(m),
  };
}
