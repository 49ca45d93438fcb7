/**
 * @module privacy/mechanisms/chi-square.fixture (tests only; excluded from the build)
 * Statistics used only by the samplers' tests: the chi-square goodness-of-fit statistic and its
 * upper-tail p-value by the Wilson–Hilferty cube-root normal approximation (Wilson & Hilferty 1931),
 * accurate to a few per cent of p for the ≥ 5 degrees of freedom used here.
 */

/** Upper-tail probability of the standard normal by the complementary error function series. */
function normalUpper(z: number): number {
  // Abramowitz & Stegun 7.1.26 is too coarse in the far tail; use a continued fraction for z > 0.
  if (z < 0) return 1 - normalUpper(-z);
  const x = z / Math.SQRT2;
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 0.5 * (1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum);
  }
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return (0.5 * Math.exp(-x * x)) / (Math.sqrt(Math.PI) * f);
}

/** Pearson's chi-square statistic and its p-value for observed counts against expected probabilities. */
export function chiSquare(
  observed: readonly number[],
  probs: readonly number[],
): { stat: number; df: number; p: number } {
  const n = observed.reduce((a, b) => a + b, 0);
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = n * probs[i]!;
    stat += (observed[i]! - e) ** 2 / e;
  }
  const df = observed.length - 1;
  const z = ((stat / df) ** (1 / 3) - (1 - 2 / (9 * df))) / Math.sqrt(2 / (9 * df));
  return { stat, df, p: normalUpper(z) };
}
