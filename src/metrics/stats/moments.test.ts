import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../core/index.js';
import {
  emptyMoments,
  meanAbsoluteError,
  meanError,
  meanPrediction,
  meanTarget,
  mergeMoments,
  regressionMetrics,
  regressionMoments,
  rootMeanSquaredError,
} from './moments.js';

/** Rows (y, ŷ, w) with small integers: every sum is exact, so merges compare exactly. */
const rowsArb = fc.array(
  fc.tuple(
    fc.integer({ min: -20, max: 20 }),
    fc.integer({ min: -20, max: 20 }),
    fc.integer({ min: 0, max: 5 }),
  ),
  { maxLength: 30 },
);
const build = (rows: readonly (readonly [number, number, number])[]) =>
  regressionMoments(
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
    rows.map((r) => r[2]),
  );

describe('regressionMoments', () => {
  it('sums the moments of a hand example', () => {
    // y = 1, 2, 3; ŷ = 2, 2, 5; e = 1, 0, 2 → Σŷ 9, Σy 6, Σe 3, Σ|e| 3, Σe² 5
    expect(regressionMoments([1, 2, 3], [2, 2, 5])).toEqual({
      n: 3,
      w: 3,
      sumPred: 9,
      sumTrue: 6,
      sumErr: 3,
      sumAbsErr: 3,
      sumSqErr: 5,
    });
  });

  it('weights every sum but the row count', () => {
    // weights 2, 0, 1: e = −1 (w 2), 5 (w 0), 0.5 (w 1) → Σw 3, Σwe −1.5, Σw|e| 2.5, Σwe² 2.25
    const m = regressionMoments([3, 0, 1], [2, 5, 1.5], [2, 0, 1]);
    expect(m).toEqual({ n: 3, w: 3, sumPred: 5.5, sumTrue: 7, sumErr: -1.5, sumAbsErr: 2.5, sumSqErr: 2.25 });
  });

  it('rejects non-finite values and negative weights', () => {
    expect(() => regressionMoments([Number.NaN], [1])).toThrow(/"yTrue\[0\]"/);
    expect(() => regressionMoments([1], [Number.POSITIVE_INFINITY])).toThrow(/"yPred\[0\]"/);
    expect(() => regressionMoments([1], [1], [-2])).toThrow(InvalidArgumentError);
    expect(() => regressionMoments([1, 2], [1])).toThrow(/length 1/);
  });
});

describe('mergeMoments', () => {
  it('equals the moments of the concatenated rows, commutatively and associatively', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, rowsArb, (a, b, c) => {
        const [ma, mb, mc] = [build(a), build(b), build(c)];
        expect(mergeMoments(ma, mb)).toEqual(build([...a, ...b]));
        expect(mergeMoments(ma, mb)).toEqual(mergeMoments(mb, ma));
        expect(mergeMoments(mergeMoments(ma, mb), mc)).toEqual(mergeMoments(ma, mergeMoments(mb, mc)));
        expect(mergeMoments(ma, emptyMoments)).toEqual(ma);
      }),
    );
  });
});

describe('regression metrics', () => {
  it('computes the means of the hand example', () => {
    const m = regressionMoments([1, 2, 3], [2, 2, 5]);
    expect(meanPrediction(m)).toEqual({ value: 3 });
    expect(meanTarget(m)).toEqual({ value: 2 });
    expect(meanError(m)).toEqual({ value: 1 });
    expect(meanAbsoluteError(m)).toEqual({ value: 1 });
    // √(5/3) = 1.2909944487358056
    expect(rootMeanSquaredError(m).value).toBeCloseTo(1.2909944487358056, 15);
  });

  it('returns every metric by its JSON name, with count and weight', () => {
    const r = regressionMetrics(regressionMoments([3, 0, 1], [2, 5, 1.5], [2, 0, 1]));
    expect(Object.keys(r).sort()).toEqual(
      [
        'count',
        'meanAbsoluteError',
        'meanError',
        'meanPrediction',
        'meanTarget',
        'rootMeanSquaredError',
        'weight',
      ].sort(),
    );
    expect(r.count).toEqual({ value: 3 });
    expect(r.weight).toEqual({ value: 3 });
    expect(r.meanError).toEqual({ value: -0.5 }); // −1.5 / 3
    expect(r.rootMeanSquaredError).toEqual({ value: Math.sqrt(0.75) }); // √(2.25 / 3)
  });

  it('returns null with emptyGroup for no rows and zeroWeight when Σw = 0', () => {
    expect(meanError(emptyMoments)).toEqual({ value: null, undefinedBecause: 'emptyGroup' });
    expect(rootMeanSquaredError(regressionMoments([1], [2], [0]))).toEqual({
      value: null,
      undefinedBecause: 'zeroWeight',
    });
  });
});
