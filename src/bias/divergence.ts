/**
 * @module bias/divergence
 * Distances between two discrete distributions given as counts or weights over the same
 * categories: Kullback–Leibler divergence (Kullback & Leibler 1951, https://doi.org/10.1214/aoms/1177729694),
 * Jensen–Shannon divergence (Lin 1991, https://doi.org/10.1109/18.61115), total variation distance,
 * and Pearson's chi-square goodness-of-fit test. Natural logarithms throughout (nats).
 */
import { InvalidArgumentError } from '../core/index.js';
import { chiSquareSf } from '../metrics/index.js';

/** Checks two weight vectors and returns their totals. */
function totals(fn: string, p: ArrayLike<number>, q: ArrayLike<number>): [number, number] {
  if (p.length !== q.length)
    throw new InvalidArgumentError(fn, 'q', `length ${q.length}`, `the length of p (${p.length})`);
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = q[i]!;
    if (!(a >= 0) || !Number.isFinite(a))
      throw new InvalidArgumentError(fn, `p[${i}]`, a, 'a finite weight ≥ 0');
    if (!(b >= 0) || !Number.isFinite(b))
      throw new InvalidArgumentError(fn, `q[${i}]`, b, 'a finite weight ≥ 0');
    sp += a;
    sq += b;
  }
  if (!(sp > 0)) throw new InvalidArgumentError(fn, 'p', 'all-zero weights', 'at least one positive weight');
  if (!(sq > 0)) throw new InvalidArgumentError(fn, 'q', 'all-zero weights', 'at least one positive weight');
  return [sp, sq];
}

/**
 * Kullback–Leibler divergence KL(P ‖ Q) = Σ pᵢ ln(pᵢ / qᵢ), after normalising both weight vectors
 * to sum to 1; terms with pᵢ = 0 count 0. Not symmetric, ≥ 0, 0 only when P = Q.
 *
 * @param p - weights (counts) of P per category.
 * @param q - weights of Q over the same categories.
 * @returns the divergence in nats; `Infinity` when some pᵢ > 0 has qᵢ = 0.
 * @throws {AEQ_INVALID_ARGUMENT} for different lengths, a negative or non-finite weight, or all-zero weights.
 * @example klDivergence([1, 1], [1, 3]) // 0.5·ln(0.5/0.25) + 0.5·ln(0.5/0.75) = 0.1438410…
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [sp, sq] = totals('klDivergence', p, q);
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    if (a === 0) continue;
    const b = q[i]! / sq;
    if (b === 0) return Number.POSITIVE_INFINITY;
    kl += a * Math.log(a / b);
  }
  return Math.max(0, kl);
}

/**
 * Jensen–Shannon divergence JS(P, Q) = ½ KL(P ‖ M) + ½ KL(Q ‖ M) with M = (P + Q)/2, after
 * normalising both. Symmetric, always finite, in [0, ln 2]; its square root is a metric.
 *
 * @throws {AEQ_INVALID_ARGUMENT} as {@link klDivergence}.
 * @example jsDivergence([1, 0], [0, 1]) // ln 2 = 0.6931471…
 */
export function jsDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [sp, sq] = totals('jsDivergence', p, q);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    // A term is at most ½·a·ln 2; below 1e-300 it is negligible, and skipping it keeps a subnormal
    // a from rounding m = a/2 to 0 (which would make a/m infinite).
    if (a > 1e-300) js += 0.5 * a * Math.log(a / m);
    if (b > 1e-300) js += 0.5 * b * Math.log(b / m);
  }
  return Math.min(Math.LN2, Math.max(0, js));
}

/**
 * Total variation distance TV(P, Q) = ½ Σ |pᵢ − qᵢ| after normalising both: the largest
 * difference in probability that P and Q give to any set of categories. In [0, 1].
 *
 * @throws {AEQ_INVALID_ARGUMENT} as {@link klDivergence}.
 * @example totalVariation([3, 1], [1, 1]) // ½(|0.75 − 0.5| + |0.25 − 0.5|) = 0.25
 */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [sp, sq] = totals('totalVariation', p, q);
  let tv = 0;
  for (let i = 0; i < p.length; i++) tv += Math.abs(p[i]! / sp - q[i]! / sq);
  return Math.min(1, tv / 2);
}

/** The result of a chi-square goodness-of-fit test. */
export interface GoodnessOfFit {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
}

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against expected proportions:
 * X² = Σ (Oᵢ − Eᵢ)² / Eᵢ with Eᵢ = N·qᵢ/Σq, df = (categories with qᵢ > 0) − 1. A count in a
 * category with qᵢ = 0 makes X² infinite (p = 0). Wants expected counts of about 5 or more.
 *
 * @param observed - counts per category (need not be integers).
 * @param expected - expected proportions or weights per category.
 * @returns null when fewer than two categories have qᵢ > 0 or there are no observations.
 * @throws {AEQ_INVALID_ARGUMENT} as {@link klDivergence}.
 * @example chiSquareGoodnessOfFit([30, 70], [1, 1]) // { statistic: 16, df: 1, pValue: 6.33e-5 }
 */
export function chiSquareGoodnessOfFit(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
): GoodnessOfFit | null {
  const [n, sq] = totals('chiSquareGoodnessOfFit', observed, expected);
  let x2 = 0;
  let k = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = (n * expected[i]!) / sq;
    if (e === 0) {
      if (observed[i]! > 0) x2 = Number.POSITIVE_INFINITY;
      continue;
    }
    k++;
    const d = observed[i]! - e;
    x2 += (d * d) / e;
  }
  if (k < 2) return null;
  const df = k - 1;
  return { statistic: x2, df, pValue: Number.isFinite(x2) ? chiSquareSf(x2, df) : 0 };
}
