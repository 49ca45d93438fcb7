import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { entropyDecomposition, generalizedEntropyIndex, theilIndex } from './entropy.js';
import { confusionFromArrays, emptyConfusion, mergeConfusion } from './stats/confusion.js';
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

/**
 * Reference: GE(α) straight from the formula of Speicher et al. (2018), eq. (3), over per-row
 * benefits b_i = ŷ_i − y_i + 1 with weights — written independently of entropy.ts (plain loops,
 * no confusion counts), so agreement checks the reduction to counts.
 */
function geRows(y: readonly number[], p: readonly number[], w: readonly number[], alpha: number): number {
  const b = y.map((yi, i) => p[i]! - yi + 1);
  let W = 0;
  let S = 0;
  for (let i = 0; i < b.length; i++) {
    W += w[i]!;
    S += w[i]! * b[i]!;
  }
  const mu = S / W;
  let t = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]! / mu;
    if (alpha === 1) t += x === 0 ? 0 : w[i]! * x * Math.log(x);
    else if (alpha === 0) t -= w[i]! * Math.log(x);
    else t += w[i]! * (x ** alpha - 1);
  }
  return alpha === 0 || alpha === 1 ? t / W : t / (W * alpha * (alpha - 1));
}

describe('generalizedEntropyIndex', () => {
  it('gives 23/98 for GE(2) of tp 2, tn 3, fp 1, fn 2', () => {
    // b = 0,0 (FN), 1×5 (TP, TN), 2 (FP); μ = 7/8; E[b²] = 9/8; var = 9/8 − 49/64 = 23/64;
    // GE(2) = ½ var / μ² = ½ · 23/49 = 23/98. Tolerance 1e-15: a handful of roundings of O(1) terms.
    expect(generalizedEntropyIndex(conf(2, 1, 3, 2)).value).toBeCloseTo(23 / 98, 15);
  });

  it('gives the Theil index with 0·ln 0 = 0 for false negatives', () => {
    // b = 1,1,0,2; μ = 1; Theil = ¼[0 + 0 + 0 + 2 ln 2] = ln 2 / 2
    expect(theilIndex(conf(1, 1, 1, 1)).value).toBeCloseTo(Math.LN2 / 2, 15);
  });

  it('gives the mean log deviation for α = 0 when no benefit is 0, and null otherwise', () => {
    // b = 1, 2; μ = 3/2; GE(0) = −½[ln(2/3) + ln(4/3)] = ½ ln(9/8)
    expect(generalizedEntropyIndex(conf(1, 1, 0, 0), 0).value).toBeCloseTo(Math.log(9 / 8) / 2, 15);
    expect(generalizedEntropyIndex(conf(1, 1, 0, 1), 0)).toEqual({
      value: null,
      undefinedBecause: 'undefinedInput',
    });
    expect(generalizedEntropyIndex(conf(1, 1, 0, 1), -1).value).toBeNull();
  });

  it('is 0 when every row gets the same benefit', () => {
    expect(generalizedEntropyIndex(conf(3, 0, 4, 0)).value).toBe(0);
    expect(theilIndex(conf(0, 5, 0, 0)).value).toBe(0);
  });

  it('is undefined for an empty group, zero weight, and a mean benefit of 0', () => {
    expect(generalizedEntropyIndex(emptyConfusion).undefinedBecause).toBe('emptyGroup');
    expect(generalizedEntropyIndex(confusionFromArrays([1], [1], [0])).undefinedBecause).toBe('zeroWeight');
    expect(generalizedEntropyIndex(conf(0, 0, 0, 4)).undefinedBecause).toBe('undefinedInput');
  });

  it('rejects an alpha that is not a finite number', () => {
    expect(() => generalizedEntropyIndex(conf(1, 1, 1, 1), Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => entropyDecomposition(new Map(), Number.POSITIVE_INFINITY)).toThrow(/alpha/);
  });

  it('equals the per-row formula for random weighted rows and several α', () => {
    const rows = fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 1, max: 5 }),
      ),
      {
        minLength: 1,
        maxLength: 40,
      },
    );
    fc.assert(
      fc.property(rows, fc.constantFrom(0.5, 1, 2, 3), (r, alpha) => {
        const y = r.map((x) => x[0]);
        const p = r.map((x) => x[1]);
        const w = r.map((x) => x[2]);
        const got = generalizedEntropyIndex(confusionFromArrays(y, p, w), alpha).value;
        const want = geRows(y, p, w, alpha);
        if (!Number.isFinite(want)) expect(got).toBeNull();
        // ≤ 40 rows summed naively by the reference: 1e-12 absolute is far above its rounding error
        else expect(Math.abs((got as number) - want)).toBeLessThan(1e-12);
      }),
    );
  });

  it('with weight 2 equals every row duplicated', () => {
    const a = generalizedEntropyIndex(confusionFromArrays([1, 0, 1, 0], [1, 1, 0, 0], [2, 2, 2, 2])).value;
    const b = generalizedEntropyIndex(
      confusionFromArrays([1, 0, 1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 1, 0, 0]),
    ).value;
    expect(a).toBe(b);
  });
});

