import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { chiSquareGoodnessOfFit, jsDivergence, klDivergence, totalVariation } from './divergence.js';

// Tolerances: the values below are sums of a handful of terms, so 1e-12 absolute covers rounding.
const weights = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 8 });
const pair = fc
  .integer({ min: 1, max: 8 })
  .chain((k) =>
    fc.tuple(
      fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: k, maxLength: k }),
      fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: k, maxLength: k }),
    ),
  )
  .filter(([p, q]) => p.some((x) => x > 1e-9) && q.some((x) => x > 1e-9));

describe('klDivergence', () => {
  it('matches the hand-computed value of a two-category example', () => {
    // P = (0.5, 0.5), Q = (0.25, 0.75): 0.5·ln 2 + 0.5·ln(2/3)
    expect(klDivergence([1, 1], [1, 3])).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 12);
  });
  it('is infinite when P puts mass where Q has none, and ignores categories P never uses', () => {
    expect(klDivergence([1, 1], [1, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(klDivergence([1, 0], [1, 1])).toBeCloseTo(Math.log(2), 12);
  });
  it('is zero for a distribution and itself, whatever the scale of the weights', () => {
    fc.assert(
      fc.property(
        weights.filter((w) => w.some((x) => x > 1e-9)),
        (w) => {
          expect(
            klDivergence(
              w,
              w.map((x) => 3 * x),
            ),
          ).toBeLessThan(1e-12);
        },
      ),
    );
  });
  it('bounds total variation by Pinsker: TV ≤ √(KL / 2)', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const kl = klDivergence(p, q);
        expect(totalVariation(p, q)).toBeLessThanOrEqual(Math.sqrt(kl / 2) + 1e-9);
      }),
    );
  });
  it('rejects different lengths, negative weights and all-zero weights', () => {
    expect(() => klDivergence([1], [1, 2])).toThrow(InvalidArgumentError);
    expect(() => klDivergence([-1, 2], [1, 2])).toThrow(InvalidArgumentError);
    expect(() => klDivergence([0, 0], [1, 2])).toThrow(InvalidArgumentError);
  });
});

describe('jsDivergence', () => {
  it('is ln 2 for distributions with disjoint support', () => {
    expect(jsDivergence([1, 0], [0, 1])).toBeCloseTo(Math.LN2, 12);
  });
  it('is symmetric and lies in [0, ln 2]', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const a = jsDivergence(p, q);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(Math.LN2);
        expect(Math.abs(a - jsDivergence(q, p))).toBeLessThan(1e-12);
      }),
    );
  });
});

describe('totalVariation', () => {
  it('matches a hand-computed value', () => {
    // (0.75, 0.25) against (0.5, 0.5): ½(0.25 + 0.25)
    expect(totalVariation([3, 1], [1, 1])).toBeCloseTo(0.25, 12);
  });
  it('is symmetric, in [0, 1], and 1 for disjoint supports', () => {
    expect(totalVariation([2, 0, 0], [0, 1, 1])).toBeCloseTo(1, 12);
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const t = totalVariation(p, q);
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(1);
        expect(Math.abs(t - totalVariation(q, p))).toBeLessThan(1e-12);
      }),
    );
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('matches the hand-computed statistic and the chi-square tail', () => {
    // E = (50, 50): (30 − 50)²/50 + (70 − 50)²/50 = 16, df 1; P(χ²₁ > 16) = P(|Z| > 4) = 6.334248e-5
    const r = chiSquareGoodnessOfFit([30, 70], [1, 1])!;
    expect(r.statistic).toBeCloseTo(16, 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(6.334248366623996e-5, 15);
  });
  it('is infinite with p = 0 when a count falls where nothing is expected, and null with one category', () => {
    const r = chiSquareGoodnessOfFit([1, 1, 1], [1, 1, 0])!;
    expect(r.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(r.pValue).toBe(0);
    expect(chiSquareGoodnessOfFit([3, 0], [1, 0])).toBeNull();
  });
});
