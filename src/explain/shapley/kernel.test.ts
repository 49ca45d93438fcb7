import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { sigmoid, toyModel } from '../toy-models.fixture.js';
import { kernelDesign, kernelShap } from './kernel.js';

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

// f = x0·x1·x2 + x3² + 2·x4·x5 + x6 (x7, x8, x9 ignored), background = the single row 0.
// Then v(S) = f(x_S, 0): the product x0x1x2 is shared equally by 0, 1, 2; 2x4x5 by 4 and 5; x3² goes
// to 3, x6 to 6, and the ignored features get 0 (Shapley's symmetry and dummy axioms).
const names = Array.from({ length: 10 }, (_, j) => `x${j}`);
const f = (x: Float64Array): number => x[0]! * x[1]! * x[2]! + x[3]! ** 2 + 2 * x[4]! * x[5]! + x[6]!;
const xs = [1.5, -2, 0.5, 1.2, 3, -0.7, 0.9, 4, 5, 6];
const known = [-0.5, -0.5, -0.5, 1.44, -2.1, -2.1, 0.9, 0, 0, 0]; // x0x1x2 = −1.5, 2·x4·x5 = −4.2
const data = fromArrays(Object.fromEntries(names.map((n, j) => [n, [xs[j]!]])));
const background = fromArrays(Object.fromEntries(names.map((n) => [n, [0]])));
const model = toyModel(names, f);

async function error(nsamples: number, seed: number): Promise<number> {
  const e = await kernelShap(model, data, { background, nsamples, seed });
  const phi = e.rows[0]!.attributions;
  let s = 0;
  for (let j = 0; j < 10; j++) s += Math.abs(phi[j]! - known[j]!);
  return s / 10;
}

describe('kernelShap', () => {
  it('enumerates every coalition when the budget allows, with the kernel weights', () => {
    // d = 3: all 6 coalitions; sizes 1 and 2 pair up, π(S) ∝ (d−1)/(C(d,s)·s·(d−s)) = 1/3 for each.
    const design = kernelDesign(3, 100, seededRng(0));
    expect(design.m).toBe(6);
    expect(design.complete).toBe(true);
    for (const w of design.weights) expect(w).toBeCloseTo(1 / 6, 15);
  });

  it('recovers the known Shapley values of a nonlinear function exactly with every coalition', async () => {
    // 2^10 − 2 = 1022 coalitions: the weighted least squares is then the Shapley value (Theorem 2).
    // Tolerance 1e-10: a 9 × 9 Cholesky solve of well-scaled numbers.
    expect(await error(1022, 1)).toBeLessThan(1e-10);
  });

  it('converges to the known values as nsamples grows', async () => {
    // Mean absolute error over 4 seeds; sampling error falls roughly like 1/√nsamples.
    const mean = async (n: number): Promise<number> => {
      let s = 0;
      for (let seed = 0; seed < 4; seed++) s += await error(n, seed);
      return s / 4;
    };
    const small = await mean(40);
    const large = await mean(700);
    expect(large).toBeLessThan(small);
    expect(large).toBeLessThan(0.05);
  });

  it('is locally accurate whatever the budget (efficiency enforced) and reproducible by seed', async () => {
    const a = await kernelShap(model, data, { background, nsamples: 50, seed: 7 });
    const b = await kernelShap(model, data, { background, nsamples: 50, seed: 7 });
    const c = await kernelShap(model, data, { background, nsamples: 50, seed: 8 });
    const r = a.rows[0]!;
    // f(x) − f(0) = −1.5 + 1.44 − 4.2 + 0.9 = −3.36; tolerance: rounding of a 10-term sum.
    expect(r.prediction - r.baseValue).toBeCloseTo(-3.36, 12);
    expect(Math.abs(sum(r.attributions) - (r.prediction - r.baseValue))).toBeLessThan(1e-12);
    expect(Array.from(b.rows[0]!.attributions)).toEqual(Array.from(r.attributions));
    expect(Array.from(c.rows[0]!.attributions)).not.toEqual(Array.from(r.attributions));
    expect(a.parameters.nsamples).toBe(50);
  });

  it('explains on the logit scale when asked, additive in log-odds', async () => {
    // A logistic model of two features over a one-row background: in log-odds it is linear, so the
    // Shapley values are β_j (x_j − z_j) exactly: 2·1 and −1·3.
    const logistic = toyModel(['a', 'b'], (x) => sigmoid(2 * x[0]! - x[1]!), 'binary');
    const e = await kernelShap(logistic, fromArrays({ a: [1], b: [3] }), {
      background: fromArrays({ a: [0], b: [0] }),
      link: 'logit',
    });
    expect(e.link).toBe('logit');
    expect(e.rows[0]!.attributions[0]).toBeCloseTo(2, 10);
    expect(e.rows[0]!.attributions[1]).toBeCloseTo(-3, 10);
    expect(e.rows[0]!.baseValue).toBeCloseTo(0, 12);
  });

  it('summarises a large background by weighted k-means and records it', async () => {
    const n = 300;
    const bg = fromArrays({
      a: Float64Array.from({ length: n }, (_, i) => i % 7),
      b: Float64Array.from({ length: n }, (_, i) => i % 5),
    });
    const additive = toyModel(['a', 'b'], (x) => x[0]! + 2 * x[1]!);
    const e = await kernelShap(additive, fromArrays({ a: [10], b: [10] }), {
      background: bg,
      maxBackground: 20,
    });
    expect(e.parameters.backgroundSummary).toBe('kmeans');
    expect(e.parameters.backgroundUsed).toBeLessThanOrEqual(20);
    // Additive model: φ_a = 10 − E_w[a], φ_b = 2(10 − E_w[b]) over the weighted summary; local accuracy holds.
    const r = e.rows[0]!;
    expect(Math.abs(sum(r.attributions) - (r.prediction - r.baseValue))).toBeLessThan(1e-12);
    // The summary's means stay near the full background's (a: 3, b: 2) — within 0.5 for 20 clusters.
    expect(Math.abs(r.attributions[0]! - 7)).toBeLessThan(0.5);
    expect(Math.abs(r.attributions[1]! - 16)).toBeLessThan(1);
  });

  it('gives exactly 0 to features equal in the row and every background row and fits only the others', async () => {
    // Row with x3 = x7 = x8 = x9 = 0 = the background: 6 features vary, so 2^6 − 2 = 62 coalitions
    // enumerate the reduced game completely and the fit is exact (Theorem 2); over all 10 features a
    // budget of 62 would be a sample. Known values as above with x3 = 0: x3² contributes nothing.
    const row = [1.5, -2, 0.5, 0, 3, -0.7, 0.9, 0, 0, 0];
    const want = [-0.5, -0.5, -0.5, 0, -2.1, -2.1, 0.9, 0, 0, 0];
    const d1 = fromArrays(Object.fromEntries(names.map((n, j) => [n, [row[j]!]])));
    const e = await kernelShap(model, d1, { background, nsamples: 62, seed: 3 });
    const phi = e.rows[0]!.attributions;
    for (const j of [3, 7, 8, 9]) expect(phi[j]).toBe(0);
    // Tolerance 1e-10: a 5 × 5 Cholesky solve of well-scaled numbers.
    for (let j = 0; j < 10; j++) expect(Math.abs(phi[j]! - want[j]!)).toBeLessThan(1e-10);
    expect(e.parameters.constantFeaturesSkipped).toBe(4);
    // 62 coalitions × 1 background row, plus the row and the background themselves.
    expect(e.parameters.modelRows).toBeLessThanOrEqual(62 + 2);
  });
});
