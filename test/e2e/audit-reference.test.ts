/**
 * A fairness audit computed by hand: a 12-row table with groups a, b, c whose confusion counts,
 * rates and disparities are worked out in the comments below from the definitions (Hardt, Price &
 * Srebro 2016, https://arxiv.org/abs/1610.02413; fairlearn, AIF360 and Aequitas as summarised in
 * src/metrics/conventions.ts), and `audit()` must return exactly those numbers. Then the
 * invariances every audit owes: weights = duplicated rows, relabelling permutes groups, row order
 * does not matter, group counts add up, and Holm-adjusted p-values are the Holm step-down of the raw ones.
 */
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditOptions, audit } from '../../src/audit.js';
import { fromArrays } from '../../src/data/index.js';
import type { AuditResult, DisparityResult, GroupResult } from '../../src/metrics/index.js';

// The table, one row per line (y = true label, ŷ = prediction, both 0/1, positive = 1):
//
//   group a (5 rows): (y, ŷ) = (1,1) (1,1) (0,1) (0,0) (0,0)  → TP 2  FP 1  TN 2  FN 0
//   group b (4 rows): (y, ŷ) = (1,1) (1,0) (0,1) (0,0)        → TP 1  FP 1  TN 1  FN 1
//   group c (3 rows): (y, ŷ) = (0,1) (0,1) (0,0)              → TP 0  FP 2  TN 1  FN 0
//   all (12 rows)                                             → TP 3  FP 4  TN 4  FN 1
//
// Rates (SR = (TP+FP)/n, TPR = TP/(TP+FN), FPR = FP/(FP+TN), PPV = TP/(TP+FP), ACC = (TP+TN)/n):
//
//   group  SR    TPR               FPR   PPV   ACC
//   a      3/5   2/2 = 1           1/3   2/3   4/5
//   b      2/4   1/2               1/2   1/2   2/4
//   c      2/3   0/0 undefined     2/3   0/2   1/3
//   all    7/12  3/4               4/8   3/7   7/12
//
// c has no positives, so its TPR is 0/0: aequa, AIF360 and Aequitas report null with the reason
// 'noPositives'; fairlearn (sklearn's confusion_matrix(normalize='true') → 0) reports 0.
// The reference group is the largest one, a (5 rows).
const G = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c', 'c'];
const Y = [1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0];
const P = [1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0];

/** Exact rational results are compared to 1e-12: a handful of divisions and subtractions of
 * numbers ≤ 1 carry at most a few ulps (~1e-16) of rounding, far below that. */
const TOL = 1e-12;

function close(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(expected)));
}

function base(extra: Partial<AuditOptions> = {}): AuditOptions {
  return {
    data: fromArrays({ g: G, y: Y, p: P }, 'hand.csv'),
    label: 'y',
    prediction: 'p',
    sensitive: ['g'],
    // Every group is tiny; minGroupSize 1 keeps all three in the disparities (explicit, not by fallback).
    minGroupSize: 1,
    ...extra,
  };
}

function feature(r: AuditResult, name = 'g') {
  const f = r.byFeature[name];
  if (!f) throw new Error(`feature ${name} missing; have ${Object.keys(r.byFeature).join(', ')}`);
  return f;
}

function group(r: AuditResult, g: string): GroupResult {
  const x = feature(r).groups[g];
  if (!x) throw new Error(`group ${g} missing`);
  return x;
}

function disp(r: AuditResult, name: string): DisparityResult {
  const d = feature(r).disparities[name];
  if (!d) throw new Error(`disparity ${name} missing`);
  return d;
}

/** Holm (1979), written out: sort ascending, adj_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j)). */
function expectHolm(r: AuditResult): void {
  const tests = r.significance.tests;
  for (const t of tests) expect(t.adjustedPValue).toBeGreaterThanOrEqual(t.pValue);
  const m = tests.length;
  const order = tests.map((_, i) => i).sort((i, j) => tests[i]!.pValue - tests[j]!.pValue || i - j);
  const expected = new Array<number>(m);
  let running = 0;
  order.forEach((idx, k) => {
    running = Math.max(running, Math.min(1, (m - k) * tests[idx]!.pValue));
    expected[idx] = running;
  });
  tests.forEach((t, i) => {
    expect(t.adjustedPValue).toBe(expected[i]);
    expect(t.significant).toBe(expected[i]! < r.significance.alpha);
  });
}

