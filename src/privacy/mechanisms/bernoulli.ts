/**
 * @module privacy/mechanisms/bernoulli
 * Exact Bernoulli samplers: Bernoulli(n/d) for a rational and Bernoulli(exp(−γ)) for a rational
 * γ ≥ 0, by Algorithm 1 of Canonne, Kamath & Steinke 2020, "The Discrete Gaussian for Differential
 * Privacy", https://arxiv.org/abs/2004.00010. No floating-point arithmetic touches the outcome.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { type RandomSource, uniformBigInt } from './random-source.js';

/**
 * True with probability n/d exactly (0 ≤ n ≤ d, d ≥ 1).
 * @example bernoulliRational(src, 1n, 3n) // true one time in three
 */
export function bernoulliRational(src: RandomSource, n: bigint, d: bigint): boolean {
  if (d <= 0n || n < 0n || n > d)
    throw new InvalidArgumentError('bernoulliRational', 'n/d', `${n}/${d}`, 'a probability 0 ≤ n/d ≤ 1');
  if (n === d) return true;
  if (n === 0n) return false;
  return uniformBigInt(src, d) < n;
}

/** Bernoulli(exp(−n/d)) for 0 ≤ n/d ≤ 1: K ← 1; while Bernoulli(γ/K): K ← K+1; return K odd. */
function bernoulliExpAtMostOne(src: RandomSource, n: bigint, d: bigint): boolean {
  let k = 1n;
  while (bernoulliRational(src, n, d * k)) k += 1n;
  return k % 2n === 1n;
}

/**
 * True with probability exp(−n/d) exactly, for n ≥ 0, d ≥ 1.
 * @example bernoulliExp(src, 1n, 1n) // true with probability 1/e
 */
export function bernoulliExp(src: RandomSource, n: bigint, d: bigint): boolean {
  if (d <= 0n || n < 0n)
    throw new InvalidArgumentError('bernoulliExp', 'n/d', `${n}/${d}`, 'a rational γ ≥ 0');
  if (n <= d) return bernoulliExpAtMostOne(src, n, d);
  const whole = n / d;
  for (let i = 0n; i < whole; i++) if (!bernoulliExpAtMostOne(src, 1n, 1n)) return false;
  return bernoulliExpAtMostOne(src, n % d, d);
}
