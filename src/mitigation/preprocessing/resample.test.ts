import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import { fromArrays, type Table, toBinary } from '../../data/index.js';
import { resample } from './resample.js';

// Cells: F+ 1, F− 3, M+ 3, M− 3 (10 rows).
const T = fromArrays({
  sex: ['F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M', 'M'],
  y: [1, 0, 0, 0, 1, 1, 1, 0, 0, 0],
  id: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
});

function cells(t: Table): Record<string, number> {
  const s = t.column('sex');
  const y = toBinary(t.column('y'), ['1']).values;
  const out: Record<string, number> = {};
  for (let i = 0; i < t.nrows; i++) {
    const key = `${s.kind === 'category' ? s.levels[s.codes[i]!] : '?'}${y[i] ? '+' : '-'}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('resample', () => {
  it('undersamples every (group, label) cell to the smallest cell', () => {
    const r = resample(T, { label: 'y', sensitive: 'sex', strategy: 'undersample', rng: seededRng(1) });
    expect(cells(r.table)).toEqual({ 'F+': 1, 'F-': 1, 'M+': 1, 'M-': 1 });
    expect(r.changes.rowsAfter).toBe(4);
    expect(r.changes.rowsChanged).toBe(6); // 6 rows dropped
  });

  it('oversamples every cell to the largest cell, keeping every original row', () => {
    const r = resample(T, { label: 'y', sensitive: 'sex', strategy: 'oversample', rng: seededRng(1) });
    expect(cells(r.table)).toEqual({ 'F+': 3, 'F-': 3, 'M+': 3, 'M-': 3 });
    expect(new Set(r.rows)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(r.changes.rowsChanged).toBe(2); // two extra copies of the F+ row
  });

  it('is reproducible for a seed', () => {
    const a = resample(T, { label: 'y', sensitive: 'sex', strategy: 'undersample', rng: seededRng(5) });
    const b = resample(T, { label: 'y', sensitive: 'sex', strategy: 'undersample', rng: seededRng(5) });
    expect(Array.from(a.rows)).toEqual(Array.from(b.rows));
  });

  it('with balance labelRate brings every group to the overall base rate, up to rounding', () => {
    const rows = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 1 })), {
      minLength: 20,
      maxLength: 300,
    });
    fc.assert(
      fc.property(
        rows.filter((r) => {
          const seen = new Set(r.map((x) => `${x[0]}${x[1]}`));
          return ['a0', 'a1', 'b0', 'b1', 'c0', 'c1'].every((c) => seen.has(c));
        }),
        fc.constantFrom('undersample' as const, 'oversample' as const),
        fc.integer({ min: 0, max: 1000 }),
        (r, strategy, seed) => {
          const t = fromArrays({ g: r.map((x) => x[0]), y: r.map((x) => x[1]) });
          const res = resample(t, {
            label: 'y',
            sensitive: 'g',
            strategy,
            balance: 'labelRate',
            rng: seededRng(seed),
          });
          const overall = r.filter((x) => x[1] === 1).length / r.length;
          for (const g of res.changes.groups) {
            // Each cell target is rounded by at most ½ a row: the rate moves by at most 1/rows of the group.
            expect(Math.abs(g.baseRateAfter! - overall)).toBeLessThanOrEqual(1 / g.rowsAfter + 1e-12);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses to balance a group with no positive rows', () => {
    const t = fromArrays({ g: ['a', 'a', 'b', 'b'], y: [0, 0, 0, 1] });
    expect(() =>
      resample(t, { label: 'y', sensitive: 'g', strategy: 'oversample', rng: seededRng(1) }),
    ).toThrow(expect.objectContaining({ code: 'AEQ_DATA_EMPTY' }));
  });
});