describe('audit() on a 12-row table computed by hand (aequa convention)', () => {
  it('reports each group’s counts, selection rate, TPR and FPR as computed by hand', async () => {
    const r = await audit(base());
    expect(r.rows).toBe(12);
    expect(feature(r).reference).toBe('a');
    expect([group(r, 'a').count, group(r, 'b').count, group(r, 'c').count]).toEqual([5, 4, 3]);
    close(group(r, 'a').selectionRate, 3 / 5);
    close(group(r, 'b').selectionRate, 2 / 4);
    close(group(r, 'c').selectionRate, 2 / 3);
    close(group(r, 'a').truePositiveRate, 1);
    close(group(r, 'b').truePositiveRate, 1 / 2);
    close(group(r, 'a').falsePositiveRate, 1 / 3);
    close(group(r, 'b').falsePositiveRate, 1 / 2);
    close(group(r, 'c').falsePositiveRate, 2 / 3);
    close(group(r, 'c').precision, 0);
    close(group(r, 'a').accuracy, 4 / 5);
    close(group(r, 'c').accuracy, 1 / 3);
  });

  it('returns null with reason noPositives for the TPR of a group without positives', async () => {
    const r = await audit(base());
    expect(group(r, 'c').truePositiveRate).toBeNull();
    expect(group(r, 'c').undefinedBecause?.truePositiveRate).toBe('noPositives');
  });

  it('reports the overall rates over all 12 rows', async () => {
    const r = await audit(base());
    close(r.overall.selectionRate, 7 / 12);
    close(r.overall.baseRate, 4 / 12);
    close(r.overall.truePositiveRate, 3 / 4);
    close(r.overall.falsePositiveRate, 4 / 8);
    close(r.overall.precision, 3 / 7);
    close(r.overall.accuracy, 7 / 12);
  });

  it('computes demographic parity, equalized odds and disparate impact as defined', async () => {
    const r = await audit(base());
    // DPD = max SR − min SR = 2/3 − 1/2 = 1/6 (c highest, b lowest).
    close(disp(r, 'demographicParityDifference').value, 1 / 6);
    expect(disp(r, 'demographicParityDifference').groups).toEqual(['b', 'c']);
    // DPR = min SR / max SR = (1/2) / (2/3) = 3/4; the four-fifths rule fails (0.75 < 0.8).
    close(disp(r, 'demographicParityRatio').value, 3 / 4);
    expect(disp(r, 'demographicParityRatio').fourFifths).toBe(false);
    // TPR: a 1, b 1/2, c undefined (left out) → difference 1/2; FPR: 2/3 − 1/3 = 1/3.
    close(disp(r, 'equalOpportunityDifference').value, 1 / 2);
    close(disp(r, 'falsePositiveRateDifference').value, 1 / 3);
    expect(disp(r, 'falsePositiveRateDifference').groups).toEqual(['a', 'c']);
    // EOD = the worse of the two = 1/2 (the TPR gap, between b and a).
    close(disp(r, 'equalizedOddsDifference').value, 1 / 2);
    expect(disp(r, 'equalizedOddsDifference').groups).toEqual(['b', 'a']);
    // Disparate impact vs the reference a: min(SR_b/SR_a, SR_c/SR_a) = min(5/6, 10/9) = 5/6 ≥ 0.8.
    close(disp(r, 'disparateImpact').value, 5 / 6);
    expect(disp(r, 'disparateImpact').groups).toEqual(['b', 'a']);
    expect(disp(r, 'disparateImpact').fourFifths).toBe(true);
    // AIF360 statistical parity: the largest |SR_g − SR_a|, signed: b −1/10 beats c +1/15.
    close(disp(r, 'statisticalParityDifference').value, -1 / 10);
    // AIF360 average odds for b: ((1/2 − 1/3) + (1/2 − 1)) / 2 = −1/6 (c has no TPR: left out).
    close(disp(r, 'averageOddsDifference').value, -1 / 6);
    // Accuracy: 4/5 − 1/3 = 7/15.
    close(disp(r, 'accuracyDifference').value, 7 / 15);
  });

  it('compares every group with the reference (Aequitas-style vsReference)', async () => {
    const r = await audit(base());
    const b = group(r, 'b').vsReference?.selectionRate;
    close(b?.difference, 1 / 2 - 3 / 5);
    close(b?.ratio, 5 / 6);
    const c = group(r, 'c').vsReference?.falsePositiveRate;
    close(c?.difference, 2 / 3 - 1 / 3);
    close(c?.ratio, 2);
  });

  it('takes the reference given in options instead of the largest group', async () => {
    const r = await audit(base({ reference: { g: 'c' } }));
    expect(feature(r).reference).toBe('c');
    // vs c: SR_a/SR_c = 9/10, SR_b/SR_c = 3/4 → the smallest, 3/4.
    close(disp(r, 'disparateImpact').value, 3 / 4);
    expect(disp(r, 'disparateImpact').groups).toEqual(['b', 'c']);
  });
});

