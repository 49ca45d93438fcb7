import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrays, toBinary } from '../../data/index.js';
import { massaging } from './massaging.js';

describe('massaging', () => {
  // b: rows 0–9, positives 0, 1 (2 of 10); w: rows 10–19, positives 10–15 (6 of 10).
  const s = [...Array(10).fill('b'), ...Array(10).fill('w')];
  const y = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0].map((v) => (v ? 'yes' : 'no'));
  // The ranker's score of row i is i/20, so b's best negatives are rows 9, 8; w's worst positives rows 10, 11.
  const ranker = Array.from({ length: 20 }, (_, i) => i / 20);
  const T = fromArrays({ s, y });

  it('flips the fewest labels that equalise the base rates: M = disc·n_b·n_w/N', async () => {
    // disc = 0.6 − 0.2 = 0.4, M = 0.4·10·10/20 = 2: b → 4 of 10, w → 4 of 10
    const r = await massaging(T, { label: 'y', sensitive: 's', ranker });
    expect(Array.from(r.promoted)).toEqual([8, 9]);
    expect(Array.from(r.demoted)).toEqual([10, 11]);
    expect(r.changes.rowsChanged).toBe(4);
    expect(r.changes.groups.map((g) => g.baseRateAfter)).toEqual([0.4, 0.4]);
    const after = toBinary(r.table.column('y'), ['yes']).values;
    expect(after[9]).toBe(1);
    expect(after[10]).toBe(0);
    expect(r.changes.details).toMatchObject({ favoured: 'w', modifications: 2 });
  });

  it('with the default logistic ranker still equalises the rates', async () => {
    const x = Array.from({ length: 20 }, (_, i) => (i % 10) + (i >= 10 ? 3 : 0));
    const r = await massaging(fromArrays({ s, x, y }), { label: 'y', sensitive: 's' });
    expect(r.changes.groups.map((g) => g.baseRateAfter)).toEqual([0.4, 0.4]);
  });

  it('makes round(disc·n_b·n_w/N) flips each way and leaves at most the rounding gap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('b', 'w'),
            fc.integer({ min: 0, max: 1 }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          {
            minLength: 4,
            maxLength: 120,
          },
        ),
        async (rows) => {
          const nb = rows.filter((r) => r[0] === 'b').length;
          const nw = rows.length - nb;
          fc.pre(nb > 0 && nw > 0);
          const pb = rows.filter((r) => r[0] === 'b' && r[1] === 1).length;
          const pw = rows.filter((r) => r[0] === 'w' && r[1] === 1).length;
          fc.pre(pb + pw > 0 && pb + pw < rows.length);
          const t = fromArrays({ s: rows.map((r) => r[0]), y: rows.map((r) => r[1]) });
          const res = await massaging(t, { label: 'y', sensitive: 's', ranker: rows.map((r) => r[2]) });
          const [rb, rw] = [pb / nb, pw / nw];
          const [dep, fav, nd, nf, pd, pf] = rb <= rw ? [rb, rw, nb, nw, pb, pw] : [rw, rb, nw, nb, pw, pb];
          const m = Math.min(Math.round(((fav - dep) * nd * nf) / (nd + nf)), nd - pd, pf);
          expect(res.changes.rowsChanged).toBe(2 * m);
          const after = res.changes.groups.map((g) => g.baseRateAfter!);
          if (m === Math.round(((fav - dep) * nd * nf) / (nd + nf)))
            expect(Math.abs(after[0]! - after[1]!)).toBeLessThanOrEqual(0.5 * (1 / nd + 1 / nf) + 1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('asks for the favoured group when there are more than two groups', async () => {
    const t = fromArrays({ s: ['a', 'b', 'c', 'a'], y: [1, 0, 1, 0] });
    await expect(massaging(t, { label: 'y', sensitive: 's', ranker: [0, 0, 0, 0] })).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
    });
    const r = await massaging(t, { label: 'y', sensitive: 's', favoured: 'c', ranker: [0, 0.5, 0, 0] });
    expect(r.changes.details).toMatchObject({ favoured: 'c', deprived: ['a', 'b'] });
  });
});
