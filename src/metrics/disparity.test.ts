import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AequaError, InvalidArgumentError } from '../core/index.js';
import type { MetricValue } from './audit-types.js';
import { CONVENTIONS } from './conventions.js';
import {
  computeDisparities,
  DISPARITY_NAMES,
  DISPARITY_SPEC,
  demographicParityDifference,
  difference,
  disparateImpact,
  equalizedOddsDifference,
  extremes,
  ratio,
  vsReference,
} from './disparity.js';
import { confusionFromArrays } from './stats/confusion.js';
import type { Confusion } from './stats/types.js';

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
const v = (value: number): MetricValue => ({ value });

// Three groups, 25 rows. The reference 'a' is the privileged group.
//        tp fp tn fn | SR        TPR  FPR   PPV   FNR  ACC
//   a:    4  1  4  1 | 5/10=0.5  0.8  0.2   0.8   0.2  0.8
//   b:    2  1  5  2 | 3/10=0.3  0.5  1/6   2/3   0.5  0.7
//   c:    1  2  1  1 | 3/5 =0.6  0.5  2/3   1/3   0.5  0.4
const groups = new Map<string, Confusion>([
  ['a', conf(4, 1, 4, 1)],
  ['b', conf(2, 1, 5, 2)],
  ['c', conf(1, 2, 1, 1)],
]);
// Tolerance: each expected value below is a short sum of fractions; 1e-12 absolute covers the few
// roundings of either side by orders of magnitude and still fails on any real change of definition.
const TOL = 12;

describe('named disparities, aequa and fairlearn conventions (max − min, min / max)', () => {
  const d = computeDisparities(groups, { reference: 'a', convention: CONVENTIONS.aequa });

  it('gives fairlearn between_groups values, computed from its documented definitions', () => {
    // demographic_parity_difference = max SR − min SR = 0.6 − 0.3
    expect(d.demographicParityDifference.value).toBeCloseTo(0.3, TOL);
    expect(d.demographicParityDifference.groups).toEqual(['b', 'c']);
    // demographic_parity_ratio = min SR / max SR = 0.3 / 0.6
    expect(d.demographicParityRatio.value).toBeCloseTo(0.5, TOL);
    expect(d.demographicParityRatio.fourFifths).toBe(false);
    // equalized_odds_difference = max(TPR gap 0.8 − 0.5 = 0.3, FPR gap 2/3 − 1/6 = 0.5)
    expect(d.equalizedOddsDifference.value).toBeCloseTo(0.5, TOL);
    expect(d.equalizedOddsDifference.groups).toEqual(['b', 'c']);
    expect(d.equalizedOddsDifference.metric).toBe('truePositiveRate,falsePositiveRate');
    // equalized_odds_ratio = min(TPR ratio 0.5/0.8 = 0.625, FPR ratio (1/6)/(2/3) = 0.25)
    expect(d.equalizedOddsRatio.value).toBeCloseTo(0.25, TOL);
    expect(d.equalOpportunityDifference.value).toBeCloseTo(0.3, TOL);
    expect(d.equalOpportunityRatio.value).toBeCloseTo(0.625, TOL);
  });

  it('gives the other rate gaps worked out by hand', () => {
    expect(d.predictiveParityDifference.value).toBeCloseTo(0.8 - 1 / 3, TOL);
    expect(d.predictiveParityRatio.value).toBeCloseTo(1 / 3 / 0.8, TOL);
    expect(d.falsePositiveRateDifference.value).toBeCloseTo(0.5, TOL);
    expect(d.falsePositiveRateRatio.value).toBeCloseTo(0.25, TOL);
    expect(d.falseNegativeRateDifference.value).toBeCloseTo(0.3, TOL);
    expect(d.falseNegativeRateRatio.value).toBeCloseTo(0.4, TOL);
    expect(d.accuracyDifference.value).toBeCloseTo(0.4, TOL);
    expect(d.accuracyRatio.value).toBeCloseTo(0.5, TOL);
  });

  it('gives the AIF360-named disparities against the reference whatever the convention', () => {
    // statistical_parity_difference = SR_u − SR_p: b −0.2, c +0.1 → largest magnitude −0.2 (b)
    expect(d.statisticalParityDifference.value).toBeCloseTo(-0.2, TOL);
    expect(d.statisticalParityDifference.groups).toEqual(['b', 'a']);
    // disparate_impact = SR_u / SR_p: b 0.6, c 1.2 → smallest 0.6, below four-fifths
    expect(d.disparateImpact.value).toBeCloseTo(0.6, TOL);
    expect(d.disparateImpact.fourFifths).toBe(false);
    // average_odds_difference = ½[(FPR_u − FPR_p) + (TPR_u − TPR_p)]
    //   b: ½[(1/6 − 0.2) + (0.5 − 0.8)] = ½(−1/30 − 9/30) = −1/6;  c: ½[(2/3 − 0.2) + (−0.3)] = 1/12
    expect(d.averageOddsDifference.value).toBeCloseTo(-1 / 6, TOL);
    expect(d.averageOddsDifference.groups).toEqual(['b', 'a']);
  });

  it('returns every name of DISPARITY_SPEC and nothing else', () => {
    expect(Object.keys(d)).toEqual(DISPARITY_NAMES);
    expect(DISPARITY_NAMES).toHaveLength(17);
    for (const n of DISPARITY_NAMES) expect(d[n].kind).toBe(DISPARITY_SPEC[n].kind);
  });

  it('agrees with fairlearn, which uses 0 for 0/0 rates, once every rate is defined', () => {
    const f = computeDisparities(groups, { reference: 'a', convention: CONVENTIONS.fairlearn });
    for (const n of DISPARITY_NAMES) expect(f[n]).toEqual(d[n]);
  });
});

