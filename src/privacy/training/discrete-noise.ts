/**
 * @module privacy/training/discrete-noise
 * Floating-point-safe noise for DP-SGD (Mironov 2012, "On Significance of the Least Significant Bits
 * for Differential Privacy"): the clipped gradient sum lives on a power-of-two grid as integers and gets
 * exact discrete Gaussian noise, drawn by the rejection sampler of Canonne, Kamath & Steinke 2020
 * (Algorithm 3, https://arxiv.org/abs/2004.00010) in exact integer arithmetic on doubles (all
 * intermediate integers stay below 2^53; larger ones fall back to the BigInt samplers of mechanisms).
 */
import { bernoulliExp, bernoulliRational } from '../mechanisms/index.js';

/** A source of uniform 32-bit words (an `Rng` or a `RandomSource`). */
export interface WordSource {
  nextUint32(): number;
}

const TWO32 = 0x100000000;
const SAFE = 2 ** 53;

/** Uniform integer in [0, m) for an integer 1 ≤ m ≤ 2^53, by rejection (no modulo bias). */
function uniformBelow(src: WordSource, m: number): number {
  if (m <= TWO32) {
    if (m === 1) return 0;
    const limit = TWO32 - (TWO32 % m);
    for (;;) {
      const u = src.nextUint32();
      if (u < limit) return u % m;
    }
  }
  // 33…53 bits: a high word masked to the bits needed above 32, then rejection.
  // m ≤ 2^53, so the high part needs at most 21 bits: the smallest mask covering ⌈m / 2^32⌉ − 1.
  const hiMask = 0xffffffff >>> Math.clz32(Math.ceil(m / TWO32) - 1);
  for (;;) {
    const hi = src.nextUint32() & hiMask;
    const r = hi * TWO32 + src.nextUint32();
    if (r < m) return r;
  }
}

/** Bernoulli(exp(−n/d)) for integers 0 ≤ n ≤ d < 2^53 (CKS Algorithm 1, the γ ≤ 1 case). */
function bernoulliExpUnit(src: WordSource, n: number, d: number): boolean {
  if (n === 0) return true;
  let k = 1;
  for (;;) {
    const dk = d * k;
    const more =
      dk <= SAFE
        ? uniformBelow(src, dk) < n
        : bernoulliRational(bigSource(src), BigInt(n), BigInt(d) * BigInt(k));
    if (!more) return k % 2 === 1;
    k++;
  }
}

/** Bernoulli(exp(−n/d)) for integers n ≥ 0, 1 ≤ d, both < 2^53. */
function bernoulliExpNum(src: WordSource, n: number, d: number): boolean {
  if (n <= d) return bernoulliExpUnit(src, n, d);
  const whole = Math.floor(n / d);
  for (let i = 0; i < whole; i++) if (!bernoulliExpUnit(src, 1, 1)) return false;
  return bernoulliExpUnit(src, n - whole * d, d);
}

function bigSource(src: WordSource): { nextUint32(): number; readonly secure: boolean } {
  return { secure: false, nextUint32: () => src.nextUint32() };
}

/**
 * One exact draw from the discrete Gaussian N_Z(0, σ²) with P(y) ∝ exp(−y²/(2σ²)), for an integer
 * σ² = `sigma2` in [1, 2^40]. Same algorithm as the mechanisms' `sampleDiscreteGaussian`, but on
 * doubles holding exact integers, so a draw costs well under a microsecond.
 * @example sampleDiscreteGaussianInt(seededRng(1), 1048576) // e.g. -731 (σ = 1024)
 */
export function sampleDiscreteGaussianInt(src: WordSource, sigma2: number): number {
  const t = Math.floor(Math.sqrt(sigma2)) + 1; // ⌊σ⌋ + 1 (exact: sqrt is correctly rounded, σ² < 2^53)
  const b = 2 * sigma2 * t * t; // γ = (|y|·t − σ²)² / (2σ²t²)
  for (;;) {
    // Discrete Laplace of scale t (CKS Algorithm 2 with s = 1).
    const u = uniformBelow(src, t);
    if (!bernoulliExpUnit(src, u, t)) continue;
    let v = 0;
    while (bernoulliExpUnit(src, 1, 1)) v++;
    const x = u + t * v;
    const negative = (src.nextUint32() & 1) === 1;
    if (negative && x === 0) continue;
    const a = x * t - sigma2;
    const a2 = a * a;
    const ok =
      a2 < SAFE && b < SAFE
        ? bernoulliExpNum(src, a2, b)
        : bernoulliExp(bigSource(src), BigInt(a) * BigInt(a), BigInt(sigma2) * 2n * BigInt(t) * BigInt(t));
    if (ok) return negative ? -x : x;
  }
}

/** The grid and scale of the discrete noise for one DP-SGD run. */
export interface DiscreteNoisePlan {
  /** Grid width g (a power of two): the largest with g ≤ σ·C / 2^10. */
  readonly granularity: number;
  /** The sensitivity the accountant sees after rounding: C + g·√P/2 (per-example rounding) or C + g·√P (rounding the sum). */
  readonly accountedGradNorm: number;
  /** σ² of the integer noise (grid units), rounded up to an integer. */
  readonly gridSigma2: number;
  /** The noise multiplier actually applied relative to the accounted norm: √gridSigma2 · g / accountedGradNorm (≥ the requested σ). */
  readonly noiseMultiplier: number;
}

/**
 * Plans the discrete noise for noise multiplier σ, clipping norm C and P parameters. With
 * `perExampleRounding` each clipped per-example gradient is rounded to the grid (norm ≤ C + g√P/2);
 * otherwise the batch sum is rounded (neighbouring sums then differ by ≤ C/g + √P grid steps).
 * @example planDiscreteNoise(1, 1, 100, true) // { granularity: 2^-10, accountedGradNorm: 1.0048828125, gridSigma2: 1058841, noiseMultiplier: 1 }
 */
export function planDiscreteNoise(
  sigma: number,
  C: number,
  P: number,
  perExampleRounding: boolean,
): DiscreteNoisePlan {
  const granularity = 2 ** Math.floor(Math.log2((sigma * C) / 1024));
  const slack = perExampleRounding ? (granularity * Math.sqrt(P)) / 2 : granularity * Math.sqrt(P);
  const accountedGradNorm = C + slack;
  const gridSd = (sigma * accountedGradNorm) / granularity;
  const gridSigma2 = Math.ceil(gridSd * gridSd);
  return {
    granularity,
    accountedGradNorm,
    gridSigma2,
    noiseMultiplier: (Math.sqrt(gridSigma2) * granularity) / accountedGradNorm,
  };
}
