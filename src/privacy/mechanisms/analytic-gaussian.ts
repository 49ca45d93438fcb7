/**
 * @module privacy/mechanisms/analytic-gaussian
 * The analytic Gaussian calibration of Balle & Wang 2018, "Improving the Gaussian Mechanism for
 * Differential Privacy" (Algorithm 1, http://proceedings.mlr.press/v80/balle18a.html): the smallest σ
 * for which x + N(0, σ²) is (ε, δ)-DP, valid for every ε > 0 (the classic √(2 ln(1.25/δ))·Δ/ε needs
 * ε < 1 and is loose).
 */
import { InvalidArgumentError } from '../../core/index.js';
import { normalCdf } from '../../metrics/index.js';

/** The exact δ(ε) of the Gaussian mechanism with noise σ and sensitivity Δ (Balle & Wang 2018, Thm 8). */
export function gaussianDelta(sigma: number, sensitivity: number, epsilon: number): number {
  const a = sensitivity / (2 * sigma);
  const b = (epsilon * sigma) / sensitivity;
  return normalCdf(a - b) - Math.exp(epsilon) * normalCdf(-a - b);
}

/** Bisection for a monotone predicate on [lo, hi] where ok(lo) !== ok(hi); returns the `ok` end. */
function bisect(ok: (x: number) => boolean, lo: number, hi: number): number {
  const okLo = ok(lo);
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid) === okLo) lo = mid;
    else hi = mid;
  }
  return okLo ? lo : hi;
}

/**
 * The analytic Gaussian noise scale σ for (ε, δ)-DP at L2 sensitivity Δ (rounded to the safe side).
 * @example analyticGaussianSigma(1, 1e-5, 1) // 3.7306…
 */
export function analyticGaussianSigma(epsilon: number, delta: number, sensitivity = 1): number {
  const fn = 'analyticGaussianSigma';
  if (!(epsilon > 0) || !Number.isFinite(epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', epsilon, 'a finite number > 0');
  if (!(delta > 0 && delta < 1)) throw new InvalidArgumentError(fn, 'delta', delta, 'a number in (0, 1)');
  if (!(sensitivity > 0) || !Number.isFinite(sensitivity))
    throw new InvalidArgumentError(fn, 'sensitivity', sensitivity, 'a finite number > 0');
  const e = epsilon;
  const expE = Math.exp(e);
  const delta0 = normalCdf(0) - expE * normalCdf(-Math.sqrt(2 * e));
  let alpha: number;
  if (delta >= delta0) {
    // v* = sup{ v ≥ 0 : B+(v) ≤ δ }, B+(v) = Φ(√(εv)) − e^ε Φ(−√(ε(v+2))), increasing in v.
    const bPlus = (v: number) => normalCdf(Math.sqrt(e * v)) - expE * normalCdf(-Math.sqrt(e * (v + 2)));
    let hi = 1;
    while (bPlus(hi) <= delta) hi *= 2;
    const v = bisect((x) => bPlus(x) <= delta, 0, hi); // the largest v found with B+(v) ≤ δ
    alpha = Math.sqrt(1 + v / 2) - Math.sqrt(v / 2);
  } else {
    // u* = inf{ u ≥ 0 : B−(u) ≤ δ }, B−(u) = Φ(−√(εu)) − e^ε Φ(−√(ε(u+2))), decreasing in u.
    const bMinus = (u: number) => normalCdf(-Math.sqrt(e * u)) - expE * normalCdf(-Math.sqrt(e * (u + 2)));
    let hi = 1;
    while (bMinus(hi) > delta) hi *= 2;
    const u = bisect((x) => bMinus(x) <= delta, 0, hi); // the smallest u found with B−(u) ≤ δ
    alpha = Math.sqrt(1 + u / 2) + Math.sqrt(u / 2);
  }
  return (alpha * sensitivity) / Math.sqrt(2 * e);
}