describe('named disparities, aif360 and aequitas conventions (to the reference)', () => {
  it('keeps the sign of the largest gap to the privileged group under aif360', () => {
    const d = computeDisparities(groups, { reference: 'a', convention: CONVENTIONS.aif360 });
    // SR gaps to a: b −0.2, c +0.1 → −0.2
    expect(d.demographicParityDifference.value).toBeCloseTo(-0.2, TOL);
    expect(d.demographicParityDifference.groups).toEqual(['b', 'a']);
    // TPR gaps: b −0.3, c −0.3 (tie → b); FPR gaps: b −1/30, c +7/15 → the worse is +7/15 (c)
    expect(d.equalOpportunityDifference.value).toBeCloseTo(-0.3, TOL);
    expect(d.equalOpportunityDifference.groups).toEqual(['b', 'a']);
    expect(d.equalizedOddsDifference.value).toBeCloseTo(2 / 3 - 0.2, TOL);
    expect(d.equalizedOddsDifference.groups).toEqual(['c', 'a']);
    // SR ratios to a: b 0.6 (|ln| 0.51), c 1.2 (|ln| 0.18) → 0.6, four-fifths fails
    expect(d.demographicParityRatio.value).toBeCloseTo(0.6, TOL);
    expect(d.demographicParityRatio.fourFifths).toBe(false);
    // FPR ratios to a: b (1/6)/0.2 = 5/6, c (2/3)/0.2 = 10/3 → 10/3 (farther from 1 on a log scale)
    expect(d.falsePositiveRateRatio.value).toBeCloseTo(10 / 3, TOL);
  });

  it('matches AIF360 exactly for two groups: difference = unprivileged − privileged', () => {
    const two = new Map([...groups].filter(([g]) => g !== 'c'));
    const d = computeDisparities(two, { reference: 'a', convention: CONVENTIONS.aif360 });
    expect(d.demographicParityDifference.value).toBeCloseTo(0.3 - 0.5, TOL);
    expect(d.statisticalParityDifference.value).toBeCloseTo(0.3 - 0.5, TOL);
    expect(d.equalOpportunityDifference.value).toBeCloseTo(0.5 - 0.8, TOL);
    expect(d.demographicParityRatio.value).toBeCloseTo(0.3 / 0.5, TOL);
  });

  it('reports the unsigned largest gap to the reference under aequitas', () => {
    const d = computeDisparities(groups, { reference: 'a', convention: CONVENTIONS.aequitas });
    expect(d.demographicParityDifference.value).toBeCloseTo(0.2, TOL);
    // Aequitas PPV disparity: b (2/3)/0.8 = 5/6, c (1/3)/0.8 = 5/12 → 5/12
    expect(d.predictiveParityRatio.value).toBeCloseTo(5 / 12, TOL);
    expect(d.predictiveParityRatio.groups).toEqual(['c', 'a']);
  });
});