describe('entropyDecomposition', () => {
  it('puts all inequality within groups when the group means are equal', () => {
    // a: b = 1, 1 (μ_a = 1); b: b = 0, 2 (μ_b = 1). Total GE(2) of {1,1,0,2}: μ = 1, var = ½ → ¼
    const d = entropyDecomposition(
      new Map([
        ['a', conf(1, 0, 1, 0)],
        ['b', conf(0, 1, 0, 1)],
      ]),
      2,
    );
    expect(d.total).toBeCloseTo(0.25, 15);
    expect(d.between).toBe(0);
    expect(d.within).toBeCloseTo(0.25, 15);
  });

  it('puts all inequality between groups when each group is uniform', () => {
    // a: b = 1 ×2; b: b = 2 ×2 → μ = 1.5; within = 0; between = total = GE(2) of {1,1,2,2} = ½·(¼)/(9/4) = 1/18
    const d = entropyDecomposition(
      new Map([
        ['a', conf(2, 0, 0, 0)],
        ['b', conf(0, 2, 0, 0)],
      ]),
      2,
    );
    expect(d.within).toBe(0);
    expect(d.between).toBeCloseTo(1 / 18, 15);
    expect(d.total).toBeCloseTo(1 / 18, 15);
  });

  it('returns all parts null with the reason when the total is undefined', () => {
    expect(entropyDecomposition(new Map(), 2)).toEqual({
      total: null,
      between: null,
      within: null,
      undefinedBecause: 'emptyGroup',
    });
    expect(entropyDecomposition(new Map([['a', conf(1, 0, 0, 1)]]), 0).undefinedBecause).toBe(
      'undefinedInput',
    );
  });

  const groupArb = fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 0, max: 4 }),
      ),
      {
        maxLength: 25,
      },
    )
    .map((r) =>
      confusionFromArrays(
        r.map((x) => x[0]),
        r.map((x) => x[1]),
        r.map((x) => x[2]),
      ),
    );

  it('satisfies total = between + within, and total equals the index of the merged confusion', () => {
    fc.assert(
      fc.property(
        fc.array(groupArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(0, 0.5, 1, 2, 3),
        (cs, alpha) => {
          const groups = new Map(cs.map((c, i) => [`g${i}`, c] as const));
          const d = entropyDecomposition(groups, alpha);
          const merged = generalizedEntropyIndex(cs.reduce(mergeConfusion, emptyConfusion), alpha);
          expect(d.total).toBe(merged.value);
          if (d.total === null) return;
          // between and within are computed by different formulas (index of group means vs weighted
          // sum of group indices); with ≤ 5 groups of O(1) terms, 1e-12 absolute bounds the rounding.
          expect(Math.abs((d.between as number) + (d.within as number) - d.total)).toBeLessThan(1e-12);
          expect(d.between as number).toBeGreaterThanOrEqual(-1e-15);
        },
      ),
    );
  });
});
