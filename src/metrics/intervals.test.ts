import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { kishEffectiveSampleSize, wilsonInterval, wilsonIntervalWeighted } from './intervals.js';

// Closed-form arithmetic in double precision: a handful of operations, each ≤ 1 ulp, plus
// Φ⁻¹(0.975) good to ~4 ulps; 1e-14 absolute is a generous bound that still fails on any slip.
const ABS = 1e-14;

describe('wilsonInterval', () => {
  it('gives [0.4902, 0.9433] for 8 successes in 10 at 95%', () => {
    // By hand: z = 1.959963984540054, z² = 3.841458820694124, z²/n = 0.3841458820694124,
    // denom = 1.3841458820694124, center = (0.8 + 0.1920729410347062) / denom = 0.7167401600411332,
    // p(1−p)/n = 0.016, z²/4n² = 0.0096036470517353, sqrt(0.0256036470517353) = 0.1600113966... ,
    // half = z · 0.16001139666 / denom = 0.2265776885522458 → [0.4901624715, 0.9433178485].
    // 30-digit reference (mpmath): 0.49016247153664176, 0.94331784854562473.
    const iv = wilsonInterval(8, 10)!;
    expect(Math.abs(iv[0] - 0.4901624715366418)).toBeLessThanOrEqual(ABS);
    expect(Math.abs(iv[1] - 0.9433178485456247)).toBeLessThanOrEqual(ABS);
  });

  it('gives [0, 0.2775] for 0 of 10 and [0.7225, 1] for 10 of 10', () => {
    // p = 0: center = half = (z²/2n)/(1 + z²/n) → low = 0 exactly, high = (z²/n)/(1 + z²/n) = 0.27753279986288917.
    expect(wilsonInterval(0, 10)).toEqual([0, expect.closeTo(0.27753279986288915, 14)]);
    expect(wilsonInterval(10, 10)).toEqual([expect.closeTo(0.7224672001371109, 14), 1]);
  });

  it('uses the requested confidence level', () => {
    // 1 of 3 at 90% (z = 1.6448536269514728) and 37.5 of 120 at 99% (z = 2.5758293035489005), mpmath.
    const a = wilsonInterval(1, 3, 0.9)!;
    expect(Math.abs(a[0] - 0.07826572633372839)).toBeLessThanOrEqual(ABS);
    expect(Math.abs(a[1] - 0.746466131718776)).toBeLessThanOrEqual(ABS);
    const b = wilsonInterval(37.5, 120, 0.99)!;
    expect(Math.abs(b[0] - 0.21577334804603246)).toBeLessThanOrEqual(ABS);
    expect(Math.abs(b[1] - 0.42887436591090294)).toBeLessThanOrEqual(ABS);
  });

  it('returns null when n = 0', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('contains the observed rate, stays in [0, 1], and mirrors under x → n − x', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const x = Math.round(f * n);
        const [lo, hi] = wilsonInterval(x, n)!;
        const [mlo, mhi] = wilsonInterval(n - x, n)!;
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(x / n + 1e-15);
        expect(hi).toBeGreaterThanOrEqual(x / n - 1e-15);
        // 1e-14: two roundings of terms of size ≤ 1 on each side.
        expect(Math.abs(lo - (1 - mhi))).toBeLessThanOrEqual(1e-14);
        expect(Math.abs(hi - (1 - mlo))).toBeLessThanOrEqual(1e-14);
      }),
    );
  });

  it('narrows as n grows at a fixed rate and widens with the confidence level', () => {
    const w = (iv: readonly [number, number] | null): number => iv![1] - iv![0];
    expect(w(wilsonInterval(30, 100))).toBeLessThan(w(wilsonInterval(3, 10)));
    expect(w(wilsonInterval(3, 10, 0.99))).toBeGreaterThan(w(wilsonInterval(3, 10, 0.9)));
  });

  it('clamps successes exceeding n by rounding residue, and rejects real excess', () => {
    expect(wilsonInterval(10 * (1 + 1e-15), 10)![1]).toBe(1);
    expect(() => wilsonInterval(11, 10)).toThrow(InvalidArgumentError);
  });

  it('throws AEQ_INVALID_ARGUMENT naming the bad argument', () => {
    expect(() => wilsonInterval(-1, 10)).toThrow(/"successes".*got -1/);
    expect(() => wilsonInterval(1, -10)).toThrow(/"n".*got -10/);
    expect(() => wilsonInterval(1, 10, 95)).toThrow(/"confidence".*strictly between 0 and 1/);
    try {
      wilsonInterval(1, 10, 1);
      expect.unreachable();
    } catch (e) {
      expect((e as InvalidArgumentError).code).toBe('AEQ_INVALID_ARGUMENT');
    }
  });
});

describe('wilsonIntervalWeighted', () => {
  it('equals the unweighted interval when nEff is the row count', () => {
    const iv = wilsonIntervalWeighted(0.8, 10)!;
    expect(Math.abs(iv[0] - 0.4901624715366418)).toBeLessThanOrEqual(ABS);
    expect(Math.abs(iv[1] - 0.9433178485456247)).toBeLessThanOrEqual(ABS);
  });

  it('is wider for a smaller effective size', () => {
    const a = wilsonIntervalWeighted(0.3, 100)!;
    const b = wilsonIntervalWeighted(0.3, 40)!;
    expect(b[1] - b[0]).toBeGreaterThan(a[1] - a[0]);
  });

  it('rejects a rate outside [0, 1]', () => {
    expect(() => wilsonIntervalWeighted(1.2, 10)).toThrow(InvalidArgumentError);
  });
});

describe('kishEffectiveSampleSize', () => {
  it('is the row count for equal weights and (Σw)²/Σw² otherwise', () => {
    expect(kishEffectiveSampleSize([2, 2, 2, 2, 2])).toBe(5);
    // (3 + 1)² / (9 + 1) = 1.6
    expect(kishEffectiveSampleSize([3, 1])).toBeCloseTo(1.6, 15);
    expect(kishEffectiveSampleSize([])).toBe(0);
    expect(kishEffectiveSampleSize([0, 0])).toBe(0);
  });

  it('rejects a negative weight', () => {
    expect(() => kishEffectiveSampleSize([1, -1])).toThrow(/weights\[1\]/);
  });
});
