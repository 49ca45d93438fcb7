import { describe, expect, it } from 'vitest';
import { normalVariate, seededRng, withWarnings } from '../../core/index.js';
import { type CategoryColumn, fromArrays, type Table } from '../../data/index.js';
import { type Learner, logisticRegression, type Model } from '../../models/index.js';
import { lambdaGrid } from './grid.js';
import { gridSearch } from './grid-search.js';
import { demographicParity, equalizedOdds } from './moments.js';

const arrays = (ps: Float64Array[]): number[][] => ps.map((p) => Array.from(p));

describe('lambdaGrid', () => {
  it('spans [−limit, limit) in 1-D like fairlearn: 10 points over limit 2 are −2, −1.6, …, 1.6', () => {
    // Radius ⌊10/2 − 1⌋ = 4 gives 9 points, too few; radius 5 gives −5..5, the first 10 scaled by 2/5.
    const g = arrays(lambdaGrid(1, 10, 2, true)).map(([v]) => v!);
    const expected = [-2, -1.6, -1.2, -0.8, -0.4, 0, 0.4, 0.8, 1.2, 1.6];
    expect(g).toHaveLength(10);
    for (let i = 0; i < 10; i++) expect(g[i]).toBeCloseTo(expected[i]!, 14);
  });

  it('keeps the first points of the L1 ball in lexicographic order in 2-D', () => {
    // Radius ⌊√(10/4) − 1⌋ = 0 → 1 point; radius 1 → 5; radius 2 → 13 ≥ 10, scale 2/2 = 1.
    expect(arrays(lambdaGrid(2, 10, 2, true))).toEqual([
      [-2, 0],
      [-1, -1],
      [-1, 0],
      [-1, 1],
      [0, -2],
      [0, -1],
      [0, 0],
      [0, 1],
      [0, 2],
      [1, -1],
    ]);
  });

  it('uses the non-negative part of the ball for unsigned multipliers', () => {
    // Radius ⌊√6 − 1⌋ = 1 → 3 points; radius 2 → exactly 6, scale 1/2.
    expect(arrays(lambdaGrid(2, 6, 1, false))).toEqual([
      [0, 0],
      [0, 0.5],
      [0, 1],
      [0.5, 0],
      [0.5, 0.5],
      [1, 0],
    ]);
  });

  it('always contains λ = 0, replacing the last point when the first ones miss it', () => {
    // 3-D, 8 points: radius 2, and the 8 lexicographically first points all have a negative first
    // or second coordinate, so the 8th, (0, −1, −1), gives way to the origin.
    const g = arrays(lambdaGrid(3, 8, 2, true));
    expect(g).toHaveLength(8);
    expect(g[7]).toEqual([0, 0, 0]);
    expect(g[6]).toEqual([0, -2, 0]);
    expect(arrays(lambdaGrid(1, 1, 2, true))).toEqual([[0]]);
  });

  it('refuses a bad size, dimension or limit', () => {
    expect(() => lambdaGrid(0, 10, 2, true)).toThrow(
      expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }),
    );
    expect(() => lambdaGrid(1, 0, 2, true)).toThrow(
      expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }),
    );
    expect(() => lambdaGrid(1, 5, 0, true)).toThrow(
      expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }),
    );
  });
});

/**
 * A learner that memorises the reduced labels by row id: its best response is the exact minimiser of
 * the Lagrangian (predict 1 where the cost is negative), so each grid point's decisions can be
 * worked out by hand. It ignores the weights, hence `checkWeights: false`.
 */
const memoriser: Learner = {
  kind: 'memoriser',
  async fit(table: Table, target: string): Promise<Model> {
    const t = table.column(target) as CategoryColumn;
    const id = table.column('id');
    if (id.kind !== 'number') throw new Error('id must be a number column');
    const byId = new Map<number, number>();
    for (let i = 0; i < table.nrows; i++) byId.set(id.values[i]!, t.levels[t.codes[i]!] === '1' ? 1 : 0);
    return {
      task: 'binary',
      features: ['id'],
      classes: ['0', '1'],
      async predictProba(rows: Table) {
        const c = rows.column('id');
        if (c.kind !== 'number') throw new Error('id must be a number column');
        return Float64Array.from(c.values, (v) => byId.get(v) ?? 0);
      },
    };
  },
};

