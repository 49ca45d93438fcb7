import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../core/index.js';
import { classMatrix, mergeClassMatrices, oneVsRest } from './classes.js';

const K = 4;
const rowsArb = fc.array(
  fc.tuple(
    fc.integer({ min: 0, max: K - 1 }),
    fc.integer({ min: 0, max: K - 1 }),
    fc.integer({ min: 0, max: 5 }),
  ),
  { maxLength: 40 },
);
const build = (rows: readonly (readonly [number, number, number])[]) =>
  classMatrix(
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
    K,
    rows.map((r) => r[2]),
  );
const plain = (m: ReturnType<typeof classMatrix>) => ({
  k: m.k,
  weighted: [...m.weighted],
  counts: [...m.counts],
});

describe('classMatrix', () => {
  it('counts (true, predicted) pairs row-major', () => {
    // pairs (0,0) (1,2) (2,2) (2,1)
    const m = classMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3, [1, 2, 3, 0.5]);
    expect(plain(m)).toEqual({
      k: 3,
      weighted: [1, 0, 0, 0, 0, 2, 0, 0.5, 3],
      counts: [1, 0, 0, 0, 0, 1, 0, 1, 1],
    });
  });

  it('rejects codes outside [0, k) and a bad k', () => {
    expect(() => classMatrix([3], [0], 3)).toThrow(/"yTrue\[0\]".*\[0, 3\)/);
    expect(() => classMatrix([0], [1.5], 3)).toThrow(/"yPred\[0\]"/);
    expect(() => classMatrix([], [], 0)).toThrow(InvalidArgumentError);
  });
});

describe('mergeClassMatrices', () => {
  it('equals the matrix of the concatenated rows and is commutative', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, (a, b) => {
        expect(plain(mergeClassMatrices(build(a), build(b)))).toEqual(plain(build([...a, ...b])));
        expect(plain(mergeClassMatrices(build(a), build(b)))).toEqual(
          plain(mergeClassMatrices(build(b), build(a))),
        );
      }),
    );
  });

  it('rejects matrices with different class counts', () => {
    expect(() => mergeClassMatrices(classMatrix([], [], 2), classMatrix([], [], 3))).toThrow(/k = 3/);
  });
});

describe('oneVsRest', () => {
  it('derives the binary confusion of a class', () => {
    // class 2: tp (2,2) w3; fn (2,1) w0.5; fp (1,2) w2; tn (0,0) w1
    const m = classMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3, [1, 2, 3, 0.5]);
    expect(oneVsRest(m, 2)).toEqual({ tp: 3, fp: 2, tn: 1, fn: 0.5, ntp: 1, nfp: 1, ntn: 1, nfn: 1 });
    // class 0: tp (0,0) w1; everything else is tn
    expect(oneVsRest(m, 0)).toEqual({ tp: 1, fp: 0, tn: 5.5, fn: 0, ntp: 1, nfp: 0, ntn: 3, nfn: 0 });
  });

  it('matches the binary confusion of "y = c" vs "ŷ = c" computed from the rows', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 0, max: K - 1 }), (rows, c) => {
        const e = { tp: 0, fp: 0, tn: 0, fn: 0, ntp: 0, nfp: 0, ntn: 0, nfn: 0 };
        for (const [t, p, w] of rows) {
          const key = t === c ? (p === c ? 'tp' : 'fn') : p === c ? 'fp' : 'tn';
          e[key] += w;
          e[`n${key}` as 'ntp'] += 1;
        }
        expect(oneVsRest(build(rows), c)).toEqual(e);
      }),
    );
  });

  it('rejects a class code outside the matrix', () => {
    expect(() => oneVsRest(classMatrix([], [], 2), 2)).toThrow(/"cls".*\[0, 2\)/);
  });
});
