/**
 * @module privacy/accounting/pld
 * A numerical privacy-loss-distribution (PLD / PRV) accountant for the Poisson-subsampled Gaussian
 * (DP-SGD): the per-step privacy loss is discretised on a grid of width h by mean-preserving randomised
 * rounding, composed T times by FFT (repeated squaring, mass beyond the range sent to δ), and the rounding
 * error is bounded by Hoeffding's inequality (Koskela, Jälkö & Honkela 2020, https://arxiv.org/abs/1906.03049;
 * Gopi, Lee & Wutschitz 2021, https://arxiv.org/abs/2106.02848).
 */
import { InvalidArgumentError } from '../../core/index.js';
import { normalCdf } from '../../metrics/index.js';
import { fft } from './fft.js';

/** CDF and survival function of one step's privacy loss. */
interface LossLaw {
  readonly cdf: (y: number) => number;
  readonly sf: (y: number) => number;
}

/**
 * The privacy loss of one step of the subsampled Gaussian, P = (1−q)N(0,σ²) + qN(1,σ²) against
 * Q = N(0,σ²): 'remove' is L(X) = log(P/Q)(X) with X ~ P; 'add' is −L(X) with X ~ Q.
 */
function subsampledGaussianLoss(q: number, sigma: number, direction: 'add' | 'remove'): LossLaw {
  const s2 = sigma * sigma;
  const logOneMinusQ = Math.log1p(-q);
  // x(ℓ): the point where L(x) = ℓ, for ℓ > log(1−q).
  const xOf = (l: number): number => {
    if (l <= logOneMinusQ) return Number.NEGATIVE_INFINITY;
    // log((e^ℓ − (1−q))/q) computed as ℓ + log1p(−(1−q)e^{−ℓ}) − log q
    const v = l + Math.log1p(-(1 - q) * Math.exp(-l)) - Math.log(q);
    return s2 * v + 0.5;
  };
  if (direction === 'remove')
    return {
      cdf: (y) => {
        const x = xOf(y);
        return (1 - q) * normalCdf(x / sigma) + q * normalCdf((x - 1) / sigma);
      },
      sf: (y) => {
        const x = xOf(y);
        return (1 - q) * normalCdf(-x / sigma) + q * normalCdf((1 - x) / sigma);
      },
    };
  // −L(X) ≤ y ⟺ X ≥ x(−y), X ~ N(0, σ²)
  return {
    cdf: (y) => normalCdf(-xOf(-y) / sigma),
    sf: (y) => normalCdf(xOf(-y) / sigma),
  };
}

/** A discretised privacy loss distribution: masses at k·h for k in [kmin, kmin + mass.length), plus mass at +∞. */
export interface DiscretePld {
  readonly h: number;
  readonly kmin: number;
  readonly mass: Float64Array;
  /** Mass at +∞ (privacy loss beyond the grid): it counts fully towards δ. */
  readonly infinity: number;
}

/**
 * Discretises a loss law on the grid k·h, k ∈ [kmin, kmax]: the mass in each bin (a, b] is split between
 * a and b so that the bin's mean is kept (its partial mean from Simpson's rule on the CDF); mass below
 * kmin·h moves up to kmin·h (pessimistic), mass above kmax·h goes to +∞.
 */
function discretise(law: LossLaw, h: number, kmin: number, kmax: number): DiscretePld {
  const n = kmax - kmin + 1;
  const mass = new Float64Array(n);
  // mass in (a, b], computed from the side of the median where it does not cancel
  const between = (fa: number, fb: number, sa: number, sb: number): number => (fb < 0.5 ? fb - fa : sa - sb);
  let a = kmin * h;
  let fa = law.cdf(a);
  let sa = law.sf(a);
  mass[0] = fa;
  for (let i = 0; i + 1 < n; i++) {
    const b = (kmin + i + 1) * h;
    const m = (a + b) / 2;
    const fb = law.cdf(b);
    const sb = law.sf(b);
    const fm = law.cdf(m);
    const sm = law.sf(m);
    const total = Math.max(0, between(fa, fb, sa, sb));
    // ∫_a^b (ℓ − a) dF = ∫_a^b (F(b) − F(ℓ)) dℓ ≈ h·[(F(b) − F(a)) + 4(F(b) − F(m))]/6 (Simpson)
    const dmb = Math.max(0, between(fm, fb, sm, sb));
    const up = Math.min(total, Math.max(0, (total + 4 * dmb) / 6));
    mass[i] = mass[i]! + (total - up);
    mass[i + 1] = up;
    a = b;
    fa = fb;
    sa = sb;
  }
  return { h, kmin, mass, infinity: Math.max(0, sa) };
}

