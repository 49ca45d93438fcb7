import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Convention, MetricValue } from './audit-types.js';
import {
  BINARY_METRIC_FUNCTIONS,
  balancedAccuracy,
  binaryMetrics,
  f1,
  falsePositiveRate,
  positivePredictionShare,
  precision,
  selectionRate,
  truePositiveRate,
} from './base.js';
import { confusionFromArrays, emptyConfusion, mergeConfusion } from './stats/confusion.js';
import type { Confusion } from './stats/types.js';

const fairlearn: Convention = {
  name: 'fairlearn',
  difference: 'maxMinusMin',
  ratio: 'minOverMax',
  undefinedRate: 'zero',
  fairRatioBand: [0.8, 1],
};
const conf = (tp: number, fp: number, tn: number, fn: number): Confusion => ({
  tp,
  fp,
  tn,
  fn,
  ntp: tp,
  nfp: fp,
  ntn: tn,
  nfn: fn,
});

// The 10-row table of confusion.test.ts: y = 1 1 1 1 0 0 0 0 0 0, ŷ = 1 1 1 0 1 1 0 0 0 0
// → tp 3, fn 1, fp 2, tn 4.
const ten = confusionFromArrays([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]);

describe('binary metrics of one group', () => {
  it('match the values worked out by hand for the 10-row table', () => {
    const m = binaryMetrics(ten);
    // Each expected value is the fraction written out; both sides are one IEEE division of the same
    // integers (or exact), so the tolerance is 1e-15 absolute for the two sums of fractions.
    const want: Record<string, number> = {
      count: 10,
      weight: 10,
      baseRate: 4 / 10, // (tp + fn) / n
      selectionRate: 5 / 10, // (tp + fp) / n
      truePositiveRate: 3 / 4, // tp / (tp + fn)
      falsePositiveRate: 2 / 6, // fp / (fp + tn)
      trueNegativeRate: 4 / 6,
      falseNegativeRate: 1 / 4,
      precision: 3 / 5, // tp / (tp + fp)
      negativePredictiveValue: 4 / 5, // tn / (tn + fn)
      falseDiscoveryRate: 2 / 5,
      falseOmissionRate: 1 / 5,
      accuracy: 7 / 10,
      balancedAccuracy: (3 / 4 + 4 / 6) / 2, // 0.708333…
      f1: 6 / 9, // 2tp / (2tp + fp + fn)
    };
    expect(Object.keys(m)).toEqual(Object.keys(want));
    for (const [k, v] of Object.entries(want)) {
      expect(m[k as keyof typeof m].value, k).toBeCloseTo(v, 15);
      expect(m[k as keyof typeof m].undefinedBecause, k).toBeUndefined();
    }
  });

  it('uses weighted sums for rates and raw rows for count', () => {
    // rows (y, ŷ, w): (1,1,3), (0,1,1), (0,0,1) → tp 3, fp 1, tn 1; selection rate (3+1)/5 = 0.8
    const c = confusionFromArrays([1, 0, 0], [1, 1, 0], [3, 1, 1]);
    expect(selectionRate(c).value).toBe(0.8);
    expect(BINARY_METRIC_FUNCTIONS.count(c).value).toBe(3);
    expect(BINARY_METRIC_FUNCTIONS.weight(c).value).toBe(5);
  });

  it('returns null with reason emptyGroup for every rate of a group with no rows', () => {
    const m = binaryMetrics(emptyConfusion);
    expect(m.count).toEqual({ value: 0 });
    expect(m.weight).toEqual({ value: 0 });
    for (const [k, v] of Object.entries(m)) {
      if (k === 'count' || k === 'weight') continue;
      expect(v, k).toEqual({ value: null, undefinedBecause: 'emptyGroup' });
    }
  });

  it('names the missing denominator: noPositives, noNegatives, noPredictedPositives, noPredictedNegatives', () => {
    const onlyNegatives = conf(0, 1, 2, 0);
    expect(truePositiveRate(onlyNegatives)).toEqual({ value: null, undefinedBecause: 'noPositives' });
    expect(BINARY_METRIC_FUNCTIONS.falseNegativeRate(onlyNegatives).undefinedBecause).toBe('noPositives');
    expect(falsePositiveRate(onlyNegatives)).toEqual({ value: 1 / 3 });
    const onlyPositives = conf(2, 0, 0, 1);
    expect(falsePositiveRate(onlyPositives).undefinedBecause).toBe('noNegatives');
    expect(BINARY_METRIC_FUNCTIONS.trueNegativeRate(onlyPositives).undefinedBecause).toBe('noNegatives');
    const nonePredicted = conf(0, 0, 3, 1);
    expect(precision(nonePredicted).undefinedBecause).toBe('noPredictedPositives');
    expect(BINARY_METRIC_FUNCTIONS.falseDiscoveryRate(nonePredicted).undefinedBecause).toBe(
      'noPredictedPositives',
    );
    const allPredicted = conf(1, 2, 0, 0);
    expect(BINARY_METRIC_FUNCTIONS.negativePredictiveValue(allPredicted).undefinedBecause).toBe(
      'noPredictedNegatives',
    );
    expect(BINARY_METRIC_FUNCTIONS.falseOmissionRate(allPredicted).undefinedBecause).toBe(
      'noPredictedNegatives',
    );
  });

  it('says zeroWeight when the denominator rows exist but weigh nothing', () => {
    // one positive with weight 0 and one negative with weight 1
    const c = confusionFromArrays([1, 0], [1, 0], [0, 1]);
    expect(truePositiveRate(c)).toEqual({ value: null, undefinedBecause: 'zeroWeight' });
    expect(falsePositiveRate(c)).toEqual({ value: 0 });
    const allZero = confusionFromArrays([1, 0], [1, 0], [0, 0]);
    expect(selectionRate(allZero)).toEqual({ value: null, undefinedBecause: 'zeroWeight' });
  });

  it('makes balanced accuracy undefined with the reason of the first undefined side', () => {
    expect(balancedAccuracy(conf(0, 1, 1, 0))).toEqual({ value: null, undefinedBecause: 'noPositives' });
    expect(balancedAccuracy(conf(1, 0, 0, 1))).toEqual({ value: null, undefinedBecause: 'noNegatives' });
  });

  it('makes f1 undefined (noPositives) only when there are neither positives nor predicted positives', () => {
    expect(f1(conf(0, 0, 5, 0))).toEqual({ value: null, undefinedBecause: 'noPositives' });
    expect(f1(conf(0, 1, 5, 0))).toEqual({ value: 0 }); // 0 / (0 + 1 + 0)
  });

  it('turns undefined rates into 0 without a reason under the fairlearn convention', () => {
    const m = binaryMetrics(conf(0, 1, 2, 0), fairlearn);
    expect(m.truePositiveRate).toEqual({ value: 0 });
    expect(m.balancedAccuracy).toEqual({ value: 0 });
    expect(m.falsePositiveRate).toEqual({ value: 1 / 3 });
  });

  it('gives every rate in [0, 1], or null with a reason', () => {
    const arb = fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 0, max: 1 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
      ),
      {
        maxLength: 30,
      },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const c = confusionFromArrays(
          rows.map((r) => r[0]),
          rows.map((r) => r[1]),
          rows.map((r) => r[2]),
        );
        for (const [k, v] of Object.entries(binaryMetrics(c))) {
          if (k === 'count' || k === 'weight') continue;
          if (v.value === null) expect(v.undefinedBecause, k).toBeDefined();
          else {
            expect(v.value, k).toBeGreaterThanOrEqual(0);
            expect(v.value, k).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it('gives the same rates with weight 2 as with every row duplicated', () => {
    const arb = fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(arb, (rows) => {
        const y = rows.map((r) => r[0]);
        const p = rows.map((r) => r[1]);
        const doubled = binaryMetrics(
          confusionFromArrays(
            y,
            p,
            y.map(() => 2),
          ),
        );
        const duplicated = binaryMetrics(confusionFromArrays([...y, ...y], [...p, ...p]));
        for (const k of Object.keys(doubled) as (keyof typeof doubled)[]) {
          if (k === 'count') continue; // raw rows differ by design: n vs 2n
          // integer sums, one division each: equal to the last bit
          expect(doubled[k], k).toEqual(duplicated[k]);
        }
      }),
    );
  });
});

describe('positivePredictionShare', () => {
  it("is the group's share of all predicted positives (Aequitas PPR)", () => {
    // group: 2 predicted positive (tp 1, fp 1); total: 8 predicted positive → 2/8
    const g = conf(1, 1, 3, 0);
    const rest = conf(4, 2, 1, 1);
    expect(positivePredictionShare(g, mergeConfusion(g, rest))).toEqual({ value: 0.25 });
  });

  it('sums to 1 over the groups of a partition', () => {
    const groups = [conf(1, 1, 3, 0), conf(4, 2, 1, 1), conf(0, 0, 2, 2)];
    const total = groups.reduce(mergeConfusion, emptyConfusion);
    const shares = groups.map((g) => positivePredictionShare(g, total).value as number);
    expect(shares).toEqual([2 / 8, 6 / 8, 0]);
  });

  it('is undefined for an empty group and when nobody is predicted positive', () => {
    expect(positivePredictionShare(emptyConfusion, conf(1, 0, 0, 0)).undefinedBecause).toBe('emptyGroup');
    expect(positivePredictionShare(conf(0, 0, 1, 1), conf(0, 0, 3, 1))).toEqual({
      value: null,
      undefinedBecause: 'noPredictedPositives',
    } satisfies MetricValue);
  });
});
