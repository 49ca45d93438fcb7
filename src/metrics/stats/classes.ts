/**
 * @module metrics/stats/classes
 * Multiclass sufficient statistics: the K×K matrix of (true class, predicted class) counts,
 * weighted and raw, its merge, and the one-vs-rest binary confusion of any class, so that every
 * binary metric applies per class (the one-vs-rest reduction, as in scikit-learn's
 * multilabel_confusion_matrix, https://scikit-learn.org/stable/modules/model_evaluation.html).
 */

import { Adder, InvalidArgumentError } from '../../core/index.js';
import type { ClassMatrix, Confusion } from './types.js';

/**
 * Builds the class matrix of true class codes `yTrue` and predicted codes `yPred` (integers in
 * [0, k)), optionally weighted: `weighted[t·k + p]` = Σw, `counts[t·k + p]` = rows. O(n + k²).
 *
 * @param k - number of classes, an integer ≥ 1.
 * @param weights - optional finite non-negative weights; default 1 per row.
 * @throws {AEQ_INVALID_ARGUMENT} when k is not a positive integer, lengths differ, a code is not an integer in [0, k), or a weight is negative or not finite.
 * @example
 * classMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3)
 * // { k: 3, weighted: [1,0,0, 0,0,1, 0,1,1], counts: [1,0,0, 0,0,1, 0,1,1] }
 */
export function classMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  k: number,
  weights?: ArrayLike<number>,
): ClassMatrix {
  const fn = 'classMatrix';
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(fn, 'k', k, 'an integer ≥ 1');
  const n = yTrue.length;
  if (yPred.length !== n) {
    throw new InvalidArgumentError(fn, 'yPred', `length ${yPred.length}`, `of length ${n} (as yTrue)`);
  }
  if (weights !== undefined && weights.length !== n) {
    throw new InvalidArgumentError(fn, 'weights', `length ${weights.length}`, `of length ${n} (as yTrue)`);
  }
  const sums: Adder[] = [];
  for (let i = 0; i < k * k; i++) sums.push(new Adder());
  const counts = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= k) {
      throw new InvalidArgumentError(fn, `yTrue[${i}]`, t, `a class code, an integer in [0, ${k})`);
    }
    if (!Number.isInteger(p) || p < 0 || p >= k) {
      throw new InvalidArgumentError(fn, `yPred[${i}]`, p, `a class code, an integer in [0, ${k})`);
    }
    const w = weights === undefined ? 1 : weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new InvalidArgumentError(fn, `weights[${i}]`, w, 'a finite number ≥ 0');
    }
    sums[t * k + p]!.add(w);
    counts[t * k + p]!++;
  }
  const weighted = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) weighted[i] = sums[i]!.value;
  return { k, weighted, counts };
}

/**
 * The class matrix of the union of two disjoint sets of rows: element-wise sums. Commutative and
 * associative (exactly for integer weights).
 *
 * @throws {AEQ_INVALID_ARGUMENT} when the two matrices have different numbers of classes.
 * @example
 * mergeClassMatrices(classMatrix([0], [1], 2), classMatrix([1], [1], 2))
 * // { k: 2, weighted: [0, 1, 0, 1], counts: [0, 1, 0, 1] }
 */
export function mergeClassMatrices(a: ClassMatrix, b: ClassMatrix): ClassMatrix {
  if (a.k !== b.k) {
    throw new InvalidArgumentError(
      'mergeClassMatrices',
      'b',
      `a matrix with k = ${b.k}`,
      `a matrix with the same number of classes as a (k = ${a.k})`,
      'Build every class matrix with the same class list.',
    );
  }
  const kk = a.k * a.k;
  const weighted = new Float64Array(kk);
  const counts = new Float64Array(kk);
  for (let i = 0; i < kk; i++) {
    weighted[i] = a.weighted[i]! + b.weighted[i]!;
    counts[i] = a.counts[i]! + b.counts[i]!;
  }
  return { k: a.k, weighted, counts };
}

/**
 * The one-vs-rest binary confusion of class `cls`: positive means "is class cls".
 * tp = M[c][c], fn = Σ_{p≠c} M[c][p], fp = Σ_{t≠c} M[t][c], tn = Σ_{t≠c, p≠c} M[t][p], for the
 * weighted sums and the raw counts alike (tn is summed directly, never as total − others, to avoid
 * cancellation).
 *
 * @param cls - a class code, an integer in [0, k).
 * @throws {AEQ_INVALID_ARGUMENT} when cls is not a class code of the matrix.
 * @example
 * oneVsRest(classMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3), 2)
 * // { tp: 1, fp: 1, tn: 1, fn: 1, ntp: 1, nfp: 1, ntn: 1, nfn: 1 }
 */
export function oneVsRest(m: ClassMatrix, cls: number): Confusion {
  const k = m.k;
  if (!Number.isInteger(cls) || cls < 0 || cls >= k) {
    throw new InvalidArgumentError('oneVsRest', 'cls', cls, `a class code, an integer in [0, ${k})`);
  }
  const w = [new Adder(), new Adder(), new Adder(), new Adder()] as const; // tp, fp, tn, fn
  const c = [0, 0, 0, 0];
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const cell = t === cls ? (p === cls ? 0 : 3) : p === cls ? 1 : 2;
      w[cell as 0 | 1 | 2 | 3].add(m.weighted[t * k + p]!);
      c[cell]! += m.counts[t * k + p]!;
    }
  }
  return {
    tp: w[0].value,
    fp: w[1].value,
    tn: w[2].value,
    fn: w[3].value,
    ntp: c[0]!,
    nfp: c[1]!,
    ntn: c[2]!,
    nfn: c[3]!,
  };
}