/**
 * The T-fold composition of a one-step PLD on a circular grid of n = 2^m points by FFT: the transform is
 * raised to the T-th power pointwise (Koskela et al. 2020). The result covers losses k·h for k in
 * [lo, lo + n); losses of the composition outside that window wrap around. Those below it land inside the
 * window (which can only raise δ); the mass above it is bounded by the Chernoff bound
 * min_λ M(λ)^T e^{−λ·(lo+n)h} on the discretised loss's moment generating function M and added to +∞.
 */
export function composePld(pld: DiscretePld, steps: number, lo: number, n: number): DiscretePld {
  if ((n & (n - 1)) !== 0) throw new InvalidArgumentError('composePld', 'n', n, 'a power of two');
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const mod = (k: number) => ((k % n) + n) % n;
  for (let i = 0; i < pld.mass.length; i++) {
    const j = mod(pld.kmin + i);
    re[j] = re[j]! + pld.mass[i]!;
  }
  fft(re, im, false);
  for (let k = 0; k < n; k++) {
    const r = Math.hypot(re[k]!, im[k]!);
    if (r === 0) continue;
    const mag = Math.exp(steps * Math.log(r));
    const ang = steps * Math.atan2(im[k]!, re[k]!);
    re[k] = mag * Math.cos(ang);
    im[k] = mag * Math.sin(ang);
  }
  fft(re, im, true);
  const mass = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = re[mod(lo + i)]! / n;
    mass[i] = Math.max(v, 0);
  }
  // Chernoff bound on the finite mass above the window: log M(λ) by log-sum-exp over the one-step masses.
  const top = (lo + n) * pld.h;
  const finite = 1 - pld.infinity;
  let logTail = Number.POSITIVE_INFINITY;
  for (let lambda = 0.25; lambda <= 256; lambda *= 1.25) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < pld.mass.length; i++)
      if (pld.mass[i]! > 0) mx = Math.max(mx, lambda * (pld.kmin + i) * pld.h);
    let acc = 0;
    for (let i = 0; i < pld.mass.length; i++)
      if (pld.mass[i]! > 0) acc += pld.mass[i]! * Math.exp(lambda * (pld.kmin + i) * pld.h - mx);
    logTail = Math.min(logTail, steps * (mx + Math.log(acc)) - lambda * top);
  }
  const tail = finite > 0 ? Math.exp(logTail) : 0;
  const infinity = Math.min(1, -Math.expm1(steps * Math.log1p(-pld.infinity)) + tail);
  return { h: pld.h, kmin: lo, mass, infinity };
}

/**
 * δ(ε) = P(L = ∞) + Σ_k mass_k·(1 − e^{ε − k·h})₊ of a discrete PLD (the hockey-stick divergence).
 * @example pldDelta({ h: 1, kmin: 0, mass: Float64Array.of(0.5, 0.5), infinity: 0 }, 0) // 0.5·(1 − e^{−1}) ≈ 0.316
 */
export function pldDelta(pld: DiscretePld, epsilon: number): number {
  let s = 0;
  let c = 0;
  const start = Math.max(0, Math.floor(epsilon / pld.h) - pld.kmin);
  for (let i = start; i < pld.mass.length; i++) {
    const y = (i + pld.kmin) * pld.h;
    if (y <= epsilon) continue;
    // Kahan summation: up to 10⁶ terms of very different sizes
    const term = pld.mass[i]! * -Math.expm1(epsilon - y) - c;
    const t = s + term;
    c = t - s - term;
    s = t;
  }
  return Math.min(1, pld.infinity + s);
}

/** Loss bounds of one step outside which the law has mass below Φ(−10.5) ≈ 4e-26 (per tail). */
function oneStepRange(q: number, sigma: number, dir: 'add' | 'remove'): [number, number] {
  const s2 = sigma * sigma;
  const L = (x: number) => {
    const a = (2 * x - 1) / (2 * s2);
    // log(1 − q + q·e^a), stably for large a
    return a > 0 ? a + Math.log(q + (1 - q) * Math.exp(-a)) : Math.log1p(q * Math.expm1(a));
  };
  const z = 10.5;
  if (dir === 'remove') return [L(-z * sigma), L(1 + z * sigma)];
  return [-L(z * sigma), -L(-z * sigma)];
}

/** Options of {@link prvAccountant}. */
export interface PrvOptions {
  /** Poisson sampling rate q in (0, 1]. */
  readonly sampleRate: number;
  /** σ: noise standard deviation / sensitivity, > 0. */
  readonly noiseMultiplier: number;
  /** T ≥ 1 compositions. */
  readonly steps: number;
  /** Grid width h of the privacy loss (default 5e-5 for T > 1000, else 1e-4). */
  readonly gridStep?: number;
  /** The composed grid reaches at least this loss (default 12); the bisection for ε searches [0, range]. */
  readonly range?: number;
}

