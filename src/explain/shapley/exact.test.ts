import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { toyModel } from '../toy-models.fixture.js';
import { exactShapley, shapleyFromValues, shapleyWeights } from './exact.js';

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

describe('exactShapley', () => {
  it('gives the Shapley weights s!(d−s−1)!/d!', () => {
    // d = 3: 0!2!/3! = 1/3, 1!1!/3! = 1/6, 2!0!/3! = 1/3.
    const w = shapleyWeights(3);
    expect(Array.from(w)).toEqual([1 / 3, 1 / 6, 1 / 3]);
  });

  it('computes the Shapley values of a two-player game given by its table', () => {
    // v(∅)=0, v({0})=1, v({1})=2, v({0,1})=4: φ0 = ½(1−0) + ½(4−2) = 1.5, φ1 = ½(2−0) + ½(4−1) = 2.5.
    expect(Array.from(shapleyFromValues(Float64Array.of(0, 1, 2, 4), 2))).toEqual([1.5, 2.5]);
  });

  it('matches the values worked out by hand for a product over a two-row background', async () => {
    // f = a·b, background rows (0,0) and (2,2), x = (1,3).
    // v(∅) = (0 + 4)/2 = 2, v({a}) = (1·0 + 1·2)/2 = 1, v({b}) = (0·3 + 2·3)/2 = 3, v({a,b}) = 3.
    // φa = ½(1 − 2) + ½(3 − 3) = −0.5; φb = ½(3 − 2) + ½(3 − 1) = 1.5.
    const model = toyModel(['a', 'b'], (x) => x[0]! * x[1]!);
    const background = fromArrays({ a: [0, 2], b: [0, 2] });
    const e = await exactShapley(model, fromArrays({ a: [1], b: [3] }), { background });
    const r = e.rows[0]!;
    expect(r.baseValue).toBe(2);
    expect(r.prediction).toBe(3);
    expect(r.attributions[0]).toBeCloseTo(-0.5, 14);
    expect(r.attributions[1]).toBeCloseTo(1.5, 14);
    expect(e.method).toBe('exact');
    expect(e.featureNames).toEqual(['a', 'b']);
    expect(r.values).toEqual([1, 3]);
  });

  it('is locally accurate, symmetric, and gives an ignored feature exactly zero (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        async ([c0, c1, c2], shared, x2) => {
          // f = c0·a·b + c1·(a + b) + c2·c²; d is ignored. x has a = b, and the background is symmetric
          // in a and b, so a and b are symmetric players and must get equal values.
          const model = toyModel(
            ['a', 'b', 'c', 'd'],
            (x) => c0! * x[0]! * x[1]! + c1! * (x[0]! + x[1]!) + c2! * x[2]! ** 2,
          );
          const background = fromArrays({ a: [0, 1, -1], b: [1, 0, -1], c: [0.5, -1, 2], d: [1, 2, 3] });
          const e = await exactShapley(model, fromArrays({ a: [shared], b: [shared], c: [x2], d: [9] }), {
            background,
          });
          const r = e.rows[0]!;
          // Local accuracy to 1e-12 (a handful of sums of numbers below ~100).
          expect(Math.abs(sum(r.attributions) - (r.prediction - r.baseValue))).toBeLessThan(1e-12);
          expect(Math.abs(r.attributions[0]! - r.attributions[1]!)).toBeLessThan(1e-12);
          expect(r.attributions[3]).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('explains the selected rows and reports their indices', async () => {
    const model = toyModel(['a'], (x) => 2 * x[0]!);
    const data = fromArrays({ a: [1, 2, 3, 4] });
    const e = await exactShapley(model, data, { background: fromArrays({ a: [0] }), rows: [3, 1] });
    expect(e.rows.map((r) => r.row)).toEqual([3, 1]);
    expect(e.rows.map((r) => r.attributions[0])).toEqual([8, 4]);
  });

  it('refuses 40 features and suggests the sampling methods', async () => {
    const names = Array.from({ length: 40 }, (_, j) => `f${j}`);
    const cols = Object.fromEntries(names.map((n) => [n, [0]]));
    const model = toyModel(names, (x) => x[0]!);
    const err = await exactShapley(model, fromArrays(cols), { background: fromArrays(cols) }).catch((e) => e);
    expect(err.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(err.message).toContain('at most 14 features');
    expect(err.hint).toMatch(/permutation.*kernel/);
  });

  it('refuses a background that lacks a model feature, naming it', async () => {
    const model = toyModel(['a', 'b'], (x) => x[0]!);
    const err = await exactShapley(model, fromArrays({ a: [1], b: [2] }), {
      background: fromArrays({ a: [0] }),
    }).catch((e) => e);
    expect(err.code).toBe('AEQ_MODEL_FEATURES');
    expect(err.message).toContain('background lacks 1 column(s) the model reads: b');
  });

  it('refuses a row index out of range and no background', async () => {
    const model = toyModel(['a'], (x) => x[0]!);
    const data = fromArrays({ a: [1, 2] });
    const bad = await exactShapley(model, data, { background: data, rows: [2] }).catch((e) => e);
    expect(bad.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(bad.message).toContain('a row index in 0..1');
    const none = await exactShapley(model, data).catch((e) => e);
    expect(none.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(none.message).toContain('background');
  });

  it('treats a named group of columns as one feature', async () => {
    // f = a + b + c with groups {ab: [a, b]}; background 0: φ_ab = a + b, φ_c = c.
    const model = toyModel(['a', 'b', 'c'], (x) => x[0]! + x[1]! + x[2]!);
    const e = await exactShapley(model, fromArrays({ a: [1], b: [2], c: [4] }), {
      background: fromArrays({ a: [0], b: [0], c: [0] }),
      groups: { ab: ['a', 'b'] },
    });
    expect(e.featureNames).toEqual(['ab', 'c']);
    expect(Array.from(e.rows[0]!.attributions)).toEqual([3, 4]);
    expect(e.rows[0]!.values).toEqual(['a=1, b=2', 4]);
  });

  it('explains a one-hot encoded category as one feature, mixing the dictionaries of data and background', async () => {
    // The data's levels are [z, y], the background's [y]; codes differ, spellings match.
    const model = toyModel(['color', 'n'], (x) => x[1]!);
    const data = fromArrays({ color: ['z', 'y'], n: [5, 6] });
    const background = fromArrays({ color: ['y'], n: [1] });
    const e = await exactShapley(model, data, { background });
    expect(e.rows[0]!.values).toEqual(['z', 5]);
    expect(Array.from(e.rows[1]!.attributions)).toEqual([0, 5]);
  });
});
