import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrays, type NumberColumn } from '../../data/index.js';
import { correlationRemover } from './correlation-remover.js';

function values(t: { column(n: string): unknown }, name: string): number[] {
  return Array.from((t.column(name) as NumberColumn).values);
}

/** Sample covariance of x with an indicator (s === level). */
function covWith(x: number[], s: string[], level: string): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const ind = s.map((v) => (v === level ? 1 : 0));
  const mi = ind.reduce((a: number, b) => a + b, 0) / n;
  let c = 0;
  for (let i = 0; i < n; i++) c += (x[i]! - mx) * (ind[i]! - mi);
  return c / n;
}

describe('correlationRemover', () => {
  it('subtracts the group mean and adds back the overall mean with one sensitive column, by hand', () => {
    // A mean 2, B mean 20, overall 11: A → x − 2 + 11, B → x − 20 + 11
    const t = fromArrays({ g: ['A', 'A', 'A', 'B', 'B', 'B'], x: [1, 2, 3, 10, 20, 30] });
    const r = correlationRemover(t, { sensitive: 'g', features: ['x'] });
    const x = values(r.table, 'x');
    for (const [i, want] of [10, 11, 12, 1, 11, 21].entries()) expect(x[i]).toBeCloseTo(want, 12);
    // α = ½ moves halfway: A's 1 → 1 − ½·(2 − 11) = 5.5
    expect(
      values(correlationRemover(t, { sensitive: 'g', features: ['x'], alpha: 0.5 }).table, 'x')[0],
    ).toBeCloseTo(5.5, 12);
  });

  it('leaves no linear correlation with any group indicator at alpha 1, for two sensitive columns', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('a', 'b', 'c'),
            fc.constantFrom('u', 'v'),
            fc.double({ min: -100, max: 100, noNaN: true }),
          ),
          { minLength: 6, maxLength: 80 },
        ),
        (rows) => {
          fc.pre(new Set(rows.map((r) => r[0])).size >= 2 && new Set(rows.map((r) => r[1])).size === 2);
          const s1 = rows.map((r) => r[0]);
          const s2 = rows.map((r) => r[1]);
          const t = fromArrays({ s1, s2, x: rows.map((r) => r[2]) });
          const x = values(correlationRemover(t, { sensitive: ['s1', 's2'], features: ['x'] }).table, 'x');
          // Covariances are O(100) before; after the projection rounding leaves ~1e-12 relative.
          for (const l of ['a', 'b', 'c']) expect(Math.abs(covWith(x, s1, l))).toBeLessThan(1e-9);
          for (const l of ['u', 'v']) expect(Math.abs(covWith(x, s2, l))).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it('leaves the data unchanged at alpha 0 and keeps missing cells missing', () => {
    const t = fromArrays({ g: ['A', 'B', 'A', 'B'], x: [1, null, 3, 8] });
    const r0 = correlationRemover(t, { sensitive: 'g', features: ['x'], alpha: 0 });
    expect(values(r0.table, 'x')).toEqual(values(t, 'x'));
    const r1 = correlationRemover(t, { sensitive: 'g', features: ['x'] });
    expect((r1.table.column('x') as NumberColumn).valid?.isValid(1)).toBe(false);
    // Valid rows: A {1, 3} mean 2, B {8}, overall 4: A → 3, 5; B → 4
    expect(values(r1.table, 'x')[0]).toBeCloseTo(3, 12);
    expect(values(r1.table, 'x')[3]).toBeCloseTo(4, 12);
  });

  it('refuses a category feature', () => {
    const t = fromArrays({ g: ['A', 'B'], c: ['x', 'y'] });
    expect(() => correlationRemover(t, { sensitive: 'g', features: ['c'] })).toThrow(
      expect.objectContaining({ code: 'AEQ_DATA_TYPE' }),
    );
  });
});
