import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Column, fromArrays, type Table } from '../data/index.js';
import type { Model } from '../models/index.js';
import { disparityBySwapping, disparityFromAttributions } from './disparity.js';

function num(t: Table, name: string): Float64Array {
  const c: Column = t.column(name);
  if (c.kind !== 'number') throw new Error(name);
  return c.values;
}

/** Regression model f = 2a + 3b (+ 0·c): additive, ignores c. */
const additive: Model = {
  task: 'regression',
  features: ['a', 'b', 'c'],
  classes: [],
  async predictProba(rows) {
    const a = num(rows, 'a');
    const b = num(rows, 'b');
    return Float64Array.from(a, (v, i) => 2 * v + 3 * b[i]!);
  },
};

/** f = a·b: a pure interaction. */
const product: Model = {
  ...additive,
  async predictProba(rows) {
    const a = num(rows, 'a');
    const b = num(rows, 'b');
    return Float64Array.from(a, (v, i) => v * b[i]!);
  },
};

/** Group A has a ∈ {3, 5}, group B a ∈ {1, 1}; b has the same values {1, 2} in both groups. */
const T = fromArrays({
  a: [3, 5, 1, 1],
  b: [1, 2, 2, 1],
  c: [9, 0, 4, 4],
  g: ['A', 'A', 'B', 'B'],
});

describe('disparityFromAttributions', () => {
  it('splits the gap in mean prediction into per-feature gaps in mean attribution that sum to it', () => {
    // Linear SHAP of f = 2a + 3b with background means ā = 2.5, b̄ = 1.5: φ_a = 2(a − 2.5), φ_b = 3(b − 1.5).
    const rows = [
      [3, 1],
      [5, 2],
      [1, 2],
      [1, 1],
    ].map(([a, b], row) => ({
      row,
      prediction: 2 * a! + 3 * b!,
      baseValue: 2 * 2.5 + 3 * 1.5,
      attributions: new Float64Array([2 * (a! - 2.5), 3 * (b! - 1.5)]),
    }));
    const d = disparityFromAttributions({ featureNames: ['a', 'b'], rows }, ['A', 'A', 'B', 'B'], {
      a: 'A',
      b: 'B',
    });
    // Mean prediction A = (9 + 16)/2 = 12.5, B = (8 + 5)/2 = 6.5: gap 6.
    expect(d.gap).toBe(6);
    // a: 2·(4 − 1) = 6; b: 3·(1.5 − 1.5) = 0.
    expect(d.contributions[0]).toEqual({ feature: 'a', contribution: 6, share: 1 });
    expect(d.contributions[1]!.contribution).toBe(0);
    expect(d.baseGap).toBe(0);
    expect(d.residual).toBe(0);
  });

  it('sums to the gap for any attributions that satisfy efficiency (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            phi: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
            g: fc.constantFrom('A', 'B'),
          }),
          { minLength: 2, maxLength: 30 },
        ),
        (items) => {
          fc.pre(items.some((x) => x.g === 'A') && items.some((x) => x.g === 'B'));
          const base = 0.3;
          const rows = items.map((x, row) => ({
            row,
            baseValue: base,
            prediction: base + x.phi[0]! + x.phi[1]! + x.phi[2]!,
            attributions: Float64Array.from(x.phi),
          }));
          const d = disparityFromAttributions(
            { featureNames: ['x', 'y', 'z'], rows },
            items.map((x) => x.g),
            { a: 'A', b: 'B' },
          );
          const sum = d.contributions.reduce((s, c) => s + c.contribution, 0);
          // 1e-12 absolute: sums of at most 30 numbers of size ≤ 15 in double precision.
          expect(Math.abs(sum - d.gap)).toBeLessThan(1e-12);
          expect(Math.abs(d.residual)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it('refuses a group with no explained rows', () => {
    const rows = [{ row: 0, prediction: 1, baseValue: 0, attributions: new Float64Array([1]) }];
    expect(() => disparityFromAttributions({ featureNames: ['x'], rows }, ['A'], { a: 'A', b: 'B' })).toThrow(
      /Argument "opts.b" passed to disparityFromAttributions must be a group with explained rows/,
    );
  });
});

