/**
 * @module privacy/accounting/rdp
 * The Rényi-DP accountant for the sampled Gaussian mechanism (DP-SGD): Mironov, Talwar & Zhang 2019,
 * "Rényi Differential Privacy of the Sampled Gaussian Mechanism", https://arxiv.org/abs/1908.10530
 * (exact binomial expansion at integer orders, their two-sided series at fractional orders, all in
 * log space), and the improved RDP → (ε, δ) conversion of Balle et al. 2020
 * (https://arxiv.org/abs/1905.09982, Thm 21) as used by Opacus and Google's dp_accounting.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { logErfc } from './log-erfc.js';

/**
 * The RDP orders used by default: 1.1, 1.2, …, 10.9 and the integers 12, …, 63, the same list as
 * Opacus' `DEFAULT_ALPHAS`, so figures agree with that implementation order for order.
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10),
  ...Array.from({ length: 52 }, (_, x) => 12 + x),
]);

function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(Math.min(a, b) - m));
}

/** log(exp(a) − exp(b)) for a ≥ b. */
function logSub(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (a === b) return Number.NEGATIVE_INFINITY;
  if (a < b) return Number.NaN;
  return a + Math.log1p(-Math.exp(b - a));
}

/** log A_α for integer α: log Σ_i C(α,i) (1−q)^{α−i} q^i exp((i²−i)/(2σ²)). */
function logAInt(q: number, sigma: number, alpha: number): number {
  const lq = Math.log(q);
  const l1q = Math.log1p(-q);
  const s2 = 2 * sigma * sigma;
  let logA = Number.NEGATIVE_INFINITY;
  let logBinom = 0; // log C(α, 0)
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinom += Math.log(alpha - i + 1) - Math.log(i);
    const s = logBinom + i * lq + (alpha - i) * l1q + (i * i - i) / s2;
    logA = logAdd(logA, s);
  }
  return logA;
}

/** log A_α for fractional α by the series of Mironov, Talwar & Zhang 2019 (Section 3.3). */
function logAFrac(q: number, sigma: number, alpha: number): number {
  const lq = Math.log(q);
  const l1q = Math.log1p(-q);
  const s2 = 2 * sigma * sigma;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const sq2s = Math.SQRT2 * sigma;
  let logA0 = Number.NEGATIVE_INFINITY;
  let logA1 = Number.NEGATIVE_INFINITY;
  let logAbsBinom = 0; // log |C(α, 0)|
  let sign = 1;
  for (let i = 0; i < 100_000; i++) {
    if (i > 0) {
      const f = alpha - i + 1;
      if (f < 0) sign = -sign;
      logAbsBinom += Math.log(Math.abs(f)) - Math.log(i);
    }
    const j = alpha - i;
    const logT0 = logAbsBinom + i * lq + j * l1q;
    const logT1 = logAbsBinom + j * lq + i * l1q;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sq2s);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sq2s);
    const logS0 = logT0 + (i * i - i) / s2 + logE0;
    const logS1 = logT1 + (j * j - j) / s2 + logE1;
    if (sign > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
  }
  return logAdd(logA0, logA1);
}