describe('audit() under the conventions of other toolkits', () => {
  it("follows fairlearn: a 0/0 rate counts as 0, so c's TPR 0 widens the TPR gap to 1", async () => {
    const r = await audit(base({ convention: 'fairlearn' }));
    expect(r.convention.name).toBe('fairlearn');
    close(group(r, 'c').truePositiveRate, 0);
    close(disp(r, 'demographicParityDifference').value, 1 / 6);
    close(disp(r, 'demographicParityRatio').value, 3 / 4);
    // TPR: a 1, b 1/2, c 0 → 1 − 0 = 1; FPR gap 1/3; EOD = max = 1.
    close(disp(r, 'equalOpportunityDifference').value, 1);
    close(disp(r, 'equalizedOddsDifference').value, 1);
    expect(disp(r, 'equalizedOddsDifference').groups).toEqual(['c', 'a']);
    // equalized_odds_ratio (worst case): TPR ratio 0/1 = 0 is worse than FPR ratio 1/2.
    close(disp(r, 'equalizedOddsRatio').value, 0);
  });

  it('follows AIF360: signed unprivileged − privileged differences and ratios to the reference', async () => {
    const r = await audit(base({ convention: 'aif360' }));
    // SR − SR_a: b −1/10, c +1/15 → the larger magnitude, −1/10.
    close(disp(r, 'demographicParityDifference').value, -1 / 10);
    expect(disp(r, 'demographicParityDifference').groups).toEqual(['b', 'a']);
    // SR / SR_a: b 5/6 (|ln| 0.182), c 10/9 (|ln| 0.105) → 5/6.
    close(disp(r, 'demographicParityRatio').value, 5 / 6);
    // TPR − TPR_a: b −1/2 (c undefined, left out). FPR − FPR_a: b +1/6, c +1/3 → 1/3.
    close(disp(r, 'equalOpportunityDifference').value, -1 / 2);
    close(disp(r, 'falsePositiveRateDifference').value, 1 / 3);
    expect(disp(r, 'falsePositiveRateDifference').groups).toEqual(['c', 'a']);
    // EOD: the worse of −1/2 and 1/3 by magnitude, sign kept.
    close(disp(r, 'equalizedOddsDifference').value, -1 / 2);
    // FPR_c / FPR_a = 2; TPR_b / TPR_a = 1/2: equally far from 1 on a log scale; the TPR part
    // comes first in equalizedOdds' metric list and wins the tie.
    close(disp(r, 'falsePositiveRateRatio').value, 2);
    close(disp(r, 'equalizedOddsRatio').value, 1 / 2);
    close(disp(r, 'disparateImpact').value, 5 / 6);
  });

  it('follows Aequitas: unsigned largest gap to the reference', async () => {
    const r = await audit(base({ convention: 'aequitas' }));
    close(disp(r, 'demographicParityDifference').value, 1 / 10);
    close(disp(r, 'equalOpportunityDifference').value, 1 / 2);
    close(disp(r, 'falsePositiveRateDifference').value, 1 / 3);
    close(disp(r, 'equalizedOddsDifference').value, 1 / 2);
    close(disp(r, 'demographicParityRatio').value, 5 / 6);
    expect(r.convention.fairRatioBand).toEqual([0.8, 1.25]);
  });
});

