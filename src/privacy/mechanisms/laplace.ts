/**
 * @module privacy/mechanisms/laplace
 * The Laplace mechanism made safe against floating-point attacks (Mironov 2012,
 * https://doi.org/10.1145/2382196.2382264) by discretisation: the value is rounded to a grid of
 * power-of-two spacing g, an exact discrete Laplace draw (Canonne, Kamath & Steinke 2020) is added on
 * the grid in integer arithmetic, and the integer result is scaled back by g. The grid sensitivity
 * ⌈Δ/g⌉ bounds the sensitivity after rounding, so the release is exactly ε-DP; with the default g
 * (2^-24 of Δ) the extra noise is below one part in 10⁷. No continuous noise is ever sampled.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { sampleDiscreteLaplace } from './discrete-laplace.js';
import { defaultRandomSource, type RandomSource } from './random-source.js';
import { toRational } from './rational.js';

/** Options of {@link laplaceMechanism}. */
export interface LaplaceOptions {
  readonly epsilon: number;
  /** L1 sensitivity Δ of the query (> 0). */
  readonly sensitivity: number;
  /** Grid spacing, a power of two (default 2^(⌊log₂Δ⌋−24)). */
  readonly granularity?: number;
  /** Random source (default: the secure Web Crypto source). */
  readonly source?: RandomSource;
}

/** The noise a {@link laplaceMechanism} call adds: grid, grid sensitivity, scale and standard deviation. */
export interface LaplaceNoise {
  readonly granularity: number;
  readonly gridSensitivity: number;
  /** Scale b of the noise in the value's units (≈ Δ/ε). */
  readonly scale: number;
  /** Standard deviation of the added noise, in the value's units (exact for the discrete Laplace). */
  readonly std: number;
}

function powerOfTwoBelow(x: number): number {
  return 2 ** Math.floor(Math.log2(x));
}

function checkGranularity(fn: string, g: number): void {
  if (!(g > 0) || !Number.isFinite(g) || 2 ** Math.round(Math.log2(g)) !== g)
    throw new InvalidArgumentError(fn, 'granularity', g, 'a power of two (e.g. 2^-10 = 0.0009765625)');
}

/**
 * Describes the noise of the discretised Laplace mechanism, without sampling.
 * @example laplaceNoise({ epsilon: 1, sensitivity: 1 }) // { scale: 1, std: 1.4142…, … }
 */
export function laplaceNoise(o: {
  readonly epsilon: number;
  readonly sensitivity: number;
  readonly granularity?: number;
}): LaplaceNoise {
  const fn = 'laplaceMechanism';
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  if (!(o.sensitivity > 0) || !Number.isFinite(o.sensitivity))
    throw new InvalidArgumentError(fn, 'sensitivity', o.sensitivity, 'a finite number > 0');
  const g = o.granularity ?? powerOfTwoBelow(o.sensitivity) * 2 ** -24;
  checkGranularity(fn, g);
  const gridSensitivity = Math.ceil(o.sensitivity / g);
  const b = gridSensitivity / o.epsilon; // grid units
  // Var of the discrete Laplace with P(y) ∝ e^{−|y|/b}: 2e^{−1/b}/(1−e^{−1/b})².
  const r = Math.exp(-1 / b);
  const variance = (2 * r) / ((1 - r) * (1 - r));
  return { granularity: g, gridSensitivity, scale: b * g, std: Math.sqrt(variance) * g };
}

/**
 * Releases `value` + discretised Laplace noise of scale ≈ Δ/ε: ε-DP for a query of L1 sensitivity Δ.
 * @example laplaceMechanism(42, { epsilon: 1, sensitivity: 1 }) // e.g. 41.23… (a multiple of 2^-24)
 */
export function laplaceMechanism(value: number, o: LaplaceOptions): number {
  if (!Number.isFinite(value))
    throw new InvalidArgumentError('laplaceMechanism', 'value', value, 'a finite number');
  const n = laplaceNoise(o);
  const k = BigInt(Math.round(value / n.granularity));
  const e = toRational(o.epsilon);
  // Grid scale Δ'/ε = Δ'·e.d / e.n exactly.
  const z = sampleDiscreteLaplace(
    { n: BigInt(n.gridSensitivity) * e.d, d: e.n },
    o.source ?? defaultRandomSource(),
  );
  return Number(k + z) * n.granularity;
}
