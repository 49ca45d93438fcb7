import { describe, expect, it } from 'vitest';
import { normalVariate, seededRng } from '../../core/index.js';
import { type Column, fromArrays, type Table } from '../../data/index.js';
import { fitPreprocessor, logisticRegression, ridgeRegression } from '../../models/index.js';
import { exponentiatedGradient } from './exponentiated-gradient.js';
import { encodeSparse, logisticResponder } from './logistic-response.js';
import { demographicParity } from './moments.js';

/** Two number features, one category with 4 levels, binary label; a group column g. */
function data(n: number, seed: number): { table: Table; y: Float64Array } {
  const rng = seededRng(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const c: string[] = [];
  const g: string[] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.nextFloat64() < 0.35;
    const u = normalVariate(rng) * 3 + 10 - (a ? 2 : 0);
    const v = normalVariate(rng);
    const lev = Math.floor(rng.nextFloat64() * 4);
    x1.push(u);
    x2.push(v);
    c.push(`L${lev}`);
    g.push(a ? 'a' : 'b');
    y[i] = 0.5 * (u - 10) + v + (lev === 2 ? 1 : 0) + normalVariate(rng) > 0 ? 1 : 0;
  }
  return { table: fromArrays({ x1, x2, c, g }), y };
}

const features = ['x1', 'x2', 'c'];

function withTarget(t: Table, y: Float64Array): Table {
  const col: Column = { kind: 'category', codes: Int32Array.from(y), levels: ['0', '1'], valid: null };
  return t.withColumn('t', col);
}

describe('encodeSparse', () => {
  it('holds exactly the nonzeros of the dense encoding, across chunk boundaries', () => {
    // 9000 rows cross the 8192-row chunk.
    const { table } = data(9000, 1);
    const pre = fitPreprocessor(table, features);
    const dense = pre.transform(table);
    const s = encodeSparse(pre, table);
    expect(s.rows).toBe(9000);
    expect(s.cols).toBe(dense.cols);
    const back = new Float64Array(dense.data.length);
    let nnz = 0;
    for (let i = 0; i < s.rows; i++)
      for (let p = s.start[i]!; p < s.start[i + 1]!; p++) {
        back[i * s.cols + s.index[p]!] = s.value[p]!;
        if (p > s.start[i]!) expect(s.index[p]!).toBeGreaterThan(s.index[p - 1]!);
      }
    for (let k = 0; k < dense.data.length; k++) if (dense.data[k] !== 0) nnz++;
    expect(s.index.length).toBe(nnz);
    expect(Array.from(back)).toEqual(Array.from(dense.data));
  });
});

describe('logisticResponder', () => {
  const { table, y } = data(1200, 2);

  it('fits the same model as the learner with unit weights', async () => {
    const template = await logisticRegression().fit(withTarget(table, y), 't', { features, positive: ['1'] });
    const r = logisticResponder(template, table, features, 't')!;
    expect(r).not.toBeNull();
    const out = r.fit(y, new Float64Array(y.length).fill(1));
    // Both solve the same strictly convex problem to a gradient norm ≤ 1e-8; the Hessian's smallest
    // eigenvalue is at least the L2 term 1/n ≈ 8e-4, so parameters agree to ~1e-5 and
    // probabilities (slope ≤ 1/4 times ‖x‖ ≲ 5) to ~1e-5; 1e-4 leaves room.
    const a = await out.model.predictProba(table);
    const b = await template.predictProba(table);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
    // Decisions are the model's own probabilities thresholded at 0.5, bit for bit.
    for (let i = 0; i < a.length; i++) expect(out.decisions[i]).toBe(a[i]! >= 0.5 ? 1 : 0);
  });

  it('fits the same model as the learner with other weights when nothing is standardised', async () => {
    const learner = logisticRegression({ standardize: false, C: 0.5 });
    const template = await learner.fit(withTarget(table, y), 't', { features, positive: ['1'] });
    const r = logisticResponder(template, table, features, 't')!;
    // Weights summing to n, as the reductions pass them (the penalty is 1/(C·n) in both fits).
    const w = Float64Array.from(y, (_, i) => (i % 3 === 0 ? 2.5 : 0.25));
    const sw = w.reduce((s, v) => s + v, 0);
    for (let i = 0; i < w.length; i++) w[i] = (w[i]! * w.length) / sw;
    const flipped = Float64Array.from(y, (v, i) => (i % 7 === 0 ? 1 - v : v));
    const out = r.fit(flipped, w);
    const direct = await learner.fit(withTarget(table, flipped), 't', {
      features,
      positive: ['1'],
      sampleWeight: w,
    });
    const a = await out.model.predictProba(table);
    const b = await direct.predictProba(table);
    // Same problem, both solved to gradient norm ≤ 1e-8 (see above): 1e-4.
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
  });

  it('starts from the previous solution: refitting the same problem takes no Newton step', async () => {
    const template = await logisticRegression().fit(withTarget(table, y), 't', { features, positive: ['1'] });
    const r = logisticResponder(template, table, features, 't')!;
    const w = new Float64Array(y.length).fill(1);
    const first = r.fit(y, w).model;
    const again = r.fit(y, w).model;
    expect(first.fitInfo!.iterations).toBeGreaterThan(0);
    expect(again.fitInfo!.iterations).toBe(0);
    expect(again.parameters()).toEqual(first.parameters());
  });

  it('declines models it cannot refit: an L1 penalty, or a regression', async () => {
    const t = withTarget(table, y);
    const l1 = await logisticRegression({ penalty: 'l1' }).fit(t, 't', { features, positive: ['1'] });
    expect(logisticResponder(l1, table, features, 't')).toBeNull();
    const reg = await ridgeRegression().fit(table, 'x1', { features: ['x2', 'c'] });
    expect(logisticResponder(reg, table, ['x2', 'c'], 'x1')).toBeNull();
  });
});

describe('exponentiatedGradient with the encoded logistic oracle', () => {
  it('reaches the same constrained error as refitting through the learner', async () => {
    const { table, y } = data(1500, 3);
    const t = table.withColumn('label', {
      kind: 'category',
      codes: Int32Array.from(y),
      levels: ['no', 'yes'],
      valid: null,
    });
    const opts = { label: 'label', positive: ['yes'], sensitive: 'g', features } as const;
    const c = demographicParity({ eps: 0.02 });
    const fast = await exponentiatedGradient(logisticRegression(), c, t, opts);
    const slow = await exponentiatedGradient(logisticRegression(), c, t, { ...opts, fastLogistic: false });
    expect(fast.satisfied).toBe(true);
    expect(slow.satisfied).toBe(true);
    // The two differ only in the standardisation (unit weights once vs each fit's weights), which moves
    // decisions of rows near the boundary: allow 0.01 of training error (15 of 1500 rows).
    expect(Math.abs(fast.train.objective - slow.train.objective)).toBeLessThan(0.01);
  });
});
