/**
 * @module privacy/mechanisms/randomized-response
 * Randomized response (Warner 1965) as a local ε-DP mechanism: binary and k-ary ("generalised
 * randomized response", Kairouz, Oh & Viswanath 2016), sampled exactly (keep the truth with
 * probability e^ε/(e^ε+k−1) by rejection with exact Bernoulli(e^{−ε}) draws), and the unbiased
 * debiasing estimator of the true frequencies with its standard error.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { bernoulliExp } from './bernoulli.js';
import { defaultRandomSource, type RandomSource, uniformBigInt } from './random-source.js';
import { toRational } from './rational.js';

function checkEps(fn: string, epsilon: number): void {
  if (!(epsilon > 0) || !Number.isFinite(epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', epsilon, 'a finite number > 0');
}

/**
 * k-ary randomized response: reports `value` (in 0…k−1) with probability e^ε/(e^ε+k−1), else one of
 * the other k−1 values uniformly. ε-local-DP. For k = 2 it is Warner's binary randomized response.
 * @example randomizedResponse(2, 4, 1) // 2 with probability e/(e+3) ≈ 0.475
 */
export function randomizedResponse(value: number, k: number, epsilon: number, source?: RandomSource): number {
  const fn = 'randomizedResponse';
  checkEps(fn, epsilon);
  if (!Number.isInteger(k) || k < 2) throw new InvalidArgumentError(fn, 'k', k, 'an integer ≥ 2');
  if (!Number.isInteger(value) || value < 0 || value >= k)
    throw new InvalidArgumentError(fn, 'value', value, `an integer in 0…${k - 1}`);
  const src = source ?? defaultRandomSource();
  const e = toRational(epsilon);
  // Propose J uniformly; accept J = value always and J ≠ value with probability e^{−ε}:
  // P(value) ∝ 1, P(j) ∝ e^{−ε}  ⇒  P(value) = e^ε/(e^ε + k − 1).
  for (;;) {
    const j = Number(uniformBigInt(src, BigInt(k)));
    if (j === value || bernoulliExp(src, e.n, e.d)) return j;
  }
}

/**
 * Binary randomized response on a boolean.
 * @example randomizedResponseBit(true, Math.log(3)) // true with probability 3/4
 */
export function randomizedResponseBit(value: boolean, epsilon: number, source?: RandomSource): boolean {
  return randomizedResponse(value ? 1 : 0, 2, epsilon, source) === 1;
}

/** Debiased frequencies from randomized-response reports. */
export interface RandomizedResponseEstimate {
  /** Unbiased estimates of the true proportion of each value (may fall outside [0, 1]). */
  readonly proportions: number[];
  /** Their standard errors (plug-in). */
  readonly standardErrors: number[];
  /** Estimated true counts (proportion × n). */
  readonly counts: number[];
}

/**
 * Unbiased estimate of the true frequencies from the counts of reported values: with
 * p = e^ε/(e^ε+k−1) and q = 1/(e^ε+k−1), π̂_j = (c_j/n − q)/(p − q),
 * Var(π̂_j) = λ_j(1−λ_j)/(n(p−q)²) with λ_j = c_j/n.
 * @example randomizedResponseEstimate([300, 700], Math.log(3)).proportions // [0.1, 0.9]
 */
export function randomizedResponseEstimate(
  reportedCounts: readonly number[],
  epsilon: number,
): RandomizedResponseEstimate {
  const fn = 'randomizedResponseEstimate';
  checkEps(fn, epsilon);
  const k = reportedCounts.length;
  if (k < 2)
    throw new InvalidArgumentError(fn, 'reportedCounts', reportedCounts, 'counts for at least 2 values');
  const n = reportedCounts.reduce((a, b) => a + b, 0);
  if (!(n > 0))
    throw new InvalidArgumentError(fn, 'reportedCounts', reportedCounts, 'counts with a positive total');
  const ee = Math.exp(epsilon);
  const p = ee / (ee + k - 1);
  const q = 1 / (ee + k - 1);
  const proportions = reportedCounts.map((c) => (c / n - q) / (p - q));
  const standardErrors = reportedCounts.map((c) => {
    const l = c / n;
    return Math.sqrt((l * (1 - l)) / n) / (p - q);
  });
  return { proportions, standardErrors, counts: proportions.map((x) => x * n) };
}