describe('disparityBySwapping', () => {
  it('gives an additive model each feature its weighted mean difference, 0 for a feature with equal distributions', async () => {
    const d = await disparityBySwapping(additive, T, { sensitive: 'g', a: 'A', b: 'B' });
    // Mean f: A = (9 + 16)/2 = 12.5; B = (8 + 5)/2 = 6.5 → gap 6; all 4 pairs are used, so pairGap = gap.
    expect(d.gap).toBe(6);
    expect(d.pairGap).toBe(6);
    expect(d.method).toBe('exact');
    const by = Object.fromEntries(d.contributions.map((c) => [c.feature, c.contribution]));
    expect(by.a).toBe(6); // 2 · (4 − 1)
    expect(by.b).toBe(0); // same b values in both groups
    expect(by.c).toBe(0); // ignored by the model
  });

  it('splits a pure interaction and still sums to the gap (efficiency)', async () => {
    const d = await disparityBySwapping(product, T, { sensitive: 'g', a: 'A', b: 'B' });
    // f = a·b. Means over the 4 pairs (aA, bA) vs (aB, bB): v(∅) = mean over B rows = (2 + 1)/2 = 1.5,
    // v(all) = (3 + 10)/2 = 6.5; v({a}) = mean aA · mean bB = 4 · 1.5 = 6, v({b}) = mean aB · mean bA = 1 · 1.5 = 1.5.
    // φ_a = ½(6 − 1.5) + ½(6.5 − 1.5) = 4.75, φ_b = ½(1.5 − 1.5) + ½(6.5 − 6) = 0.25.
    const by = Object.fromEntries(d.contributions.map((c) => [c.feature, c.contribution]));
    expect(by.a).toBeCloseTo(4.75, 12);
    expect(by.b).toBeCloseTo(0.25, 12);
    expect(by.c).toBe(0);
    expect(by.a! + by.b! + by.c!).toBeCloseTo(d.gap, 12);
  });

  it('matches the exact values with the permutation estimator on an additive model and keeps efficiency', async () => {
    const d = await disparityBySwapping(additive, T, {
      sensitive: 'g',
      a: 'A',
      b: 'B',
      exactMaxFeatures: 1,
      permutations: 6,
    });
    expect(d.method).toBe('permutation');
    const by = Object.fromEntries(d.contributions.map((c) => [c.feature, c.contribution]));
    // Additive: every marginal of a is 6 whatever comes before it, so each permutation gives the exact values.
    expect(by.a).toBeCloseTo(6, 12);
    expect(by.b).toBeCloseTo(0, 12);
  });

  it('attributes a gap in selection rate, summing to it', async () => {
    const clf: Model = {
      task: 'binary',
      features: ['a', 'b', 'c'],
      classes: ['no', 'yes'],
      async predictProba(rows) {
        const a = num(rows, 'a');
        return Float64Array.from(a, (v) => (v >= 3 ? 0.9 : 0.1));
      },
    };
    const d = await disparityBySwapping(clf, T, { sensitive: 'g', a: 'A', b: 'B', metric: 'selectionRate' });
    // Selection rate A = 1 (a = 3, 5), B = 0 → gap 1, all of it from a.
    expect(d.gap).toBe(1);
    expect(d.contributions[0]).toEqual({ feature: 'a', contribution: 1, share: 1 });
    expect(d.contributions[1]!.contribution).toBe(0);
  });

  it('samples pairs when there are too many and reports the pair gap it decomposes', async () => {
    const n = 200;
    const a = Array.from({ length: n }, (_, i) => (i < n / 2 ? 2 + (i % 7) : i % 5));
    const b = Array.from({ length: n }, (_, i) => i % 3);
    const t = fromArrays({ a, b, c: a.map(() => 0), g: a.map((_, i) => (i < n / 2 ? 'A' : 'B')) });
    const d = await disparityBySwapping(additive, t, {
      sensitive: 'g',
      a: 'A',
      b: 'B',
      maxPairs: 500,
      seed: 3,
    });
    expect(d.pairs).toBe(500);
    const sum = d.contributions.reduce((s, c) => s + c.contribution, 0);
    expect(sum).toBeCloseTo(d.pairGap, 10);
    // b has the same distribution in both halves (i % 3 over 100 consecutive integers, almost): near 0.
    const cb = d.contributions.find((c) => c.feature === 'b')!.contribution;
    expect(Math.abs(cb)).toBeLessThan(0.5);
  });

  it('refuses a group value that does not occur, listing the values that do', async () => {
    await expect(disparityBySwapping(additive, T, { sensitive: 'g', a: 'A', b: 'Z' })).rejects.toThrow(
      /\(A, B\)/,
    );
  });
});
