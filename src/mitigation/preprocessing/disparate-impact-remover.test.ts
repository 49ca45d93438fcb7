import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrays, type NumberColumn } from '../../data/index.js';
import { disparateImpactRemover } from './disparate-impact-remover.js';

function values(t: { column(n: string): unknown }, name: string): number[] {
  return Array.from((t.column(name) as NumberColumn).values);
}

describe('disparateImpactRemover', () => {
  const T = fromArrays({
    g: ['A', 'A', 'A', 'B', 'B', 'B'],
    x: [1, 3, 2, 10, 30, 20],
    y: ['n', 'y', 'n', 'y', 'n', 'y'],
  });

  it('moves each group to the median of the groups’ quantiles, by hand', () => {
    // Quantiles u = 1/6, 1/2, 5/6 in both groups; median of two = mean: (1+10)/2, (2+20)/2, (3+30)/2.
    const r = disparateImpactRemover(T, { sensitive: 'g', features: ['x'], repairLevel: 1 });
    expect(values(r.table, 'x')).toEqual([5.5, 16.5, 11, 5.5, 16.5, 11]);
    // λ = ½: A's 1 → (1 + 5.5)/2 = 3.25
    const h = disparateImpactRemover(T, { sensitive: 'g', features: ['x'], repairLevel: 0.5 });
    expect(values(h.table, 'x')[0]).toBeCloseTo(3.25, 14);
    expect(h.table.column('y')).toBe(T.column('y'));
  });

  it('leaves the data unchanged at repair level 0', () => {
    const r = disparateImpactRemover(T, { sensitive: 'g', features: ['x'], repairLevel: 0 });
    expect(values(r.table, 'x')).toEqual(values(T, 'x'));
    expect(r.changes.rowsChanged).toBe(0);
  });

  const groupsOfEqualSize = fc.integer({ min: 1, max: 15 }).chain((m) =>
    // Distinct values within a group: ties share an average rank, which moves them off the common grid.
    fc.array(
      fc.uniqueArray(fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }), {
        minLength: m,
        maxLength: m,
        comparator: (a, b) => a === b,
      }),
      {
        minLength: 2,
        maxLength: 4,
      },
    ),
  );

  it('at repair level 1 makes groups of equal size identical in distribution', () => {
    fc.assert(
      fc.property(groupsOfEqualSize, (gs) => {
        const t = fromArrays({ g: gs.flatMap((v, j) => v.map(() => `g${j}`)), x: gs.flat() });
        const x = values(disparateImpactRemover(t, { sensitive: 'g', features: ['x'] }).table, 'x');
        const m = gs[0]!.length;
        const sorted = gs.map((_, j) => x.slice(j * m, (j + 1) * m).sort((a, b) => a - b));
        for (const s of sorted.slice(1)) expect(s).toEqual(sorted[0]);
      }),
    );
  });

  it('at repair level 1 gives rows at the same within-group quantile the same value, in rank order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: -20, max: 20 })), {
          minLength: 2,
          maxLength: 60,
        }),
        (rows) => {
          fc.pre(new Set(rows.map((r) => r[0])).size >= 2);
          const t = fromArrays({ g: rows.map((r) => r[0]), x: rows.map((r) => r[1]) });
          const x = values(disparateImpactRemover(t, { sensitive: 'g', features: ['x'] }).table, 'x');
          // Within-group quantile of each row: (average rank − ½)/n_g, computed here by counting.
          const u = rows.map(([g, v]) => {
            const same = rows.filter((r) => r[0] === g);
            const below = same.filter((r) => r[1] < v).length;
            const equal = same.filter((r) => r[1] === v).length;
            return (below + (equal + 1) / 2 - 0.5) / same.length;
          });
          for (let i = 0; i < rows.length; i++)
            for (let j = 0; j < rows.length; j++)
              if (u[i]! < u[j]! - 1e-12) expect(x[i]!).toBeLessThanOrEqual(x[j]! + 1e-9);
              else if (Math.abs(u[i]! - u[j]!) < 1e-12)
                expect(Math.abs(x[i]! - x[j]!)).toBeLessThanOrEqual(1e-9);
        },
      ),
    );
  });

  it('keeps each group’s order for any repair level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.double({ min: -100, max: 100, noNaN: true })), {
          minLength: 2,
          maxLength: 40,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, lambda) => {
          fc.pre(new Set(rows.map((r) => r[0])).size === 2);
          const t = fromArrays({ g: rows.map((r) => r[0]), x: rows.map((r) => r[1]) });
          const x = values(
            disparateImpactRemover(t, { sensitive: 'g', features: ['x'], repairLevel: lambda }).table,
            'x',
          );
          for (let i = 0; i < rows.length; i++)
            for (let j = 0; j < rows.length; j++)
              if (rows[i]![0] === rows[j]![0] && rows[i]![1] < rows[j]![1])
                expect(x[i]!).toBeLessThanOrEqual(x[j]! + 1e-9);
        },
      ),
    );
  });

  it('refuses category features and a repair level outside [0, 1]', () => {
    expect(() => disparateImpactRemover(T, { sensitive: 'g', features: ['y'] })).toThrow(
      expect.objectContaining({ code: 'AEQ_DATA_TYPE' }),
    );
    expect(() => disparateImpactRemover(T, { sensitive: 'g', features: ['x'], repairLevel: 1.5 })).toThrow(
      expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }),
    );
  });
});
