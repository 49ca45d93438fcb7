/**
 * @module privacy/mechanisms/discrete-gaussian
 * The discrete Gaussian N_Z(0, σ²), P(y) ∝ exp(−y²/(2σ²)) on the integers: the exact sampler of
 * Canonne, Kamath & Steinke 2020 (Algorithm 3, https://arxiv.org/abs/2004.00010) and its exact
 * (ε, δ) curve (their Theorem 7) for an integer sensitivity, used to calibrate σ.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { analyticGaussianSigma } from './analytic-gaussian.js';
import { bernoulliExp } from './bernoulli.js';
import { sampleDiscreteLaplace } from './discrete-laplace.js';
import { defaultRandomSource, type RandomSource } from './random-source.js';
import { isqrt, toRational } from './rational.js';

/**
 * One draw from the discrete Gaussian with parameter σ (σ² taken exactly as the square of σ's binary
 * value). Returns a BigInt.
 * @example sampleDiscreteGaussian(3) // e.g. 2n; P(y) ∝ exp(−y²/18)
 */
export function sampleDiscreteGaussian(sigma: number, src: RandomSource = defaultRandomSource()): bigint {
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new InvalidArgumentError('sampleDiscreteGaussian', 'sigma', sigma, 'a finite number > 0');
  const r = toRational(sigma);
  const n = r.n * r.n; // σ² = n / d
  const d = r.d * r.d;
  const t = isqrt(n / d) + 1n; // ⌊σ⌋ + 1
  for (;;) {
    const y = sampleDiscreteLaplace({ n: t, d: 1n }, src);
    const ay = y < 0n ? -y : y;
    // γ = (|y| − σ²/t)² / (2σ²) = (|y|·d·t − n)² / (2·n·d·t²)
    const num = ay * d * t - n;
    if (bernoulliExp(src, num * num, 2n * n * d * t * t)) return y;
  }
}

/** Σ_{y ∈ Z} exp(−y²/(2σ²)) by Poisson summation: √(2π)σ·(1 + 2Σ_k exp(−2π²k²σ²)). */
function normaliser(sigma: number): number {
  if (sigma < 0.5) {
    let s = 1;
    for (let y = 1; y < 40; y++) s += 2 * Math.exp(-(y * y) / (2 * sigma * sigma));
    return s;
  }
  let c = 1;
  for (let k = 1; k < 6; k++) c += 2 * Math.exp(-2 * Math.PI * Math.PI * k * k * sigma * sigma);
  return Math.sqrt(2 * Math.PI) * sigma * c;
}

/** P(Y > c) for Y ~ N_Z(0, σ²), summing the tail terms until they vanish. */
function tail(sigma: number, c: number, norm: number): number {
  const s2 = 2 * sigma * sigma;
  if (c < 0) {
    // By symmetry P(Y ≤ c) = P(Y ≥ −c), a sum over y ≥ ⌈−c⌉.
    let below = 0;
    const start = Math.ceil(-c);
    for (let y = start; ; y++) {
      const term = Math.exp(-(y * y) / s2);
      below += term;
      if (term < 1e-300 || (y > sigma && term < 1e-18 * below)) break;
    }
    return 1 - below / norm;
  }
  let s = 0;
  for (let y = Math.floor(c) + 1; ; y++) {
    const term = Math.exp(-(y * y) / s2);
    s += term;
    if (term < 1e-300 || (y > sigma && term < 1e-18 * s)) break;
  }
  return s / norm;
}

/**
 * The exact δ(ε) of adding N_Z(0, σ²) to an integer-valued query of integer sensitivity Δ (CKS 2020,
 * Thm 7): δ = P(Y > εσ²/Δ − Δ/2) − e^ε·P(Y > εσ²/Δ + Δ/2).
 * @example discreteGaussianDelta(10, 1, 0.5) // 6.93e-9
 */
export function discreteGaussianDelta(sigma: number, sensitivity: number, epsilon: number): number {
  if (!Number.isInteger(sensitivity) || sensitivity < 1)
    throw new InvalidArgumentError('discreteGaussianDelta', 'sensitivity', sensitivity, 'an integer ≥ 1');
  const norm = normaliser(sigma);
  const m = (epsilon * sigma * sigma) / sensitivity;
  const d =
    tail(sigma, m - sensitivity / 2, norm) - Math.exp(epsilon) * tail(sigma, m + sensitivity / 2, norm);
  return Math.max(0, d);
}

/**
 * The smallest σ (to relative precision 1e-9, rounded up) for which N_Z(0, σ²) on an integer query of
 * integer sensitivity Δ is (ε, δ)-DP, by bisection on the exact δ(ε) curve.
 * @example discreteGaussianSigma(1, 1e-6, 1) // 4.2308 (the continuous analytic σ is 4.2247)
 */
export function discreteGaussianSigma(epsilon: number, delta: number, sensitivity: number): number {
  const fn = 'discreteGaussianSigma';
  if (!(epsilon > 0) || !Number.isFinite(epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', epsilon, 'a finite number > 0');
  if (!(delta > 0 && delta < 1)) throw new InvalidArgumentError(fn, 'delta', delta, 'a number in (0, 1)');
  if (!Number.isInteger(sensitivity) || sensitivity < 1)
    throw new InvalidArgumentError(fn, 'sensitivity', sensitivity, 'an integer ≥ 1');
  // Bracket around the continuous analytic σ, which the discrete one tracks closely.
  const guess = analyticGaussianSigma(epsilon, delta, sensitivity);
  let hi = guess * 1.01;
  while (discreteGaussianDelta(hi, sensitivity, epsilon) > delta) hi *= 1.5;
  let lo = Math.min(guess * 0.99, hi / 1.5);
  while (discreteGaussianDelta(lo, sensitivity, epsilon) <= delta && lo > 1e-6) lo /= 1.5;
  while (hi - lo > 1e-9 * hi) {
    const mid = (lo + hi) / 2;
    if (discreteGaussianDelta(mid, sensitivity, epsilon) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}
