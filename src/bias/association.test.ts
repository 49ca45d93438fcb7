import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { cramersV, entropy, mutualInformation } from './association.js';

describe('mutualInformation', () => {
  it('is ln 2 when each of two equally likely values determines the other', () => {
    expect(
      mutualInformation([
        [2, 0],
        [0, 2],
      ]),
    ).toBeCloseTo(Math.LN2, 12);
  });
  it('matches a hand-computed value', () => {
    // p = [[.4, .1], [.1, .4]], marginals .5: 2·.4·ln(.4/.25) + 2·.1·ln(.1/.25)
    const want = 0.8 * Math.log(1.6) + 0.2 * Math.log(0.4);
    expect(
      mutualInformation([
        [4, 1],
        [1, 4],
      ]),
    ).toBeCloseTo(want, 12);
  });
  it('is zero for independent variables built as an outer product of marginals, and ≥ 0 always', () => {
    const counts = fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(counts, counts, (r, c) => {
        const table = r.map((a) => c.map((b) => a * b));
        expect(Math.abs(mutualInformation(table))).toBeLessThan(1e-12);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (t) => {
          expect(mutualInformation(t)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
  it('never exceeds the entropy of either variable', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (t) => {
          const rows = t.map((r) => r.reduce((a, b) => a + b, 0));
          const cols = [0, 1, 2].map((j) => t.reduce((a, r) => a + r[j]!, 0));
          const mi = mutualInformation(t);
          expect(mi).toBeLessThanOrEqual(entropy(rows) + 1e-12);
          expect(mi).toBeLessThanOrEqual(entropy(cols) + 1e-12);
        },
      ),
    );
  });
  it('rejects ragged tables and negative counts', () => {
    expect(() => mutualInformation([[1, 2], [3]])).toThrow(InvalidArgumentError);
    expect(() => mutualInformation([[1, -2]])).toThrow(InvalidArgumentError);
  });
});

describe('cramersV', () => {
  it('matches the hand-computed value from the chi-square statistic', () => {
    // χ² of [[30, 70], [20, 80]] is 2.6667 (200 rows, min(r, c) − 1 = 1): V = √(2.6667/200)
    expect(
      cramersV([
        [30, 70],
        [20, 80],
      ]),
    ).toBeCloseTo(Math.sqrt(8 / 3 / 200), 12);
  });
  it('is 1 for a perfect proxy: every value of X maps to its own value of Y', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 0, max: 5 }),
        (sizes, shift) => {
          const k = sizes.length;
          // Row i has all its mass in column (i + shift) mod k: a relabelling.
          const table = sizes.map((s, i) =>
            Array.from({ length: k }, (_, j) => (j === (i + shift) % k ? s : 0)),
          );
          expect(cramersV(table)).toBeCloseTo(1, 12);
        },
      ),
    );
  });
  it('is 0 for independent variables and null with a single non-empty row', () => {
    expect(
      cramersV([
        [1, 2],
        [2, 4],
      ]),
    ).toBeCloseTo(0, 12);
    expect(
      cramersV([
        [1, 2],
        [0, 0],
      ]),
    ).toBeNull();
  });
});