describe('difference and ratio', () => {
  const opts = { convention: CONVENTIONS.aequa, reference: 'a' };

  it('returns null with the reason of the first undefined group by default', () => {
    const values = { a: v(0.2), b: { value: null, undefinedBecause: 'noPositives' } as const, c: v(0.5) };
    expect(difference(values, opts)).toEqual({
      value: null,
      undefinedBecause: 'noPositives',
      groups: ['b'],
      metric: 'value',
      kind: 'difference',
    });
    expect(ratio(values, opts).undefinedBecause).toBe('noPositives');
  });

  it("skips undefined groups with onUndefined: 'skip'", () => {
    const values = { a: v(0.2), b: { value: null, undefinedBecause: 'noPositives' } as const, c: v(0.5) };
    expect(difference(values, { ...opts, onUndefined: 'skip' }).value).toBeCloseTo(0.3, TOL);
    expect(ratio(values, { ...opts, onUndefined: 'skip' }).value).toBeCloseTo(0.4, TOL);
  });

  it('says fewerThanTwoGroups when fewer than two groups have a value', () => {
    const values = new Map<string, MetricValue>([
      ['a', v(0.2)],
      ['b', { value: null, undefinedBecause: 'emptyGroup' }],
    ]);
    for (const convention of Object.values(CONVENTIONS)) {
      const o = { convention, reference: 'a', onUndefined: 'skip' } as const;
      expect(difference(values, o).undefinedBecause, convention.name).toBe('fewerThanTwoGroups');
      expect(ratio(values, o).undefinedBecause, convention.name).toBe('fewerThanTwoGroups');
    }
  });

  it('says zeroDenominator for a ratio of all-zero values (fairlearn gives NaN there)', () => {
    expect(ratio({ a: v(0), b: v(0) }, opts)).toMatchObject({
      value: null,
      undefinedBecause: 'zeroDenominator',
    });
    expect(ratio({ a: v(0), b: v(0.3) }, { ...opts, convention: CONVENTIONS.aequitas })).toMatchObject({
      value: null,
      undefinedBecause: 'zeroDenominator',
      groups: ['a'],
    });
    // a zero numerator is a measurement: ratio 0
    expect(ratio({ a: v(0), b: v(0.3) }, opts).value).toBe(0);
  });

  it('gives a reference-based disparity the reason of an undefined reference even when skipping', () => {
    const values = { a: { value: null, undefinedBecause: 'noNegatives' } as const, b: v(0.1), c: v(0.2) };
    const r = difference(values, { convention: CONVENTIONS.aequitas, reference: 'a', onUndefined: 'skip' });
    expect(r).toMatchObject({ value: null, undefinedBecause: 'noNegatives', groups: ['a'] });
  });

  it('throws AEQ_INVALID_ARGUMENT when the reference is not a group, listing the groups', () => {
    expect.assertions(3);
    try {
      difference({ a: v(1), b: v(2) }, { convention: CONVENTIONS.aif360, reference: 'z' });
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as AequaError).code).toBe('AEQ_INVALID_ARGUMENT');
      expect((e as AequaError).message).toContain('one of the groups (a, b)');
    }
  });

  it('throws when computeDisparities gets an unknown reference, also under max − min', () => {
    expect(() => computeDisparities(groups, { reference: 'z', convention: CONVENTIONS.aequa })).toThrow(
      /reference/,
    );
  });

  it('throws for a negative value in a ratio', () => {
    expect(() => ratio({ a: v(-0.1), b: v(0.2) }, opts)).toThrow(InvalidArgumentError);
  });

  it('copies the metric name into the result', () => {
    expect(difference({ a: v(1), b: v(3) }, { ...opts, metric: 'precision' }).metric).toBe('precision');
  });
});

describe('vsReference and extremes', () => {
  it('compares each group with the reference, null where undefined', () => {
    const r = vsReference({ a: v(0.2), b: v(0.5), c: { value: null, undefinedBecause: 'emptyGroup' } }, 'a');
    expect(r.a).toEqual({ difference: 0, ratio: 1 });
    expect(r.b!.difference).toBeCloseTo(0.3, TOL);
    expect(r.b!.ratio).toBeCloseTo(2.5, TOL);
    expect(r.c).toEqual({ difference: null, ratio: null });
    expect(vsReference({ a: v(0), b: v(0.5) }, 'a').b).toEqual({ difference: 0.5, ratio: null });
  });

  it('throws when the reference is absent', () => {
    expect(() => vsReference({ a: v(0.2) }, 'b')).toThrow(InvalidArgumentError);
  });

  it('finds the min and max groups, the name that sorts first on ties, and null when nothing is defined', () => {
    expect(extremes({ a: v(0.5), b: v(0.2), c: v(0.5), d: v(0.2) })).toEqual({
      groupMin: { group: 'b', value: 0.2 },
      groupMax: { group: 'a', value: 0.5 },
    });
    expect(extremes({ a: { value: null, undefinedBecause: 'emptyGroup' } })).toBeNull();
  });
});