describe('invariances of the audit', () => {
  // Integer weights; the duplicated table repeats row i W[i] times.
  const W = [2, 1, 3, 1, 1, 1, 2, 1, 1, 3, 1, 2];
  const dup = <T>(xs: readonly T[]): T[] => xs.flatMap((x, i) => Array<T>(W[i]!).fill(x));

  it('gives a weighted table the same rates and disparities as the table with rows duplicated', async () => {
    const weighted = await audit({
      ...base({ reference: { g: 'a' } }),
      data: fromArrays({ g: G, y: Y, p: P, w: W }),
      weight: 'w',
    });
    const duplicated = await audit({
      ...base({ reference: { g: 'a' } }),
      data: fromArrays({ g: dup(G), y: dup(Y), p: dup(P) }),
    });
    // Unweighted row counts differ by design (count = rows, weight = Σw); every rate and disparity
    // is a ratio of weighted sums and must agree.
    for (const g of ['a', 'b', 'c']) {
      const a = group(weighted, g);
      const b = group(duplicated, g);
      expect(a.weight).toBe(b.count);
      for (const m of [
        'selectionRate',
        'truePositiveRate',
        'falsePositiveRate',
        'precision',
        'accuracy',
        'f1',
      ] as const) {
        if (b[m] === null) expect(a[m]).toBeNull();
        else close(a[m], b[m] as number);
      }
    }
    for (const [name, d] of Object.entries(feature(duplicated).disparities)) {
      const w = disp(weighted, name);
      if (d.value === null) expect(w.value, name).toBeNull();
      else close(w.value, d.value);
      expect(w.groups, name).toEqual(d.groups);
    }
    close(weighted.overall.selectionRate, duplicated.overall.selectionRate as number);
  });

  it('permutes the groups, and nothing else, when the group labels are swapped', async () => {
    const rename: Record<string, string> = { a: 'c', b: 'a', c: 'b' };
    const r1 = await audit(base());
    const r2 = await audit({ ...base(), data: fromArrays({ g: G.map((g) => rename[g]!), y: Y, p: P }) });
    expect(feature(r2).reference).toBe(rename[feature(r1).reference]);
    for (const [g, res] of Object.entries(feature(r1).groups)) {
      const other = feature(r2).groups[rename[g]!]!;
      const { key: k1, vsReference: _v1, ...rest1 } = res;
      const { key: k2, vsReference: _v2, ...rest2 } = other;
      expect(rest2).toEqual(rest1);
      expect(k2).toEqual({ g: rename[k1.g as string] });
    }
    for (const [name, d] of Object.entries(feature(r1).disparities)) {
      const d2 = disp(r2, name);
      expect(d2.value, name).toBe(d.value);
      expect(d2.groups, name).toEqual(d.groups?.map((g) => rename[g]));
    }
  });

  it('has per-group counts that add up to the rows, for every feature and intersection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            g: fc.constantFrom('a', 'b', 'c'),
            h: fc.constantFrom('x', 'y'),
            y: fc.constantFrom(0, 1),
            p: fc.constantFrom(0, 1),
          }),
          { minLength: 4, maxLength: 40 },
        ),
        async (rows) => {
          // Both classes must appear in the label, or the audit rightly refuses it.
          fc.pre(rows.some((r) => r.y === 1) && rows.some((r) => r.y === 0));
          const data = fromArrays({
            g: rows.map((r) => r.g),
            h: rows.map((r) => r.h),
            y: rows.map((r) => r.y),
            p: rows.map((r) => r.p),
          });
          const r = await audit({
            data,
            label: 'y',
            prediction: 'p',
            sensitive: ['g', 'h'],
            intersections: true,
            minGroupSize: 1,
          });
          expect(r.rows).toBe(rows.length);
          expect(Object.keys(r.byFeature)).toEqual(['g', 'h', 'g&h']);
          for (const f of Object.values(r.byFeature)) {
            const sum = Object.values(f.groups).reduce((s, x) => s + x.count, 0);
            expect(sum).toBe(rows.length);
          }
        },
      ),
      { numRuns: 40, seed: 6 },
    );
  });

  it('does not depend on the order of the rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(
          G.map((_, i) => i),
          { minLength: 12, maxLength: 12 },
        ),
        async (order) => {
          const pick = <T>(xs: readonly T[]) => order.map((i) => xs[i]!);
          const r = await audit({ ...base(), data: fromArrays({ g: pick(G), y: pick(Y), p: pick(P) }) });
          const ref = await audit(base());
          expect(r.byFeature).toEqual(ref.byFeature);
          expect(r.overall).toEqual(ref.overall);
        },
      ),
      { numRuns: 20, seed: 7 },
    );
  });
});

