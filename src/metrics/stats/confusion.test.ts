import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AequaError, InvalidArgumentError } from '../../core/index.js';
import { confusionFromArrays, emptyConfusion, mergeConfusion } from './confusion.js';
import type { Confusion } from './types.js';

/** Random rows: (y, ŷ, integer weight); integer weights keep every sum exact, so equality is exact. */
const rowsArb = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 9 })),
  {
    maxLength: 60,
  },
);
const build = (rows: readonly (readonly [number, number, number])[]): Confusion =>
  confusionFromArrays(
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
    rows.map((r) => r[2]),
  );

describe('confusionFromArrays', () => {
  it('counts a 10-row table cell by cell', () => {
    // y:  1 1 1 1 0 0 0 0 0 0
    // ŷ:  1 1 1 0 1 1 0 0 0 0  → tp = 3 (rows 0-2), fn = 1 (row 3), fp = 2 (rows 4-5), tn = 4 (rows 6-9)
    const c = confusionFromArrays([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]);
    expect(c).toEqual({ tp: 3, fp: 2, tn: 4, fn: 1, ntp: 3, nfp: 2, ntn: 4, nfn: 1 });
  });

  it('sums weights per cell and keeps raw counts apart', () => {
    // rows (y, ŷ, w): (1,1,1) → tp; (1,0,2) → fn; (0,1,3) → fp; (0,0,4) → tn; (1,1,0.5) → tp
    const c = confusionFromArrays([1, 1, 0, 0, 1], [1, 0, 1, 0, 1], [1, 2, 3, 4, 0.5]);
    expect(c).toEqual({ tp: 1.5, fp: 3, tn: 4, fn: 2, ntp: 2, nfp: 1, ntn: 1, nfn: 1 });
  });

  it('accepts typed arrays', () => {
    const c = confusionFromArrays(Uint8Array.of(1, 0), Float64Array.of(0, 0));
    expect(c).toEqual({ tp: 0, fp: 0, tn: 1, fn: 1, ntp: 0, nfp: 0, ntn: 1, nfn: 1 });
  });

  it('returns the empty confusion for no rows', () => {
    expect(confusionFromArrays([], [])).toEqual(emptyConfusion);
  });

  it('rejects arrays of different lengths, naming both lengths', () => {
    const run = () => confusionFromArrays([1, 0], [1]);
    expect(run).toThrow(InvalidArgumentError);
    try {
      run();
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_INVALID_ARGUMENT');
      expect((e as AequaError).message).toMatchInlineSnapshot(
        `"Argument "yPred" passed to confusionFromArrays must be of length 2 (as yTrue), got "length 1"."`,
      );
    }
  });

  it('rejects weights of the wrong length', () => {
    expect(() => confusionFromArrays([1, 0], [1, 0], [1])).toThrow(/weights/);
  });

  it('rejects a label that is not 0 or 1 and names its index', () => {
    expect(() => confusionFromArrays([1, 2], [1, 0])).toThrow(/yTrue\[1\].*0 or 1.*got 2/);
    expect(() => confusionFromArrays([1, 0], [0.5, 0])).toThrow(/yPred\[0\]/);
  });

  it('rejects negative, NaN and infinite weights', () => {
    expect(() => confusionFromArrays([1], [1], [-1])).toThrow(/weights\[0\]/);
    expect(() => confusionFromArrays([1], [1], [Number.NaN])).toThrow(/weights\[0\]/);
    expect(() => confusionFromArrays([1], [1], [Number.POSITIVE_INFINITY])).toThrow(/weights\[0\]/);
  });
});

describe('mergeConfusion', () => {
  it('adds every field', () => {
    const a = { tp: 1, fp: 2, tn: 3, fn: 4, ntp: 5, nfp: 6, ntn: 7, nfn: 8 };
    const b = { tp: 10, fp: 20, tn: 30, fn: 40, ntp: 50, nfp: 60, ntn: 70, nfn: 80 };
    expect(mergeConfusion(a, b)).toEqual({
      tp: 11,
      fp: 22,
      tn: 33,
      fn: 44,
      ntp: 55,
      nfp: 66,
      ntn: 77,
      nfn: 88,
    });
  });

  it('has the empty confusion as identity and does not mutate it', () => {
    const a = { tp: 1, fp: 2, tn: 3, fn: 4, ntp: 1, nfp: 1, ntn: 1, nfn: 1 };
    expect(mergeConfusion(emptyConfusion, a)).toEqual(a);
    expect(mergeConfusion(a, emptyConfusion)).toEqual(a);
    expect(Object.isFrozen(emptyConfusion)).toBe(true);
  });

  it('is associative and commutative (integer weights: exact)', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, rowsArb, (x, y, z) => {
        const [a, b, c] = [build(x), build(y), build(z)];
        expect(mergeConfusion(mergeConfusion(a, b), c)).toEqual(mergeConfusion(a, mergeConfusion(b, c)));
        expect(mergeConfusion(a, b)).toEqual(mergeConfusion(b, a));
      }),
    );
  });

  it('merging the confusions of two halves gives the confusion of the whole', () => {
    fc.assert(
      fc.property(rowsArb, fc.nat(), (rows, cut) => {
        const k = rows.length === 0 ? 0 : cut % (rows.length + 1);
        expect(mergeConfusion(build(rows.slice(0, k)), build(rows.slice(k)))).toEqual(build(rows));
      }),
    );
  });

  it('a weight of 2 gives the same weighted cells as duplicating the row', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const unit = rows.map((r) => [r[0], r[1], 1] as const);
        const doubled = build(unit.map((r) => [r[0], r[1], 2] as const));
        const duplicated = build([...unit, ...unit]);
        expect([doubled.tp, doubled.fp, doubled.tn, doubled.fn]).toEqual([
          duplicated.tp,
          duplicated.fp,
          duplicated.tn,
          duplicated.fn,
        ]);
      }),
    );
  });
});
