/**
 * @module privacy/mechanisms/gaussian
 * The Gaussian mechanism made safe against floating-point attacks by discretisation: the value is
 * rounded to a power-of-two grid, an exact discrete Gaussian draw (Canonne, Kamath & Steinke 2020,
 * https://arxiv.org/abs/2004.00010) is added in integer arithmetic, and the result is scaled back.
 * σ on the grid is calibrated on the discrete Gaussian's exact (ε, δ) curve (CKS Thm 7) for the
 * grid sensitivity ⌈Δ/g⌉, or set from ρ-zCDP as ⌈Δ/g⌉/√(2ρ) (CKS Thm 4). The grid puts σ between
 * 2^13 and 2^14 grid steps, so the rounding costs at most about 1/(2^13·ε/5) of extra noise.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { analyticGaussianSigma } from './analytic-gaussian.js';
import { discreteGaussianSigma, sampleDiscreteGaussian } from './discrete-gaussian.js';
import { defaultRandomSource, type RandomSource } from './random-source.js';

/** The noise parameters of {@link gaussianMechanism}: either (ε, δ) or ρ (zCDP). */
export type GaussianNoiseOptions = {
  /** L2 sensitivity Δ (> 0). */
  readonly sensitivity: number;
  /** Grid spacing, a power of two (default: σ spans 2^13 to 2^14 grid steps). */
  readonly granularity?: number;
} & ({ readonly epsilon: number; readonly delta: number } | { readonly rho: number });

/** Options of {@link gaussianMechanism}. */
export type GaussianOptions = GaussianNoiseOptions & { readonly source?: RandomSource };

/** The noise a {@link gaussianMechanism} call adds. */
export interface GaussianNoise {
  readonly granularity: number;
  readonly gridSensitivity: number;
  /** σ in grid units (the discrete Gaussian's parameter). */
  readonly gridSigma: number;
  /** σ in the value's units (≈ the standard deviation of the noise). */
  readonly sigma: number;
}

const cache = new Map<string, GaussianNoise>();

/**
 * Describes (and caches) the noise of the discretised Gaussian mechanism, without sampling.
 * @example gaussianNoise({ epsilon: 1, delta: 1e-5, sensitivity: 1 }).sigma // ≈ 3.73
 */
export function gaussianNoise(o: GaussianNoiseOptions): GaussianNoise {
  const fn = 'gaussianMechanism';
  if (!(o.sensitivity > 0) || !Number.isFinite(o.sensitivity))
    throw new InvalidArgumentError(fn, 'sensitivity', o.sensitivity, 'a finite number > 0');
  const rho = 'rho' in o ? o.rho : undefined;
  const ed = 'rho' in o ? undefined : { epsilon: o.epsilon, delta: o.delta };
  if (rho !== undefined && (!(rho > 0) || !Number.isFinite(rho)))
    throw new InvalidArgumentError(fn, 'rho', rho, 'a finite number > 0');
  const key = ed
    ? `e${ed.epsilon}|${ed.delta}|${o.sensitivity}|${o.granularity}`
    : `r${rho}|${o.sensitivity}|${o.granularity}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const cont = ed
    ? analyticGaussianSigma(ed.epsilon, ed.delta, o.sensitivity)
    : o.sensitivity / Math.sqrt(2 * rho!);
  const g = o.granularity ?? 2 ** (Math.floor(Math.log2(cont)) - 13);
  if (!(g > 0) || 2 ** Math.round(Math.log2(g)) !== g)
    throw new InvalidArgumentError(fn, 'granularity', g, 'a power of two (e.g. 2^-10 = 0.0009765625)');
  const gridSensitivity = Math.ceil(o.sensitivity / g);
  const gridSigma = ed
    ? discreteGaussianSigma(ed.epsilon, ed.delta, gridSensitivity)
    : gridSensitivity / Math.sqrt(2 * rho!);
  const out = { granularity: g, gridSensitivity, gridSigma, sigma: gridSigma * g };
  if (cache.size > 1000) cache.clear();
  cache.set(key, out);
  return out;
}

/**
 * Releases `value` + discretised Gaussian noise: (ε, δ)-DP (or ρ-zCDP) for L2 sensitivity Δ.
 * @example gaussianMechanism(42, { epsilon: 1, delta: 1e-5, sensitivity: 1 }) // e.g. 44.9…
 */
export function gaussianMechanism(value: number, o: GaussianOptions): number {
  if (!Number.isFinite(value))
    throw new InvalidArgumentError('gaussianMechanism', 'value', value, 'a finite number');
  const n = gaussianNoise(o);
  const k = BigInt(Math.round(value / n.granularity));
  const z = sampleDiscreteGaussian(n.gridSigma, o.source ?? defaultRandomSource());
  return Number(k + z) * n.granularity;
}
