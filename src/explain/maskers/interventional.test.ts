import { describe, expect, it } from 'vitest';
import { fromArrays, isValidAt, type Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import { outputSpec } from '../output.js';
import { toyModel } from '../toy-models.fixture.js';
import { resolveGroups } from './features.js';
import { buildPool, interventionalGame } from './interventional.js';

describe('interventionalGame', () => {
  const data = fromArrays({ a: [1, 2], b: ['x', null], c: [true, false] });
  const background = fromArrays({ a: [10, 20, null], b: ['y', 'x', 'z'], c: [false, false, true] });
  // f = a (0 when missing) + 100·[b = 'x'] + 1000·c, from the table's own columns.
  const model: Model = {
    task: 'regression',
    features: ['a', 'b', 'c'],
    classes: [],
    async predictProba(t: Table) {
      const a = t.column('a');
      const b = t.column('b');
      const c = t.column('c');
      return Float64Array.from({ length: t.nrows }, (_, i) => {
        const av = a.kind === 'number' && isValidAt(a, i) ? a.values[i]! : 0;
        const bx = b.kind === 'category' && isValidAt(b, i) && b.levels[b.codes[i]!] === 'x' ? 100 : 0;
        const cv = c.kind === 'boolean' && isValidAt(c, i) ? 1000 * c.values[i]! : 0;
        return av + bx + cv;
      });
    },
  };

  it('averages f(x_S, z_S̄) over the background, carrying levels and missing cells across', async () => {
    const groups = resolveGroups(model.features);
    const pool = buildPool(model.features, data, background);
    const game = interventionalGame(model, pool, groups, outputSpec(model));
    // Row 0 = (1, 'x', true). S = {a}: mean over z of 1 + 100·[z.b='x'] + 1000·z.c = 1 + 100/3 + 1000/3.
    // S = {b, c}: mean of z.a (missing → 0) + 100 + 1000 = 10 + 1100.
    const v = await game.evaluate(0, Uint8Array.of(1, 0, 0, 0, 1, 1), 2);
    expect(v[0]).toBeCloseTo(1 + 100 / 3 + 1000 / 3, 12);
    expect(v[1]).toBeCloseTo(10 + 1100, 12);
    // Row 1 has b missing: S = {b} gives mean of z.a + 0 + 1000·z.c = 10 + 1000/3.
    const w = await game.evaluate(1, Uint8Array.of(0, 1, 0), 1);
    expect(w[0]).toBeCloseTo(10 + 1000 / 3, 12);
    expect(await game.baseValue()).toBeCloseTo((10 + 20 + 0 + 100 + 1000) / 3, 12);
  });

  it('gives the same values whatever the batch size', async () => {
    const m = toyModel(['a', 'b'], (x) => x[0]! * x[1]! + x[0]!);
    const rows = fromArrays({ a: [1.5], b: [2] });
    const bg = fromArrays({ a: [0, 1, 2, 3, 4], b: [4, 3, 2, 1, 0] });
    const groups = resolveGroups(m.features);
    const masks = Uint8Array.of(0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1);
    const big = await interventionalGame(m, buildPool(m.features, rows, bg), groups, outputSpec(m)).evaluate(
      0,
      masks,
      6,
    );
    const g = interventionalGame(m, buildPool(m.features, rows, bg), groups, outputSpec(m), { batchRows: 7 });
    const small = await g.evaluate(0, masks, 6);
    expect(Array.from(small)).toEqual(Array.from(big));
    expect(g.modelRows).toBe(30);
  });
});