describe('significance tests of the hand-computed audit', () => {
  it('runs the chi-square test of equal selection rates with X² = 36/175 on 2 degrees of freedom', async () => {
    // Counts [selected, not selected]: a [3, 2], b [2, 2], c [2, 1]; N = 12, column totals 7, 5.
    // Expected E = row · col / N: a [35/12, 25/12], b [28/12, 20/12], c [21/12, 15/12].
    // X² = Σ (O − E)²/E = 1/175 + 4/35 + 3/35 = 36/175; with 2 df the survival function is
    // exp(−X²/2) exactly, so p = exp(−18/175).
    const r = await audit(base());
    const t = r.significance.tests.find(
      (x) => x.feature === 'g' && x.metric === 'demographicParityDifference' && x.test === 'chiSquare',
    );
    expect(t).toBeDefined();
    close(t!.statistic, 36 / 175);
    close(t!.pValue, Math.exp(-18 / 175));
  });

  it('runs the two-proportion z test of b against the reference a', async () => {
    // p_b = 2/4, p_a = 3/5, pooled 5/9; var = (5/9)(4/9)(1/4 + 1/5) = 1/9; z = (−1/10)/(1/3) = −0.3.
    // p = 2Φ(−0.3) = 0.76417715562209466 (Φ(0.3) = 0.61791142218895256, standard normal table),
    // written below to double precision.
    const r = await audit(base());
    const t = r.significance.tests.find(
      (x) => x.feature === 'g' && x.metric === 'selectionRate' && x.groups[0] === 'b',
    );
    expect(t?.test).toBe('twoProportionZ');
    expect(t?.groups).toEqual(['b', 'a']);
    close(t!.statistic, -0.3);
    close(t!.pValue, 0.7641771556220947);
  });

  it('reports Holm-adjusted p-values that are at least the raw ones and equal to the Holm step-down', async () => {
    const r = await audit(base());
    expect(r.significance.correction).toBe('holm');
    expect(r.significance.tests.length).toBeGreaterThan(5);
    expectHolm(r);
  });

  it('applies Holm across every test of a real audit whose p-values span 1e-100 to 1 (COMPAS)', async () => {
    // On 12 rows almost every (m − j + 1)·p exceeds 1, so the step-down is checked on COMPAS too,
    // where the raw p-values are spread out and most adjusted values are not clamped at 1.
    const r = await audit({
      data: resolve(import.meta.dirname, '../../examples/data/compas.csv'),
      label: 'two_year_recid',
      score: 'decile_score',
      threshold: 5,
      sensitive: ['race', 'sex'],
      intersections: true,
    });
    const unclamped = r.significance.tests.filter((t) => t.adjustedPValue < 1);
    expect(unclamped.length).toBeGreaterThan(20);
    expectHolm(r);
  });

  it('leaves p-values unadjusted with correction none', async () => {
    const r = await audit(base({ correction: 'none' }));
    for (const t of r.significance.tests) expect(t.adjustedPValue).toBe(t.pValue);
  });
});