/** A composed PLD accountant: δ(ε) with and without the rounding-error bound, and ε(δ). */
export interface PrvAccountant {
  /** The δ(ε) of the discretised, composed PLD (an estimate: the rounding error is not added). */
  deltaEstimate(epsilon: number): number;
  /** An upper bound on the true δ(ε): δ̃(ε − t) + η with t = h·√(2T·ln(1/η)) (Hoeffding), η = δ̃·1e-3 floor 1e-15. */
  deltaUpper(epsilon: number): number;
  /** The smallest ε on a bisection to 1e-6 with deltaUpper(ε) ≤ δ. */
  epsilon(delta: number): number;
  /** The Hoeffding shift t for a given η. */
  roundingShift(eta: number): number;
  readonly gridStep: number;
}

/**
 * A numerical PLD/PRV accountant for T steps of the Poisson-subsampled Gaussian under add/remove
 * neighbours (the worse of the two directions at each ε). The one-step loss is rounded to the grid by
 * mean-preserving randomised rounding, so the sum of the T rounding errors has mean 0 and increments in
 * [−h, h]; Hoeffding bounds it by t = h·√(2T ln(1/η)) except with probability η, whence
 * δ(ε) ≤ δ̃(ε − t) + η. Floating-point error of the FFT (≈ 1e-15 per bin) is not bounded formally.
 * @example prvAccountant({ sampleRate: 256 / 60000, noiseMultiplier: 1.1, steps: 14063 }).epsilon(1e-5) // ≈ 2.42
 */
export function prvAccountant(o: PrvOptions): PrvAccountant {
  const fn = 'prvAccountant';
  const q = o.sampleRate;
  const sigma = o.noiseMultiplier;
  const T = o.steps;
  if (!(q > 0 && q <= 1)) throw new InvalidArgumentError(fn, 'sampleRate', q, 'a sampling rate in (0, 1]');
  if (!(sigma > 0 && Number.isFinite(sigma)))
    throw new InvalidArgumentError(fn, 'noiseMultiplier', sigma, 'a finite noise multiplier > 0');
  if (!(Number.isInteger(T) && T >= 1))
    throw new InvalidArgumentError(fn, 'steps', T, 'an integer number of steps ≥ 1');
  const h = o.gridStep ?? (T > 1000 ? 5e-5 : 1e-4);
  const range = o.range ?? 12;
  if (!(h > 0 && h <= 0.1)) throw new InvalidArgumentError(fn, 'gridStep', h, 'a grid width in (0, 0.1]');
  if (!(range > 0 && range <= 100)) throw new InvalidArgumentError(fn, 'range', range, 'a range in (0, 100]');
  const plds = (['remove', 'add'] as const).map((dir) => {
    const law = subsampledGaussianLoss(q, sigma, dir);
    // one-step grid: where the loss has all but ~1e-25 of its mass (tails are handled pessimistically)
    const [l1, l2] = oneStepRange(q, sigma, dir);
    const one = discretise(law, h, Math.floor(l1 / h), Math.ceil(l2 / h));
    // window of the composition: mean ± a wide margin, and at least up to `range`
    let mean = 0;
    let second = 0;
    for (let i = 0; i < one.mass.length; i++) {
      const y = (one.kmin + i) * h;
      mean += one.mass[i]! * y;
      second += one.mass[i]! * y * y;
    }
    const sd = Math.sqrt(Math.max(0, T * (second - mean * mean)));
    const a = T * mean - Math.max(12 * sd, 2);
    const b = Math.max(T * mean + 24 * sd, range);
    let n = 1;
    while (n < (b - a) / h) n <<= 1;
    if (n > 1 << 23)
      throw new InvalidArgumentError(fn, 'gridStep', h, `a coarser grid: the composition needs ${n} points`);
    return composePld(one, T, Math.floor(a / h), n);
  });
  const deltaEstimate = (eps: number) => Math.max(...plds.map((p) => pldDelta(p, eps)));
  const roundingShift = (eta: number) => h * Math.sqrt(2 * T * Math.log(1 / eta));
  const deltaUpper = (eps: number) => {
    // η chosen small against the δ being bounded; any fixed η gives a valid bound
    const d0 = deltaEstimate(eps);
    const eta = Math.max(1e-15, d0 * 1e-3);
    return Math.min(1, deltaEstimate(eps - roundingShift(eta)) + eta);
  };
  return {
    gridStep: h,
    deltaEstimate,
    deltaUpper,
    roundingShift,
    epsilon(delta: number): number {
      if (!(delta > 0 && delta < 1)) throw new InvalidArgumentError(fn, 'delta', delta, 'a number in (0, 1)');
      let lo = 0;
      let hi = range;
      if (deltaUpper(hi) > delta) return Number.POSITIVE_INFINITY;
      if (deltaUpper(lo) <= delta) return 0;
      while (hi - lo > 1e-6) {
        const mid = (lo + hi) / 2;
        if (deltaUpper(mid) > delta) lo = mid;
        else hi = mid;
      }
      return hi;
    },
  };
}