describe('gridSearch', () => {
  // Groups a = rows 0–1, b = rows 2–5; labels y = [0, 0, 1, 1, 1, 0]. The smallest group (a) is left
  // out, so the free multiplier μ sits on b: coef_b = n·(μ/n_b − μ/n) = 6·(μ/4 − μ/6) = μ/2,
  // coef_a = −n·μ/n = −μ; the cost of predicting 1 is (1 − 2y) + coef, and the memoriser predicts 1
  // where it is negative. 9 points over limit 2: μ ∈ {−2, −1.5, …, 2}.
  //   μ ≤ 1:  decisions = y:                  error 0,   rates a 0, b 3/4, all 1/2 → disparity 1/2
  //   μ = 1.5: a: 1 − 1.5 < 0 → 1; b, y=1: −1 + 0.75 < 0 → 1; b, y=0: 1.75 → 0
  //           decisions [1,1,1,1,1,0]:       error 2/6, rates a 1, b 3/4, all 5/6 → disparity 1/6
  //   μ = 2:  a → 1; b, y=1: −1 + 1 = 0 → 0:  decisions [1,1,0,0,0,0]: error 5/6, rates a 1, b 0,
  //           all 1/3 → disparity 2/3
  const tiny = fromArrays({
    id: [0, 1, 2, 3, 4, 5],
    g: ['a', 'a', 'b', 'b', 'b', 'b'],
    y: ['no', 'no', 'yes', 'yes', 'yes', 'no'],
  });
  const tinyOpts = {
    label: 'y',
    positive: ['yes'],
    sensitive: 'g',
    features: ['id'],
    checkWeights: false,
    gridSize: 9,
  } as const;

  it('puts the free multiplier on the larger group and evaluates each grid point as worked out by hand', async () => {
    const r = await gridSearch(memoriser, demographicParity({ eps: 0.05 }), tiny, tinyOpts);
    expect(r.candidates).toHaveLength(9);
    // Constraint rows: [+a, −a, +b, −b]; μ = 1.5 is λ⁺_b = 1.5, μ = −2 is λ⁻_b = 2.
    expect(r.candidates[7]!.lambda).toEqual([0, 0, 1.5, 0]);
    expect(r.candidates[0]!.lambda).toEqual([0, 0, 0, 2]);
    const obj = r.candidates.map((c) => c.train.objective);
    const disp = r.candidates.map((c) => c.train.disparity);
    for (let h = 0; h < 7; h++) {
      expect(obj[h]).toBe(0);
      expect(disp[h]).toBeCloseTo(0.5, 14);
    }
    expect(obj[7]).toBeCloseTo(2 / 6, 14);
    expect(disp[7]).toBeCloseTo(1 / 6, 14);
    expect(obj[8]).toBeCloseTo(5 / 6, 14);
    expect(disp[8]).toBeCloseTo(2 / 3, 14);
  });

  it('chooses the point minimising (1 − w)·error + w·disparity, not the least unfair or the first feasible one', async () => {
    // w = 0.4: 0.6·0 + 0.4·0.5 = 0.2 for μ ≤ 1 (the same decisions, so exactly equal losses: the first,
    // index 0, wins), 0.6·(1/3) + 0.4·(1/6) = 0.2667 for μ = 1.5. (The old rule "most accurate within
    // eps, else least unfair" picked μ = 1.5 here.)
    const less = await withWarnings(() =>
      gridSearch(memoriser, demographicParity({ eps: 0.05 }), tiny, { ...tinyOpts, constraintWeight: 0.4 }),
    );
    expect(less.result.chosen).toBe(0);
    expect(less.result.losses[7]).toBeCloseTo(0.6 / 3 + 0.4 / 6, 14);
    expect(less.result.satisfied).toBe(false);
    expect(less.warnings.map((w) => w.code)).toContain('AEQ_W_CONSTRAINT_NOT_MET');
    // w = 0.6: 0.4·0 + 0.6·0.5 = 0.3 against 0.4·(1/3) + 0.6·(1/6) = 0.2333 → μ = 1.5 (index 7).
    const more = await withWarnings(() =>
      gridSearch(memoriser, demographicParity({ eps: 0.05 }), tiny, { ...tinyOpts, constraintWeight: 0.6 }),
    );
    expect(more.result.chosen).toBe(7);
    expect(more.result.losses[7]).toBeCloseTo(0.4 / 3 + 0.6 / 6, 14);
    expect(more.result.model).toBe(more.result.models[7]);
  });

  it('refuses a constraint weight outside [0, 1]', async () => {
    await expect(
      gridSearch(memoriser, demographicParity(), tiny, { ...tinyOpts, constraintWeight: 1.5 }),
    ).rejects.toMatchObject({ code: 'AEQ_INVALID_ARGUMENT' });
  });

  /** Group a (30 %) has its feature shifted down by 1; the label is 1{x + noise > 0.3}. */
  function biased(n: number, seed: number): Table {
    const rng = seededRng(seed);
    const x = new Float64Array(n);
    const z = new Float64Array(n);
    const g: string[] = [];
    const y: string[] = [];
    for (let i = 0; i < n; i++) {
      const a = rng.nextFloat64() < 0.3;
      x[i] = normalVariate(rng) - (a ? 1 : 0);
      z[i] = normalVariate(rng);
      g.push(a ? 'a' : 'b');
      y.push(x[i]! + 0.8 * normalVariate(rng) > 0.3 ? 'yes' : 'no');
    }
    return fromArrays({ x: Array.from(x), z: Array.from(z), g, y });
  }
  const train = biased(1500, 1);
  const opts = { label: 'y', positive: ['yes'], sensitive: 'g' } as const;

  it('scores every grid model by error and gap recomputed from its own predictions, and picks the minimum', async () => {
    const r = await gridSearch(logisticRegression(), demographicParity({ eps: 0.02 }), train, {
      ...opts,
      gridSize: 15,
    });
    const g = train.column('g') as CategoryColumn;
    const y = train.column('y') as CategoryColumn;
    const losses: number[] = [];
    for (const m of r.models) {
      const p = await m.predictProba(train);
      let wrong = 0;
      const sel = { a: 0, b: 0 };
      const cnt = { a: 0, b: 0 };
      for (let i = 0; i < train.nrows; i++) {
        const d = p[i]! >= 0.5 ? 1 : 0;
        const yi = y.levels[y.codes[i]!] === 'yes' ? 1 : 0;
        if (d !== yi) wrong++;
        const k = g.levels[g.codes[i]!] as 'a' | 'b';
        sel[k] += d;
        cnt[k]++;
      }
      const all = (sel.a + sel.b) / train.nrows;
      const gap = Math.max(Math.abs(sel.a / cnt.a - all), Math.abs(sel.b / cnt.b - all));
      losses.push(0.5 * (wrong / train.nrows) + 0.5 * gap);
    }
    // Counts of 1500 rows: the two computations agree to rounding (1e-12).
    for (let h = 0; h < losses.length; h++) expect(r.losses[h]).toBeCloseTo(losses[h]!, 12);
    expect(losses[r.chosen]).toBeCloseTo(Math.min(...losses), 12);
    // The unconstrained point (λ = 0) is on the grid and is clearly unfair; the chosen one is fairer.
    const zero = r.candidates.findIndex((c) => c.lambda.every((v) => v === 0));
    expect(zero).toBeGreaterThanOrEqual(0);
    expect(r.candidates[zero]!.train.disparity).toBeGreaterThan(0.1);
    expect(r.train.disparity).toBeLessThan(r.candidates[zero]!.train.disparity / 2);
  });

  it('with weight 1 picks the least unfair point and with weight 0 the most accurate one', async () => {
    const c = equalizedOdds({ eps: 0.02 });
    const fair = await withWarnings(() =>
      gridSearch(logisticRegression(), c, train, { ...opts, constraintWeight: 1 }),
    );
    const acc = await withWarnings(() =>
      gridSearch(logisticRegression(), c, train, { ...opts, constraintWeight: 0 }),
    );
    const disp = fair.result.candidates.map((x) => x.train.disparity);
    const obj = acc.result.candidates.map((x) => x.train.objective);
    expect(fair.result.train.disparity).toBe(Math.min(...disp));
    expect(acc.result.train.objective).toBe(Math.min(...obj));
    // Equalized odds with 2 groups: 2 free multipliers (one per label), 10 points of radius 2.
    expect(fair.result.candidates).toHaveLength(10);
  });

  it('gives the same choice and candidates for the same data (deterministic)', async () => {
    const a = await gridSearch(logisticRegression(), demographicParity({ eps: 0.02 }), train, opts);
    const b = await gridSearch(logisticRegression(), demographicParity({ eps: 0.02 }), train, opts);
    expect(b.chosen).toBe(a.chosen);
    expect(b.losses).toEqual(a.losses);
  });
});
