import { describe, expect, it } from 'vitest';
import { seededRng } from '../core/index.js';
import { fromArrays } from '../data/index.js';
import { kmeans } from './kmeans.js';

describe('kmeans', () => {
  it('finds well-separated clusters, represents each by a real row, and weights them by size', () => {
    // Three blobs of 30, 20 and 10 rows around 0, 100 and 200, with a category tied to the blob.
    const x: number[] = [];
    const c: string[] = [];
    const sizes = [30, 20, 10];
    sizes.forEach((n, k) => {
      for (let i = 0; i < n; i++) {
        x.push(100 * k + (i % 5));
        c.push(['lo', 'mid', 'hi'][k]!);
      }
    });
    const s = kmeans(fromArrays({ x, c }), 3, seededRng(4));
    const got = Array.from(s.rows, (r, k) => ({ blob: Math.floor(x[r]! / 100), w: s.weights[k]! })).sort(
      (a, b) => a.blob - b.blob,
    );
    expect(got.map((g) => g.blob)).toEqual([0, 1, 2]);
    expect(got.map((g) => g.w)).toEqual([30 / 60, 20 / 60, 10 / 60]);
    expect(s.table.nrows).toBe(3);
    expect(s.table.column('c').kind).toBe('category');
  });

  it('returns every row when k ≥ rows, and the same summary for the same seed', () => {
    const t = fromArrays({ x: [1, 2, 3] });
    expect(Array.from(kmeans(t, 5, seededRng(0)).weights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const big = fromArrays({ x: Float64Array.from({ length: 200 }, (_, i) => (i * 37) % 101) });
    expect(Array.from(kmeans(big, 7, seededRng(1)).rows)).toEqual(
      Array.from(kmeans(big, 7, seededRng(1)).rows),
    );
  });

  it('refuses k < 1', () => {
    expect(() => kmeans(fromArrays({ x: [1] }), 0, seededRng(0))).toThrow(/positive integer/);
  });
});