describe('named disparities from confusions: undefined groups', () => {
  // group b has no positives: TPR undefined
  const g = new Map([
    ['a', conf(2, 1, 3, 2)],
    ['b', conf(0, 1, 4, 0)],
  ]);

  it('are null with the group reason by default and skip it on request', () => {
    const byDefault = equalizedOddsDifference(g, { reference: 'a', convention: CONVENTIONS.aequa });
    expect(byDefault).toMatchObject({ value: null, undefinedBecause: 'noPositives', groups: ['b'] });
    const skipped = equalizedOddsDifference(g, {
      reference: 'a',
      convention: CONVENTIONS.aequa,
      onUndefined: 'skip',
    });
    // TPR part: only a defined → fewerThanTwoGroups, which makes the combination null
    expect(skipped.undefinedBecause).toBe('fewerThanTwoGroups');
  });

  it('are computed with 0 for the undefined rate under fairlearn', () => {
    // TPR: a 0.5, b 0 (fairlearn's 0 for 0/0) → 0.5; FPR: a 0.25, b 0.2 → 0.05; max = 0.5
    const f = equalizedOddsDifference(g, { reference: 'a', convention: CONVENTIONS.fairlearn });
    expect(f.value).toBeCloseTo(0.5, TOL);
  });

  it('give disparateImpact zeroDenominator when the reference selects nobody', () => {
    const z = new Map([
      ['a', conf(0, 0, 3, 2)],
      ['b', conf(1, 0, 1, 0)],
    ]);
    expect(disparateImpact(z, { reference: 'a', convention: CONVENTIONS.aequa })).toMatchObject({
      value: null,
      undefinedBecause: 'zeroDenominator',
    });
  });
});

// Random groups of up to 30 rows each (integer weights 1–3), 2–5 groups.
const groupArb = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 3 })),
    {
      minLength: 1,
      maxLength: 30,
    },
  )
  .map((rows) =>
    confusionFromArrays(
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
    ),
  );
const groupsArb = fc
  .array(groupArb, { minLength: 2, maxLength: 5 })
  .map((cs) => new Map(cs.map((c, i) => [`g${i}`, c] as const)));

describe('properties of disparities', () => {
  it('max − min differences are ≥ 0 and min / max ratios lie in [0, 1]', () => {
    fc.assert(
      fc.property(groupsArb, (gs) => {
        const d = computeDisparities(gs, {
          reference: 'g0',
          convention: CONVENTIONS.aequa,
          onUndefined: 'skip',
        });
        for (const n of DISPARITY_NAMES) {
          if (DISPARITY_SPEC[n].rule !== 'convention') continue;
          const x = d[n].value;
          if (x === null) {
            expect(d[n].undefinedBecause, n).toBeDefined();
            continue;
          }
          if (d[n].kind === 'difference') expect(x, n).toBeGreaterThanOrEqual(0);
          else {
            expect(x, n).toBeGreaterThanOrEqual(0);
            expect(x, n).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it('the max − min difference is the spread of the defined rates, computed independently', () => {
    fc.assert(
      fc.property(groupsArb, (gs) => {
        const rates = [...gs.values()].map((c) => (c.tp + c.fp) / (c.tp + c.fp + c.tn + c.fn));
        const spread = Math.max(...rates) - Math.min(...rates);
        const got = demographicParityDifference(gs, { reference: 'g0', convention: CONVENTIONS.aequa }).value;
        expect(got).toBe(spread); // same two subtractions of the same doubles: exact
      }),
    );
  });

  it('the aif360 difference is the aequitas difference with a sign', () => {
    fc.assert(
      fc.property(groupsArb, (gs) => {
        const o = { reference: 'g0', onUndefined: 'skip' } as const;
        const signed = computeDisparities(gs, { ...o, convention: CONVENTIONS.aif360 });
        const unsigned = computeDisparities(gs, { ...o, convention: CONVENTIONS.aequitas });
        for (const n of [
          'demographicParityDifference',
          'equalOpportunityDifference',
          'accuracyDifference',
        ] as const) {
          const s = signed[n].value;
          const u = unsigned[n].value;
          if (s === null) expect(u, n).toBeNull();
          else expect(Math.abs(s), n).toBe(u);
        }
      }),
    );
  });

  it('renaming and reordering the groups leaves every value unchanged', () => {
    fc.assert(
      fc.property(groupsArb, fc.nat(), (gs, seed) => {
        const entries = [...gs.entries()];
        // a deterministic permutation from the seed (rotate, then reverse on odd seeds)
        const k = seed % entries.length;
        let perm = [...entries.slice(k), ...entries.slice(0, k)];
        if (seed % 2 === 1) perm = perm.reverse();
        const renamed = new Map(perm.map(([g, c]) => [`x_${g}`, c] as const));
        for (const convention of Object.values(CONVENTIONS)) {
          const a = computeDisparities(gs, { reference: 'g0', convention, onUndefined: 'skip' });
          const b = computeDisparities(renamed, { reference: 'x_g0', convention, onUndefined: 'skip' });
          for (const n of DISPARITY_NAMES) expect(b[n].value, `${convention.name} ${n}`).toBe(a[n].value);
        }
      }),
    );
  });
});
