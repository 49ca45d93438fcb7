/**
 * @module metrics/stats/confusion
 * Weighted confusion counts of a binary decision: the empty record, the merge (element-wise sum,
 * the monoid that lets any grouping be obtained from the cells of a cube), and a small reference
 * builder from 0/1 arrays for tests and small inputs (the fast producers live in `producers/`).
 */

import { Adder, InvalidArgumentError } from '../../core/index.js';
import type { Confusion } from './types.js';

/**
 * The confusion of no rows: the identity of {@link mergeConfusion}.
 * @example mergeConfusion(emptyConfusion, c) // equal to c, field by field
 */
export const emptyConfusion: Confusion = Object.freeze({
  tp: 0,
  fp: 0,
  tn: 0,
  fn: 0,
  ntp: 0,
  nfp: 0,
  ntn: 0,
  nfn: 0,
});

/**
 * The confusion of the union of two disjoint sets of rows: every field added. Associative and
 * commutative (exactly so for integer weights; up to floating-point rounding otherwise), with
 * {@link emptyConfusion} as identity. Returns a new object; the inputs are not changed.
 *
 * @example
 * mergeConfusion({ tp: 1, fp: 0, tn: 2, fn: 0, ntp: 1, nfp: 0, ntn: 2, nfn: 0 },
 *                { tp: 0, fp: 3, tn: 0, fn: 1, ntp: 0, nfp: 3, ntn: 0, nfn: 1 })
 * // { tp: 1, fp: 3, tn: 2, fn: 1, ntp: 1, nfp: 3, ntn: 2, nfn: 1 }
 */
export function mergeConfusion(a: Confusion, b: Confusion): Confusion {
  return {
    tp: a.tp + b.tp,
    fp: a.fp + b.fp,
    tn: a.tn + b.tn,
    fn: a.fn + b.fn,
    ntp: a.ntp + b.ntp,
    nfp: a.nfp + b.nfp,
    ntn: a.ntn + b.ntn,
    nfn: a.nfn + b.nfn,
  };
}

/**
 * Builds the confusion of labels `yTrue` and decisions `yPred` (both 0/1), optionally weighted.
 * Weighted cells use compensated sums. O(n); meant for tests and small inputs.
 *
 * @param yTrue - true labels, each 0 or 1.
 * @param yPred - predicted labels, each 0 or 1, same length as `yTrue`.
 * @param weights - optional non-negative finite weights, same length; default 1 per row.
 * @throws {AEQ_INVALID_ARGUMENT} when lengths differ, a label is not 0/1, or a weight is negative or not finite.
 * @example
 * confusionFromArrays([1, 1, 0, 0], [1, 0, 1, 0], [1, 2, 3, 4])
 * // { tp: 1, fp: 3, tn: 4, fn: 2, ntp: 1, nfp: 1, ntn: 1, nfn: 1 }
 */
export function confusionFromArrays(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Confusion {
  const fn = 'confusionFromArrays';
  if (yPred.length !== yTrue.length) {
    throw new InvalidArgumentError(
      fn,
      'yPred',
      `length ${yPred.length}`,
      `of length ${yTrue.length} (as yTrue)`,
    );
  }
  if (weights !== undefined && weights.length !== yTrue.length) {
    throw new InvalidArgumentError(
      fn,
      'weights',
      `length ${weights.length}`,
      `of length ${yTrue.length} (as yTrue)`,
    );
  }
  // Cell index = 2·y + ŷ: 0 = tn, 1 = fp, 2 = fn, 3 = tp.
  const sums = [new Adder(), new Adder(), new Adder(), new Adder()] as const;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i]!;
    const p = yPred[i]!;
    if (y !== 0 && y !== 1) throw new InvalidArgumentError(fn, `yTrue[${i}]`, y, '0 or 1');
    if (p !== 0 && p !== 1) throw new InvalidArgumentError(fn, `yPred[${i}]`, p, '0 or 1');
    const w = weights === undefined ? 1 : weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new InvalidArgumentError(fn, `weights[${i}]`, w, 'a finite number ≥ 0');
    }
    const cell = 2 * y + p;
    sums[cell as 0 | 1 | 2 | 3].add(w);
    counts[cell]!++;
  }
  return {
    tp: sums[3].value,
    fp: sums[1].value,
    tn: sums[0].value,
    fn: sums[2].value,
    ntp: counts[3]!,
    nfp: counts[1]!,
    ntn: counts[0]!,
    nfn: counts[2]!,
  };
}
