import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { chiSquareSf, erfc, logGamma, normalCdf, normalQuantile, regularizedGammaQ } from './special.js';

/** |actual − expected| ≤ rel·|expected| (relative tolerance, for values spanning many decades). */
function expectRel(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

// Reference values below were computed with mpmath 1.3.0 at 40 significant digits (erfc, ncdf,
// erfinv, loggamma, gammainc(regularized=True)), independently of this code. Double precision
// routines of this kind reach a few ulps; 1e-14 relative (≈ 45 ulps) leaves room for the
// argument rounding of x/√2 in Φ and still fails on any wrong coefficient.
const REL = 1e-14;

describe('erfc', () => {
  it.each([
    [-5, 1.9999999999984626],
    [-1.96, 1.9944262754648279],
    [-0.3, 1.3286267594591274],
    [0, 1],
    [0.2, 0.7772974107895215],
    [0.46875, 0.507386526782062],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047266],
    [3, 0.00002209049699858544],
    [4, 1.541725790028002e-8],
    [4.5, 1.9661604415428876e-10],
    [6, 2.1519736712498913e-17],
    [10, 2.088487583762545e-45],
    [20, 5.395865611607901e-176],
    [26, 5.663192408856143e-296],
  ])('erfc(%d) matches the 40-digit reference to 1e-14 relative', (x, expected) => {
    expectRel(erfc(x), expected, REL);
  });

  it('underflows to 0 far in the tail and gives 2 far on the left', () => {
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });

  it('returns NaN for NaN', () => {
    expect(erfc(Number.NaN)).toBeNaN();
  });
});

describe('normalCdf', () => {
  it.each([
    [-1.96, 0.024997895148220435],
    [-10, 7.619853024160525e-24],
    [-30, 4.906713927148187e-198],
    [-37.5, 4.605353009581955e-308],
    [3, 0.9986501019683699],
    [0.5, 0.6914624612740131],
    [-0.3, 0.3820885778110474],
    [0, 0.5],
  ])('Φ(%d) matches the reference to 1e-14 relative, also deep in the lower tail', (x, expected) => {
    expectRel(normalCdf(x), expected, REL);
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1 to 2 ulps of 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThanOrEqual(4.5e-16);
      }),
    );
  });
});

describe('normalQuantile', () => {
  it('gives Φ⁻¹(0.975) = 1.959963984540054', () => {
    // The double nearest 0.975 is 0.975 − 2.2e-17; its exact quantile is 1.95996398454005386 (mpmath),
    // 3.8e-16 below the decimal 1.9599639845400542. Allow 2 ulps (4.5e-16) around the exact value.
    expect(Math.abs(normalQuantile(0.975) - 1.9599639845400538)).toBeLessThanOrEqual(4.5e-16);
  });

  it.each([
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798407],
    [1e-10, -6.361340902404057],
    [0.001, -3.0902323061678136],
    [0.02425, -1.972961051311885],
    [0.3, -0.5244005127080408],
    [0.6, 0.2533471031357997],
    [0.975, 1.9599639845400538],
    [0.999999, 4.753424308817087],
  ])('Φ⁻¹(%d) matches the reference to 4 ulps (all three AS 241 regions)', (p, expected) => {
    // References are the exact quantiles of the double p (mpmath, 50 digits). AS 241's own
    // approximation error is below 1e-16 relative; evaluation rounding adds a few ulps.
    expectRel(normalQuantile(p), expected, 9e-16);
  });

  it('returns ±∞ at 0 and 1 and 0 at ½', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('inverts normalCdf: Φ(Φ⁻¹(p)) = p over [1e-300, 0.999]', () => {
    // Φ's relative condition number is |x·φ(x)/Φ(x)| ≈ x² (1.4e3 at p = 1e-300), so the quantile's
    // relative error (≤ 4 ulps ≈ 9e-16, tested above) becomes up to x²·9e-16 in Φ(x), plus Φ's own
    // ~1e-15: allow 1e-15·max(1, x²) + 1e-15.
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 0.5, noNaN: true }), (p) => {
        const x = normalQuantile(p);
        expectRel(normalCdf(x), p, 1e-15 * Math.max(1, x * x) + 1e-15);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.999, noNaN: true }), (p) => {
        expectRel(normalCdf(normalQuantile(p)), p, 1e-14);
      }),
    );
  });

  it('throws AEQ_INVALID_ARGUMENT for a p outside [0, 1]', () => {
    expect(() => normalQuantile(1.5)).toThrow(InvalidArgumentError);
    expect(() => normalQuantile(Number.NaN)).toThrow(/must be a probability in \[0, 1\], got NaN/);
  });
});

describe('logGamma', () => {
  it('equals ln((n−1)!) summed term by term for integers', () => {
    for (const n of [3, 10, 25, 100, 171]) {
      let s = 0;
      for (let k = 2; k < n; k++) s += Math.log(k);
      // The reference sum accumulates ≤ n roundings of ~1e-16 relative each.
      expectRel(logGamma(n), s, 1e-14);
    }
  });

  it.each([
    [0.5, 0.5723649429247001],
    [0.1, 2.252712651734206],
    [1e-5, 11.512919692895826],
    [3.7, 1.428072326665388],
    [50.5, 146.51925549072064],
    [1e6, 12815504.569147611],
  ])('lnΓ(%d) matches the reference to 1e-14 relative', (x, expected) => {
    expectRel(logGamma(x), expected, REL);
  });

  it('is 0 at 1 and 2', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
  });

  it('throws AEQ_INVALID_ARGUMENT for x ≤ 0', () => {
    expect(() => logGamma(0)).toThrow(InvalidArgumentError);
  });
});

describe('regularizedGammaQ and chiSquareSf', () => {
  it.each([
    [0.5, 0.01, 0.8875370839817152],
    [3, 2.5, 0.5438131158833295],
    [10, 30, 0.000007121750862815577],
    [0.3, 5, 0.0006513187507184515],
    [100, 90, 0.8417790108135699],
    [7.5, 7.5, 0.45141721122572526],
  ])(
    'Q(%d, %d) matches the reference to 1e-13 relative (series and continued fraction)',
    (a, x, expected) => {
      // Both branches multiply by exp(a·ln x − x − lnΓ(a)); for a = 100 that exponent is a
      // difference of terms near 450, which costs ~1e-14 of relative accuracy.
      expectRel(regularizedGammaQ(a, x), expected, 1e-13);
    },
  );

  it('gives 0.05 at the 95% critical value with df = 1', () => {
    // 3.841458820694124 = Φ⁻¹(0.975)², the 95% point of χ²(1). Reference Q = 0.050000000000000057.
    expectRel(chiSquareSf(3.841458820694124, 1), 0.05000000000000006, REL);
  });

  it('matches the closed forms for df = 1, 2 and 4', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 200, noNaN: true }), (x) => {
        // df = 2: e^(−x/2). df = 4: e^(−x/2)(1 + x/2). df = 1: erfc(√(x/2)) (independent of the gamma code).
        expectRel(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-13);
        expectRel(chiSquareSf(x, 4), Math.exp(-x / 2) * (1 + x / 2), 1e-13);
        expectRel(chiSquareSf(x, 1), erfc(Math.sqrt(x / 2)), 1e-12);
      }),
    );
  });

  it('is 1 at x ≤ 0', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(-1, 3)).toBe(1);
  });

  it('throws AEQ_INVALID_ARGUMENT for df ≤ 0', () => {
    expect(() => chiSquareSf(1, 0)).toThrow(InvalidArgumentError);
  });
});
