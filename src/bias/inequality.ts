/**
 * @module bias/inequality
 * How unequal a set of group sizes is, as inequality indices over the groups' counts: the Theil
 * index (Theil, Economics and Information Theory, 1967) and the Atkinson index (Atkinson, "On the
 * measurement of inequality", J. Econ. Theory 2, 1970, https://doi.org/10.1016/0022-0531(70)90039-6).
 * Both are 0 when every group has the same size; used for balance over intersections.
 */
import { InvalidArgumentError } from '../core/index.js';

function checkCounts(fn: string, counts: ArrayLike<number>): number {
  if (counts.length === 0)
    throw new InvalidArgumentError(fn, 'counts', 'an empty list', 'at least one count');
  let s = 0;
  for (let i = 0; i < counts.length; i++) {
    const v = counts[i]!;
    if (!(v >= 0) || !Number.isFinite(v))
      throw new InvalidArgumentError(fn, `counts[${i}]`, v, 'a finite count ≥ 0');
    s += v;
  }
  if (!(s > 0)) throw new InvalidArgumentError(fn, 'counts', 'all zero', 'at least one positive count');
  return s;
}

/**
 * Theil index of group sizes xᵢ (k groups, mean μ): T = (1/k) Σ (xᵢ/μ) ln(xᵢ/μ), with 0·ln 0 = 0.
 * Equals ln k − H(shares): 0 for equal groups, ln k when one group holds everyone.
 *
 * @throws {AEQ_INVALID_ARGUMENT} for an empty list, a negative or non-finite count, or all zeros.
 * @example theilIndexOfCounts([1, 3]) // ½(0.5·ln 0.5 + 1.5·ln 1.5) = 0.1308120…
 */
export function theilIndexOfCounts(counts: ArrayLike<number>): number {
  const s = checkCounts('theilIndexOfCounts', counts);
  const k = counts.length;
  const mu = s / k;
  let t = 0;
  for (let i = 0; i < k; i++) {
    const r = counts[i]! / mu;
    if (r > 0) t += r * Math.log(r);
  }
  return Math.max(0, t / k);
}

/**
 * Atkinson index of group sizes with inequality aversion ε ≥ 0: A = 1 − M₁₋ε / μ, where M₁₋ε is the
 * power mean of order 1 − ε ((1/k) Σ xᵢ^(1−ε))^(1/(1−ε)), and the geometric mean for ε = 1. In
 * [0, 1]: 0 for equal groups; larger ε weighs the smallest groups more (with ε ≥ 1 an empty group
 * gives 1).
 *
 * @param epsilon - inequality aversion ε ≥ 0. @default 0.5
 * @throws {AEQ_INVALID_ARGUMENT} as {@link theilIndexOfCounts}, or for ε < 0.
 * @example atkinsonIndex([1, 3], 0.5) // 1 − ((1 + √3)/2)² / 2 = 0.0669872…
 * @example atkinsonIndex([1, 3], 1) // 1 − √3 / 2 = 0.1339745…
 */
export function atkinsonIndex(counts: ArrayLike<number>, epsilon = 0.5): number {
  const fn = 'atkinsonIndex';
  if (!(epsilon >= 0) || !Number.isFinite(epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', epsilon, 'a finite number ≥ 0');
  const s = checkCounts(fn, counts);
  const k = counts.length;
  const mu = s / k;
  if (epsilon === 1) {
    let logSum = 0;
    for (let i = 0; i < k; i++) {
      if (counts[i] === 0) return 1;
      logSum += Math.log(counts[i]! / mu);
    }
    return Math.min(1, Math.max(0, 1 - Math.exp(logSum / k)));
  }
  const e = 1 - epsilon;
  let m = 0;
  for (let i = 0; i < k; i++) {
    const r = counts[i]! / mu;
    if (r === 0) {
      if (e < 0) return 1;
      continue;
    }
    m += r ** e;
  }
  return Math.min(1, Math.max(0, 1 - (m / k) ** (1 / e)));
}
