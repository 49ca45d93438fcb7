import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { entropy } from './association.js';
import { atkinsonIndex, theilIndexOfCounts } from './inequality.js';

describe('theilIndexOfCounts', () => {
  it('matches the hand-computed value for sizes 1 and 3', () => {
    // μ = 2: ½(0.5·ln 0.5 + 1.5·ln 1.5)
    expect(theilIndexOfCounts([1, 3])).toBeCloseTo(0.5 * (0.5 * Math.log(0.5) + 1.5 * Math.log(1.5)), 12);
  });
  it('is 0 for equal groups and ln k when one group holds everyone', () => {
    expect(theilIndexOfCounts([5, 5, 5])).toBeCloseTo(0, 12);
    expect(theilIndexOfCounts([0, 0, 9, 0])).toBeCloseTo(Math.log(4), 12);
  });
  it('equals ln k minus the entropy of the shares', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 10 })
          .filter((c) => c.some((x) => x > 0)),
        (c) => {
          expect(Math.abs(theilIndexOfCounts(c) - (Math.log(c.length) - entropy(c)))).toBeLessThan(1e-12);
        },
      ),
    );
  });
});

describe('atkinsonIndex', () => {
  it('matches hand-computed values for ε = 0.5, 1 and 2', () => {
    expect(atkinsonIndex([1, 3], 0.5)).toBeCloseTo(1 - ((1 + Math.sqrt(3)) / 2) ** 2 / 2, 12);
    expect(atkinsonIndex([1, 3], 1)).toBeCloseTo(1 - Math.sqrt(3) / 2, 12);
    // ε = 2: the harmonic mean 2/(1 + 1/3) = 1.5 against μ = 2
    expect(atkinsonIndex([1, 3], 2)).toBeCloseTo(0.25, 12);
  });
  it('is 0 for equal groups, 1 with an empty group when ε ≥ 1, and in [0, 1]', () => {
    expect(atkinsonIndex([4, 4, 4])).toBeCloseTo(0, 12);
    expect(atkinsonIndex([0, 4], 1)).toBe(1);
    expect(atkinsonIndex([0, 4], 2)).toBe(1);
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 10 })
          .filter((c) => c.some((x) => x > 0)),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (c, e) => {
          const a = atkinsonIndex(c, e);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
  it('rejects a negative ε and all-zero counts', () => {
    expect(() => atkinsonIndex([1, 2], -1)).toThrow(InvalidArgumentError);
    expect(() => theilIndexOfCounts([0, 0])).toThrow(InvalidArgumentError);
  });
});
