import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { wasserstein1 } from './wasserstein.js';

const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 30 });

describe('wasserstein1', () => {
  it('matches hand-computed distances', () => {
    expect(wasserstein1([0, 1], [1, 2])).toBeCloseTo(1, 12); // each unit of mass moves by 1
    expect(wasserstein1([0], [0, 2])).toBeCloseTo(1, 12); // half the mass moves by 2
    // {1, 2, 3} against {1, …, 7}: ∫|F_a − F_b| = (4 + 8 + 12 + 9 + 6 + 3)/21 = 2
    expect(wasserstein1([3, 1, 2], [1, 2, 3, 4, 5, 6, 7])).toBeCloseTo(2, 12);
  });
  it('is symmetric and zero between a sample and its permutation', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        // Sums of up to 60 products of values ≤ 2e3: 1e-9 relative covers the rounding.
        const d = wasserstein1(a, b);
        expect(Math.abs(d - wasserstein1(b, a))).toBeLessThanOrEqual(1e-9 * (1 + d));
        expect(wasserstein1(a, [...a].reverse())).toBeLessThanOrEqual(1e-9);
      }),
    );
  });
  it('equals |c| when every value is shifted by c, and is at least the difference of the means', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: -50, max: 50, noNaN: true }), sample, (a, c, b) => {
        expect(
          Math.abs(
            wasserstein1(
              a,
              a.map((x) => x + c),
            ) - Math.abs(c),
          ),
        ).toBeLessThanOrEqual(1e-8);
        const ma = a.reduce((s, x) => s + x, 0) / a.length;
        const mb = b.reduce((s, x) => s + x, 0) / b.length;
        expect(wasserstein1(a, b)).toBeGreaterThanOrEqual(Math.abs(ma - mb) - 1e-8);
      }),
    );
  });
  it('rejects empty samples and non-finite values', () => {
    expect(() => wasserstein1([], [1])).toThrow(InvalidArgumentError);
    expect(() => wasserstein1([1, Number.NaN], [1])).toThrow(InvalidArgumentError);
  });
});
