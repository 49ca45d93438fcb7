import { describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { toyModel } from '../toy-models.fixture.js';
import { exactShapley } from './exact.js';
import { permutationShap } from './permutation.js';

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

describe('permutationShap', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  // A nonlinear function with three-way interactions (an antithetic pair is exact for games with only
  // pairwise interactions, so those would not show convergence); e is ignored.
  const f = (x: Float64Array): number =>
    Math.tanh(x[0]! * x[1]! * x[2]!) + x[2]! * x[3]! ** 2 * x[1]! + x[0]!;
  const model = toyModel(names, f);
  const background = fromArrays({ a: [0, 1, -1], b: [1, 0, 2], c: [0, 1, 1], d: [-1, 0, 1], e: [3, 4, 5] });
  const data = fromArrays({ a: [1.2, -0.4], b: [0.3, 2], c: [-1, 0.5], d: [2, 1], e: [0, 0] });

  it('is locally accurate for any number of orders and gives an ignored feature exactly zero', async () => {
    const e = await permutationShap(model, data, { background, npermutations: 1, seed: 3 });
    for (const r of e.rows) {
      // Each order telescopes from v(∅) to v(all): only rounding of 5-term sums remains.
      expect(Math.abs(sum(r.attributions) - (r.prediction - r.baseValue))).toBeLessThan(1e-12);
      expect(r.attributions[4]).toBe(0);
    }
  });

  it('is exact for two features with one antithetic pair (both orders are all the orders)', async () => {
    const two = toyModel(['a', 'b'], (x) => x[0]! * x[1]!);
    const bg = fromArrays({ a: [0, 2], b: [0, 2] });
    const e = await permutationShap(two, fromArrays({ a: [1], b: [3] }), {
      background: bg,
      npermutations: 1,
    });
    // Worked by hand in exact.test.ts: φ = (−0.5, 1.5).
    expect(e.rows[0]!.attributions[0]).toBeCloseTo(-0.5, 14);
    expect(e.rows[0]!.attributions[1]).toBeCloseTo(1.5, 14);
  });

  it('approaches exact enumeration as the number of orders grows, and is reproducible by seed', async () => {
    const exact = await exactShapley(model, data, { background });
    const err = async (pairs: number, seed: number): Promise<number> => {
      const e = await permutationShap(model, data, { background, npermutations: pairs, seed });
      let s = 0;
      e.rows.forEach((r, i) => {
        for (let j = 0; j < 5; j++) s += Math.abs(r.attributions[j]! - exact.rows[i]!.attributions[j]!);
      });
      return s;
    };
    let few = 0;
    let many = 0;
    for (let seed = 0; seed < 3; seed++) {
      few += await err(1, seed);
      many += await err(200, seed);
    }
    expect(many).toBeLessThan(few);
    expect(many / 30).toBeLessThan(0.02); // mean abs error per attribution after 400 orders
    const a = await permutationShap(model, data, { background, seed: 5, npermutations: 3 });
    const b = await permutationShap(model, data, { background, seed: 5, npermutations: 3 });
    expect(Array.from(a.rows[1]!.attributions)).toEqual(Array.from(b.rows[1]!.attributions));
  });
});