/** RDP of one step of the sampled Gaussian at order α. */
function rdpOneStep(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Number.POSITIVE_INFINITY;
  if (q === 1) return alpha / (2 * sigma * sigma);
  if (alpha === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  return logA / (alpha - 1);
}

function checkOrders(fn: string, orders: readonly number[]): void {
  if (orders.length === 0) throw new InvalidArgumentError(fn, 'orders', [], 'a non-empty list of orders > 1');
  for (const a of orders) {
    if (!(a > 1)) throw new InvalidArgumentError(fn, 'orders', a, 'orders greater than 1 (e.g. 1.5, 2, 32)');
  }
}

/**
 * The RDP ε(α) of `steps` compositions of the Poisson-subsampled Gaussian mechanism with sampling
 * rate `q` and noise multiplier `sigma` (noise standard deviation / sensitivity), one per order.
 * @example rdpSubsampledGaussian(1, 2, 1, [2]) // Float64Array [0.25]  (= α/(2σ²))
 */
export function rdpSubsampledGaussian(
  q: number,
  sigma: number,
  steps: number,
  orders: readonly number[] = DEFAULT_RDP_ORDERS,
): Float64Array {
  const fn = 'rdpSubsampledGaussian';
  if (!(q >= 0 && q <= 1)) throw new InvalidArgumentError(fn, 'q', q, 'a sampling rate in [0, 1]');
  if (!(sigma >= 0) || !Number.isFinite(sigma))
    throw new InvalidArgumentError(fn, 'sigma', sigma, 'a finite noise multiplier ≥ 0');
  if (!(steps >= 0) || !Number.isFinite(steps))
    throw new InvalidArgumentError(fn, 'steps', steps, 'a finite number of steps ≥ 0');
  checkOrders(fn, orders);
  const out = new Float64Array(orders.length);
  for (let k = 0; k < orders.length; k++) out[k] = rdpOneStep(q, sigma, orders[k]!) * steps;
  return out;
}

/**
 * Converts RDP guarantees at several orders to (ε, δ)-DP, keeping the best order, with the improved
 * conversion ε = r(α) + log((α−1)/α) − (log δ + log α)/(α−1) (Balle et al. 2020, Thm 21).
 * @example rdpToEpsilon([2, 4], [0.1, 0.2], 1e-5) // { epsilon: 3.2879…, order: 4 }
 */
export function rdpToEpsilon(
  orders: readonly number[],
  rdp: ArrayLike<number>,
  delta: number,
): { epsilon: number; order: number } {
  const fn = 'rdpToEpsilon';
  checkOrders(fn, orders);
  if (rdp.length !== orders.length)
    throw new InvalidArgumentError(fn, 'rdp', rdp.length, `one value per order (${orders.length})`);
  if (!(delta > 0 && delta < 1)) throw new InvalidArgumentError(fn, 'delta', delta, 'a number in (0, 1)');
  let best = Number.POSITIVE_INFINITY;
  let bestOrder = Number.NaN;
  const logDelta = Math.log(delta);
  for (let k = 0; k < orders.length; k++) {
    const a = orders[k]!;
    const r = rdp[k]!;
    if (Number.isNaN(r)) continue;
    const eps = r + Math.log1p(-1 / a) - (logDelta + Math.log(a)) / (a - 1);
    if (eps < best) {
      best = eps;
      bestOrder = a;
    }
  }
  return { epsilon: Math.max(0, best), order: bestOrder };
}

/** Options of {@link dpSgdEpsilon}. */
export interface DpSgdEpsilonOptions {
  /** Poisson sampling rate q = batch size / dataset size, in (0, 1]. */
  readonly sampleRate: number;
  /** σ: noise standard deviation divided by the clipping norm. */
  readonly noiseMultiplier: number;
  /** Number of noisy gradient steps. */
  readonly steps: number;
  /** Target δ in (0, 1). */
  readonly delta: number;
  /** RDP orders (default {@link DEFAULT_RDP_ORDERS}). */
  readonly orders?: readonly number[];
}

/**
 * The ε of DP-SGD under the RDP accountant.
 * @example dpSgdEpsilon({ sampleRate: 256 / 60000, noiseMultiplier: 1.1, steps: 14063, delta: 1e-5 })
 * // { epsilon: 2.5966…, order: 8.1 }
 */
export function dpSgdEpsilon(o: DpSgdEpsilonOptions): { epsilon: number; order: number } {
  const fn = 'dpSgdEpsilon';
  if (!(o.sampleRate > 0 && o.sampleRate <= 1))
    throw new InvalidArgumentError(fn, 'sampleRate', o.sampleRate, 'a sampling rate in (0, 1]');
  if (!(o.noiseMultiplier > 0) || !Number.isFinite(o.noiseMultiplier))
    throw new InvalidArgumentError(fn, 'noiseMultiplier', o.noiseMultiplier, 'a finite number > 0');
  if (!(o.delta > 0 && o.delta < 1))
    throw new InvalidArgumentError(fn, 'delta', o.delta, 'a number in (0, 1)');
  const orders = o.orders ?? DEFAULT_RDP_ORDERS;
  const rdp = rdpSubsampledGaussian(o.sampleRate, o.noiseMultiplier, o.steps, orders);
  return rdpToEpsilon(orders, rdp, o.delta);
}

/** Options of {@link dpSgdNoise}. */
export interface DpSgdNoiseOptions {
  readonly sampleRate: number;
  readonly steps: number;
  readonly delta: number;
  /** Target ε > 0. */
  readonly epsilon: number;
  readonly orders?: readonly number[];
}

/**
 * The smallest noise multiplier σ (to relative precision 1e-6, rounded up) for which DP-SGD spends at
 * most `epsilon`, found by bisection on σ.
 * @example dpSgdNoise({ sampleRate: 256 / 60000, steps: 14063, delta: 1e-5, epsilon: 2.5966 }) // 1.10001…
 */
export function dpSgdNoise(o: DpSgdNoiseOptions): number {
  const fn = 'dpSgdNoise';
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  if (!(o.sampleRate > 0 && o.sampleRate <= 1))
    throw new InvalidArgumentError(fn, 'sampleRate', o.sampleRate, 'a sampling rate in (0, 1]');
  if (!(o.delta > 0 && o.delta < 1))
    throw new InvalidArgumentError(fn, 'delta', o.delta, 'a number in (0, 1)');
  if (!(o.steps >= 1) || !Number.isFinite(o.steps))
    throw new InvalidArgumentError(fn, 'steps', o.steps, 'a finite number of steps ≥ 1');
  const eps = (sigma: number): number =>
    dpSgdEpsilon({
      sampleRate: o.sampleRate,
      noiseMultiplier: sigma,
      steps: o.steps,
      delta: o.delta,
      ...(o.orders ? { orders: o.orders } : {}),
    }).epsilon;
  let hi = 1;
  while (eps(hi) > o.epsilon) {
    hi *= 2;
    if (hi > 1e6)
      throw new InvalidArgumentError(
        fn,
        'epsilon',
        o.epsilon,
        'a target reachable with a noise multiplier below 1e6',
        'Raise epsilon or delta, or lower the sampling rate or the number of steps.',
      );
  }
  let lo = hi === 1 ? 0 : hi / 2;
  while (hi - lo > 1e-6 * hi) {
    const mid = (lo + hi) / 2;
    if (eps(mid) > o.epsilon) lo = mid;
    else hi = mid;
  }
  return hi;
}
