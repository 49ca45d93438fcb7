import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AequaError } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { reweighing } from './reweighing.js';

// F: 1 of 4 positive, M: 3 of 6 positive; N = 10 with 4 positives.
const T = fromArrays({
  sex: ['F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M', 'M'],
  y: [1, 0, 0, 0, 1, 1, 1, 0, 0, 0],
});

describe('reweighing', () => {
  it('gives each (group, label) cell the weight n_s·n_y / (N·n_sy), computed by hand', () => {
    const r = reweighing(T, { label: 'y', sensitive: 'sex' });
    // F+: 4·4/(10·1) = 1.6, F−: 4·6/(10·3) = 0.8, M+: 6·4/(10·3) = 0.8, M−: 6·6/(10·3) = 1.2
    const w = Object.fromEntries(
      r.cells.map((c) => [`${c.group}${c.label === 'positive' ? '+' : '-'}`, c.weight]),
    );
    expect(w['F+']).toBeCloseTo(1.6, 14);
    expect(w['F-']).toBeCloseTo(0.8, 14);
    expect(w['M+']).toBeCloseTo(0.8, 14);
    expect(w['M-']).toBeCloseTo(1.2, 14);
    expect(Array.from(r.weights.slice(0, 2))).toEqual([r.cells[0]!.weight, r.cells[1]!.weight]);
    expect(r.changes.groups.map((g) => g.baseRateBefore)).toEqual([0.25, 0.5]);
    expect(r.changes.rowsChanged).toBe(10);
  });

  it('makes the weighted label rate of every group equal to the overall rate', () => {
    const rows = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 1 })), {
      minLength: 2,
      maxLength: 200,
    });
    fc.assert(
      fc.property(
        // Every (group, label) cell non-empty: a group without positives keeps rate 0 under any weights.
        rows.filter((r) => {
          const groups = new Set(r.map((x) => x[0]));
          const cells = new Set(r.map((x) => `${x[0]}${x[1]}`));
          return groups.size >= 2 && cells.size === 2 * groups.size;
        }),
        (r) => {
          const t = fromArrays({ g: r.map((x) => x[0]), y: r.map((x) => x[1]) });
          const { weights, changes } = reweighing(t, { label: 'y', sensitive: 'g' });
          const overall = r.filter((x) => x[1] === 1).length / r.length;
          for (const g of changes.groups) {
            // Each group's weighted rate is n_s·n₊/N ÷ n_s: exact up to a few roundings (1e-12).
            expect(Math.abs(g.baseRateAfter! - overall)).toBeLessThan(1e-12);
            expect(Math.abs(g.rowsAfter - g.rowsBefore)).toBeLessThan(1e-9);
          }
          let s = 0;
          for (const w of weights) s += w;
          expect(Math.abs(s - r.length)).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it('refuses a sensitive attribute with a single group', () => {
    expect.assertions(2);
    try {
      reweighing(fromArrays({ g: ['a', 'a'], y: [0, 1] }), { label: 'y', sensitive: 'g' });
    } catch (e) {
      expect(e).toBeInstanceOf(AequaError);
      expect((e as AequaError).code).toBe('AEQ_MITIGATION_SINGLE_GROUP');
    }
  });

  it('refuses a label with missing cells', () => {
    expect(() =>
      reweighing(fromArrays({ g: ['a', 'b'], y: [1, null] }), { label: 'y', sensitive: 'g' }),
    ).toThrow(expect.objectContaining({ code: 'AEQ_DATA_MISSING_VALUES' }));
  });
});
