/**
 * Test fixture of the DP training tests: a seeded, linearly separable two-feature classification table
 * with a margin, so that a non-private learner reaches accuracy 1 and DP noise is the only thing to blame.
 */
import { normalVariate, seededRng } from '../../core/index.js';
import { fromArrays, type Table } from '../../data/index.js';

/**
 * Linearly separable with a margin: y = yes iff x1 − x2 > 0, rows with |x1 − x2| < 0.3 dropped; with `cat`
 * also a category column c cycling u, v, w.
 * @example separable(100, 1).nrows // 100
 */
export function separable(n: number, seed: number, cat = false): Table {
  const rng = seededRng(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const c: string[] = [];
  const y: string[] = [];
  while (y.length < n) {
    const a = normalVariate(rng);
    const b = normalVariate(rng);
    if (Math.abs(a - b) < 0.3) continue;
    x1.push(a);
    x2.push(b);
    c.push(['u', 'v', 'w'][y.length % 3]!);
    y.push(a - b > 0 ? 'yes' : 'no');
  }
  return cat ? fromArrays({ x1, x2, c, y }) : fromArrays({ x1, x2, y });
}
