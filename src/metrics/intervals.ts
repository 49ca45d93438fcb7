/**
 * @module metrics/intervals
 * Confidence intervals for rates: the Wilson score interval (E. B. Wilson, "Probable inference,
 * the law of succession, and statistical inference", JASA 22, 1927,
 * https://doi.org/10.1080/01621459.1927.10502953), without continuity correction, and its weighted
 * form through Kish's effective sample size (L. Kish, Survey Sampling, 1965).
 */

import { Adder, InvalidArgumentError } from '../core/index.js';
import type { Interval } from './audit-types.js';
import { normalQuantile } from './special.js';

export { normalQuantile } from './special.js';

function checkConfidence(fn: string, confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidArgumentError(
      fn,
      'confidence',
      confidence,
      'a number strictly between 0 and 1 (e.g. 0.95)',
    );
  }
}

/**
 * The Wilson score interval for a binomial proportion: with p̂ = x/n and z = Φ⁻¹(1 − α/2),
 * center = (p̂ + z²/2n) / (1 + z²/n), half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²).
 * Unlike the Wald interval it stays inside [0, 1] and keeps near-nominal coverage for small n and
 * rates near 0 or 1. `successes` need not be an integer (a weighted rate times the row count);
 * for weighted data prefer {@link wilsonIntervalWeighted} with the Kish effective size.
 *
 * @param successes - x, in [0, n] (values above n by at most 1e-9·n, from rounding, are clamped).
 * @param n - trials, ≥ 0.
 * @param confidence - two-sided confidence level in (0, 1). @default 0.95
 * @returns [low, high] within [0, 1], or null when n = 0 (the rate is undefined).
 * @throws {AEQ_INVALID_ARGUMENT} when n < 0, successes is outside [0, n], or confidence is outside (0, 1).
 * @example wilsonInterval(8, 10) // [0.4901625…, 0.9433178…]
 * @example wilsonInterval(0, 0) // null
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | null {
  const fn = 'wilsonInterval';
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(fn, 'n', n, 'a finite number ≥ 0');
  checkConfidence(fn, confidence);
  if (!(successes >= 0) || !(successes <= n * (1 + 1e-9))) {
    throw new InvalidArgumentError(fn, 'successes', successes, `a number in [0, n] = [0, ${n}]`);
  }
  if (n === 0) return null;
  const p = Math.min(1, successes / n);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2n = (z * z) / n;
  const denom = 1 + z2n;
  const center = (p + z2n / 2) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At p = 0 (or 1) the exact low (high) bound is 0 (1); clamping removes rounding residue.
  const low = p === 0 ? 0 : Math.max(0, center - half);
  const high = p === 1 ? 1 : Math.min(1, center + half);
  return [low, high];
}

/**
 * The Wilson interval for a weighted rate, with n replaced by Kish's effective sample size
 * n_eff = (Σw)² / Σw² (see {@link kishEffectiveSampleSize}). With equal weights n_eff is the row
 * count and the result equals `wilsonInterval(rate · n, n)`.
 *
 * @param rate - the weighted rate Σw·y / Σw, in [0, 1].
 * @param nEff - the effective sample size, ≥ 0.
 * @param confidence - two-sided confidence level in (0, 1). @default 0.95
 * @returns [low, high], or null when nEff = 0.
 * @throws {AEQ_INVALID_ARGUMENT} when rate is outside [0, 1], nEff < 0, or confidence is outside (0, 1).
 * @example wilsonIntervalWeighted(0.8, 10) // [0.4901625…, 0.9433178…], as wilsonInterval(8, 10)
 */
export function wilsonIntervalWeighted(rate: number, nEff: number, confidence = 0.95): Interval | null {
  const fn = 'wilsonIntervalWeighted';
  if (!(rate >= 0 && rate <= 1)) throw new InvalidArgumentError(fn, 'rate', rate, 'a rate in [0, 1]');
  if (!(nEff >= 0) || !Number.isFinite(nEff)) {
    throw new InvalidArgumentError(fn, 'nEff', nEff, 'a finite number ≥ 0');
  }
  return wilsonInterval(rate * nEff, nEff, confidence);
}

/**
 * Kish's effective sample size of a weighted sample, (Σw)² / Σw²: the number of equally weighted
 * rows that would give a mean the same variance. Equals the row count for equal weights and
 * shrinks as weights become unequal. 0 for no rows or all-zero weights.
 *
 * @param weights - non-negative finite weights.
 * @throws {AEQ_INVALID_ARGUMENT} when a weight is negative or not finite.
 * @example kishEffectiveSampleSize([1, 1, 1, 1]) // 4
 * @example kishEffectiveSampleSize([3, 1]) // 1.6 (= 16 / 10)
 */
export function kishEffectiveSampleSize(weights: ArrayLike<number>): number {
  const s = new Adder();
  const s2 = new Adder();
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new InvalidArgumentError('kishEffectiveSampleSize', `weights[${i}]`, w, 'a finite number ≥ 0');
    }
    s.add(w);
    s2.add(w * w);
  }
  return s2.value === 0 ? 0 : (s.value * s.value) / s2.value;
}
