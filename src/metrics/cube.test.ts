import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AequaError, MissingColumnError } from '../core/index.js';
import { groupKey, marginalize, totalStats } from './cube.js';
import { emptyConfusion, mergeConfusion } from './stats/confusion.js';
import type { Confusion, StatsCell, StatsCube } from './stats/types.js';

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
const cubeOf = (dims: string[], cells: StatsCell[], task: StatsCube['task'] = 'binary'): StatsCube => ({
  task,
  dims,
  cells,
  rowsSeen: 0,
  rowsDropped: 0,
  producer: 'test',
});

describe('groupKey', () => {
  it("joins values with '&' and writes a missing value as (missing)", () => {
    expect(groupKey(['Black', 'Female'])).toBe('Black&Female');
    expect(groupKey(['Black', null])).toBe('Black&(missing)');
    expect(groupKey([])).toBe('');
  });
});

describe('marginalize', () => {
  const cube = cubeOf(
    ['race', 'sex'],
    [
      { key: ['B', null], confusion: conf(1, 1, 1, 1) },
      { key: ['A', 'F'], confusion: conf(1, 0, 2, 0) },
      { key: ['B', 'F'], confusion: conf(0, 1, 1, 1) },
      { key: ['A', 'M'], confusion: conf(2, 1, 0, 1) },
    ],
  );

  it('merges the cells that agree on one dimension, sorted by key', () => {
    const m = marginalize(cube, ['race']);
    expect([...m.keys()]).toEqual(['A', 'B']);
    // A = (1,0,2,0) + (2,1,0,1); B = (1,1,1,1) + (0,1,1,1)
    expect(m.get('A')).toEqual({ key: { race: 'A' }, cell: { confusion: conf(3, 1, 2, 1) } });
    expect(m.get('B')).toEqual({ key: { race: 'B' }, cell: { confusion: conf(1, 2, 2, 2) } });
  });

  it('keeps a missing value as its own group with a null key', () => {
    const m = marginalize(cube, ['sex']);
    // code-unit order: '(' (0x28) sorts before 'F' and 'M'
    expect([...m.keys()]).toEqual(['(missing)', 'F', 'M']);
    expect(m.get('(missing)')!.key).toEqual({ sex: null });
    expect(m.get('F')!.cell.confusion).toEqual(conf(1, 1, 3, 1));
  });

  it('follows the order of the requested dimensions in the key', () => {
    const m = marginalize(cube, ['sex', 'race']);
    expect([...m.keys()]).toEqual(['(missing)&B', 'F&A', 'F&B', 'M&A']);
    expect(m.get('F&A')!.key).toEqual({ sex: 'F', race: 'A' });
  });

  it('gives the total of all cells for no dimensions', () => {
    expect(totalStats(cube)).toEqual({ confusion: conf(4, 3, 4, 3) });
    expect(totalStats(cubeOf(['race'], []))).toEqual({});
  });

  it('sums regression moments and class matrices', () => {
    const mom = (n: number, s: number) => ({
      n,
      w: n,
      sumPred: s,
      sumTrue: 2 * s,
      sumErr: -s,
      sumAbsErr: s,
      sumSqErr: 3 * s,
    });
    const r = cubeOf(
      ['g'],
      [
        { key: ['a'], regression: mom(2, 1.5) },
        { key: ['a'], regression: mom(3, 2) },
      ],
      'regression',
    );
    expect(totalStats(r).regression).toEqual({
      n: 5,
      w: 5,
      sumPred: 3.5,
      sumTrue: 7,
      sumErr: -3.5,
      sumAbsErr: 3.5,
      sumSqErr: 10.5,
    });
    const k = cubeOf(
      ['g'],
      [
        {
          key: ['a'],
          classes: { k: 2, weighted: Float64Array.of(1, 2, 3, 4), counts: Float64Array.of(1, 1, 1, 1) },
        },
        {
          key: ['b'],
          classes: { k: 2, weighted: Float64Array.of(10, 0, 0, 10), counts: Float64Array.of(5, 0, 0, 5) },
        },
      ],
      'multiclass',
    );
    const t = totalStats(k).classes!;
    expect([...t.weighted]).toEqual([11, 2, 3, 14]);
    expect([...t.counts]).toEqual([6, 1, 1, 6]);
    // the input cells are not modified
    expect([...k.cells[0]!.classes!.weighted]).toEqual([1, 2, 3, 4]);
  });

  it('throws MissingColumnError for a dimension the cube does not have', () => {
    expect.assertions(3);
    try {
      marginalize(cube, ['rase']);
    } catch (e) {
      expect(e).toBeInstanceOf(MissingColumnError);
      expect((e as AequaError).code).toBe('AEQ_DATA_MISSING_COLUMN');
      expect((e as MissingColumnError).suggestion).toBe('race');
    }
  });

  it('throws for a malformed cell key or mismatched class counts', () => {
    expect(() => marginalize(cubeOf(['a', 'b'], [{ key: ['x'], confusion: emptyConfusion }]), ['a'])).toThrow(
      /one value per dimension/,
    );
    const bad = cubeOf(
      ['g'],
      [
        { key: ['a'], classes: { k: 1, weighted: Float64Array.of(1), counts: Float64Array.of(1) } },
        { key: ['a'], classes: { k: 2, weighted: new Float64Array(4), counts: new Float64Array(4) } },
      ],
    );
    expect(() => totalStats(bad)).toThrow(/classes/);
  });
});

// Random cubes over two dimensions with values from small alphabets (null included), integer counts.
const valueArb = fc.constantFrom('x', 'y', 'z', null);
const confArb = fc
  .tuple(fc.nat(5), fc.nat(5), fc.nat(5), fc.nat(5))
  .map(([tp, fp, tn, fn]) => conf(tp, fp, tn, fn));
const cubeArb = fc.array(fc.tuple(valueArb, valueArb, confArb), { maxLength: 20 }).map((cs) =>
  cubeOf(
    ['d0', 'd1'],
    cs.map(([a, b, c]) => ({ key: [a, b], confusion: c })),
  ),
);

describe('properties of marginalize', () => {
  it('summing the groups of any marginal gives the total', () => {
    fc.assert(
      fc.property(cubeArb, fc.constantFrom(['d0'], ['d1'], ['d0', 'd1'], ['d1', 'd0']), (cube, dims) => {
        let sum = emptyConfusion;
        for (const v of marginalize(cube, dims).values()) sum = mergeConfusion(sum, v.cell.confusion!);
        expect(sum).toEqual(totalStats(cube).confusion ?? emptyConfusion);
      }),
    );
  });

  it('does not depend on the order of the cells', () => {
    fc.assert(
      fc.property(cubeArb, (cube) => {
        const reversed = { ...cube, cells: [...cube.cells].reverse() };
        const a = [...marginalize(cube, ['d1', 'd0']).entries()];
        const b = [...marginalize(reversed, ['d1', 'd0']).entries()];
        expect(b).toEqual(a);
      }),
    );
  });

  it('the marginal of a marginal equals the direct marginal', () => {
    fc.assert(
      fc.property(cubeArb, (cube) => {
        const fine = marginalize(cube, ['d0', 'd1']);
        const coarse = cubeOf(
          ['d0', 'd1'],
          [...fine.values()].map((v) => ({
            key: [v.key.d0 ?? null, v.key.d1 ?? null],
            confusion: v.cell.confusion!,
          })),
        );
        expect([...marginalize(coarse, ['d0']).entries()]).toEqual([...marginalize(cube, ['d0']).entries()]);
      }),
    );
  });
});
