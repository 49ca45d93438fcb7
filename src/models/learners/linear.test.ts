import { describe, expect, it } from 'vitest';
import { type AequaError, normalVariate, seededRng } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { loadModelJSON, saveModelJSON } from '../persist.js';
import { type LinearModel, ridgeRegression } from './linear.js';

const t = fromArrays({ x1: [0, 1, 2, 3], x2: [1, 0, 1, 0], y: [1, 2, 4, 3] });

describe('ridgeRegression', () => {
  it('matches a ridge problem solved by hand', async () => {
    const m = await ridgeRegression({ alpha: 1, standardize: false }).fit(t, 'y');
    // By hand: x̄ = (1.5, 0.5), ȳ = 2.5; centred XᵀX = [[5, −1], [−1, 1]], Xᵀy = (4, 0).
    // (XᵀX + I)β = Xᵀy: [[6, −1], [−1, 2]]β = (4, 0), det 11, β = (8/11, 4/11);
    // b = 2.5 − 1.5·8/11 − 0.5·4/11 = 27/22.
    // Tolerance 1e-14: a 2 × 2 Cholesky solve on numbers of size ≤ 6 loses a few ulps at most.
    const beta = m.coefficients;
    expect(Math.abs(beta[0]! - 8 / 11)).toBeLessThan(1e-14);
    expect(Math.abs(beta[1]! - 4 / 11)).toBeLessThan(1e-14);
    expect(Math.abs(m.intercept - 27 / 22)).toBeLessThan(1e-14);
    expect(m.task).toBe('regression');
    expect(m.classes).toEqual([]);
  });

  it('fits a line exactly with alpha 0', async () => {
    const m = await ridgeRegression({ alpha: 0, standardize: false }).fit(
      fromArrays({ x: [0, 1, 2], y: [1, 3, 5] }),
      'y',
    );
    // y = 1 + 2x exactly.
    expect(Math.abs(m.coefficients[0]! - 2)).toBeLessThan(1e-14);
    expect(Math.abs(m.intercept - 1)).toBeLessThan(1e-14);
  });

  it('gives the same model for integer weights as for duplicated rows', async () => {
    const a = await ridgeRegression({ alpha: 0.5 }).fit(
      fromArrays({ x1: [0, 1, 2, 3], x2: [1, 0, 1, 0], y: [1, 2, 4, 3], w: [2, 1, 3, 1] }),
      'y',
      { sampleWeight: 'w' },
    );
    const b = await ridgeRegression({ alpha: 0.5 }).fit(
      fromArrays({ x1: [0, 0, 1, 2, 2, 2, 3], x2: [1, 1, 0, 1, 1, 1, 0], y: [1, 1, 2, 4, 4, 4, 3] }),
      'y',
    );
    // Same normal equations; rounding differs only in summation order (≈1e-15 here).
    const pa = a.parameters();
    const pb = b.parameters();
    for (let j = 0; j < pa.length; j++) expect(Math.abs(pa[j]! - pb[j]!)).toBeLessThan(1e-12);
  });

  it('has a zero loss gradient at the fitted parameters', async () => {
    const rng = seededRng(3);
    const n = 200;
    const cols: Record<string, number[] | string[]> = { a: [], b: [], g: [], y: [] };
    for (let i = 0; i < n; i++) {
      const a = normalVariate(rng);
      const b = normalVariate(rng);
      const g = rng.nextFloat64() < 0.3 ? 'u' : 'v';
      (cols.a as number[]).push(a);
      (cols.b as number[]).push(b);
      (cols.g as string[]).push(g);
      (cols.y as number[]).push(1 + 2 * a - b + (g === 'u' ? 0.5 : 0) + 0.1 * normalVariate(rng));
    }
    const table = fromArrays(cols);
    const m = await ridgeRegression({ alpha: 3 }).fit(table, 'y');
    const g = m.lossGradient(m.preprocessor.transform(table), Float64Array.from(cols.y as number[]));
    // The closed form is exact up to rounding of sums of 200 O(1) terms: ≈1e-14.
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-12);
  });

  it('has loss, per-example and input gradients that match central differences', async () => {
    const m = await ridgeRegression({ alpha: 2 }).fit(t, 'y');
    const x = m.preprocessor.transform(t);
    const y = Float64Array.of(1, 2, 4, 3);
    const w = Float64Array.of(1, 2, 0.5, 1);
    const theta = Float64Array.of(0.4, -1.3, 0.9);
    const at = m.withParameters(theta);
    const h = 1e-6;
    const numeric = (f: (u: Float64Array) => number) =>
      Array.from(theta, (_, j) => {
        const up = Float64Array.from(theta);
        const dn = Float64Array.from(theta);
        up[j] = up[j]! + h;
        dn[j] = dn[j]! - h;
        return (f(up) - f(dn)) / (2 * h);
      });
    // Error budget as in the logistic tests: truncation 0 (the loss is quadratic), rounding
    // ≈ ε·|loss|/h ≈ 1e-10; 1e-7 absolute plus 1e-6 relative.
    const close = (a: ArrayLike<number>, b: number[]) => {
      for (let j = 0; j < b.length; j++)
        expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(b[j]!));
    };
    close(
      at.lossGradient(x, y, w),
      numeric((u) => m.withParameters(u).loss(x, y, w)),
    );
    const per = at.perExampleGradients(x, y);
    const mean = [0, 0, 0];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) mean[j]! += per.data[i * 3 + j]! / 4;
    // Unregularised mean loss = loss − ½λ‖β‖²; its gradient = lossGradient − λβ.
    const full = numeric((u) => m.withParameters(u).loss(x, y));
    close(
      mean,
      full.map((v, j) => (j === 0 ? v : v - m.lambda * theta[j]!)),
    );
    const ig = at.inputGradient(x);
    for (let i = 0; i < 4; i++) expect(Array.from(ig.data.subarray(i * 2, i * 2 + 2))).toEqual([-1.3, 0.9]);
  });

  it('round-trips through JSON with bit-identical predictions', async () => {
    const m = await ridgeRegression({ alpha: 0.3 }).fit(t, 'y');
    const back = loadModelJSON(saveModelJSON(m)) as LinearModel;
    expect(back.kind).toBe('linear');
    const a = await m.predictProba(t);
    const b = await back.predictProba(t);
    for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i])).toBe(true);
    const pa = m.parameters();
    const pb = back.parameters();
    for (let i = 0; i < pa.length; i++) expect(Object.is(pa[i], pb[i])).toBe(true);
  });

  it('rejects a text target with AEQ_DATA_TYPE', async () => {
    expect.assertions(2);
    try {
      await ridgeRegression().fit(fromArrays({ x: [1, 2], y: ['a', 'b'] }), 'y');
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_DATA_TYPE');
      expect((e as Error).message).toMatchInlineSnapshot(
        `"Column "y" is category, but a regression target must be numeric."`,
      );
    }
  });

  it('rejects a negative alpha', () => {
    expect(() => ridgeRegression({ alpha: -1 })).toThrowError(
      expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }) as unknown as Error,
    );
  });
});
