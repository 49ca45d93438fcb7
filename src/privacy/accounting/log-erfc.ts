/**
 * @module privacy/accounting/log-erfc
 * log(erfc(x)) without underflow, for the RDP of the sampled Gaussian at fractional orders
 * (Mironov, Talwar & Zhang 2019, https://arxiv.org/abs/1908.10530), whose terms need erfc far in
 * the tail, where `erfc` of metrics/special underflows to 0 (x > 27.3): the Maclaurin series of erf
 * for |x| < 2 and the Laplace continued fraction of erfc (evaluated by the modified Lentz method) beyond.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const LOG_SQRT_PI = 0.5723649429247001; // log √π

/** erf(x) for |x| < 2 by the all-positive series erf(x) = 2/√π·e^{-x²}·Σ 2ⁿx^{2n+1}/(2n+1)!!. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** log of erfc(x)·e^{x²}·√π for x ≥ 2, by the continued fraction 1/(x+ (1/2)/(x+ 1/(x+ (3/2)/(x+ …)))). */
function logScaledErfcCf(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -Math.log(f);
}

/**
 * The natural logarithm of the complementary error function, accurate in the far tail.
 * @example logErfc(0) // 0
 * @example logErfc(30) // -903.974… (erfc(30) itself underflows to 0)
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (x === Number.NEGATIVE_INFINITY) return Math.LN2;
  if (x < 0) {
    // erfc(x) = 2 − erfc(−x), in (1, 2): no cancellation.
    return Math.log(2 - Math.exp(logErfc(-x)));
  }
  if (x < 2) return Math.log1p(-erfSeries(x));
  return -x * x - LOG_SQRT_PI + logScaledErfcCf(x);
}
