import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AequaError, normalVariate, seededRng, withWarnings } from '../../core/index.js';
import { fromArrays, type Table } from '../../data/index.js';
import { loadTable } from '../../data/io/index.js';
import type { Matrix } from '../model.js';
import { loadModelJSON, saveModelJSON } from '../persist.js';
import { type LogisticModel, logisticRegression } from './logistic.js';

// A small non-separable problem: two features, binary label, uneven weights.
const X1 = [0.5, -1.2, 2.3, 0.1, -0.7, 1.8, -2.2, 0.9, 1.1, -0.3, 0.0, 2.9];
const X2 = [1.0, 0.4, -0.6, 2.2, -1.5, 0.3, 0.8, -0.9, 1.7, -2.1, 0.6, -0.2];
const Y = [1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1];
const W = [1, 2, 0.5, 1, 1.5, 1, 3, 1, 0.25, 1, 2, 1];
const small = fromArrays({ x1: X1, x2: X2, y: Y, w: W });

/**
 * Independent reference: plain Newton on arrays for
 * Σw·(log(1 + e^η) − yη)/Σw + λ/2·(β₁² + β₂²), η = b + β₁x₁ + β₂x₂, 3 × 3 solve by Cramer's rule.
 */
function referenceNewton(lambda: number): number[] {
  let t = [0, 0, 0];
  const sw = W.reduce((a, b) => a + b, 0);
  for (let it = 0; it < 50; it++) {
    const g = [0, 0, 0];
    const h = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    for (let i = 0; i < X1.length; i++) {
      const xi = [1, X1[i]!, X2[i]!];
      const eta = t[0]! + t[1]! * xi[1]! + t[2]! * xi[2]!;
      const p = 1 / (1 + Math.exp(-eta));
      for (let a = 0; a < 3; a++) {
        g[a]! += (W[i]! * (p - Y[i]!) * xi[a]!) / sw;
        for (let b = 0; b < 3; b++) h[a]![b]! += (W[i]! * p * (1 - p) * xi[a]! * xi[b]!) / sw;
      }
    }
    for (let a = 1; a < 3; a++) {
      g[a]! += lambda * t[a]!;
      h[a]![a]! += lambda;
    }
    const det = (m: number[][]) =>
      m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
      m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
      m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
    const d = det(h);
    const step = [0, 1, 2].map((c) => det(h.map((row, r) => row.map((v, k) => (k === c ? g[r]! : v)))) / d);
    t = t.map((v, k) => v - step[k]!);
  }
  return t;
}

function expectBitEqual(a: Float64Array, b: Float64Array): void {
  expect(b.length).toBe(a.length);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (Object.is(a[i], b[i])) same++;
  expect(same).toBe(a.length);
}

/** Central-difference gradient of `loss` at `theta` (step 1e-6). */
function numericGradient(f: (t: Float64Array) => number, theta: Float64Array): Float64Array {
  const h = 1e-6;
  const g = new Float64Array(theta.length);
  for (let j = 0; j < theta.length; j++) {
    const tp = Float64Array.from(theta);
    const tm = Float64Array.from(theta);
    tp[j] = tp[j]! + h;
    tm[j] = tm[j]! - h;
    g[j] = (f(tp) - f(tm)) / (2 * h);
  }
  return g;
}

/**
 * Central differences with h = 1e-6 err by O(h²·f''') ≈ 1e-12 (truncation) plus about
 * ε·|f|/h ≈ 1e-16/1e-6 = 1e-10 (rounding); 1e-6 relative plus 1e-7 absolute leaves a wide margin
 * while still catching any wrong term (a missing factor changes entries by O(1e-2) or more).
 */
function expectGradientsClose(analytic: Float64Array, numeric: Float64Array): void {
  for (let j = 0; j < analytic.length; j++) {
    expect(Math.abs(analytic[j]! - numeric[j]!)).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(numeric[j]!));
  }
}

function multiTable(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const a: number[] = [];
  const b: number[] = [];
  const c: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = normalVariate(rng);
    const v = normalVariate(rng);
    const g = rng.nextFloat64() < 0.5 ? 'p' : 'q';
    const s = [u + 0.3 * normalVariate(rng), v + 0.3 * normalVariate(rng), -u - v + 0.3 * normalVariate(rng)];
    y.push(['red', 'green', 'blue'][s.indexOf(Math.max(...s))]!);
    a.push(u);
    b.push(v);
    c.push(g);
  }
  return fromArrays({ a, b, c, y });
}

describe('logisticRegression (binary)', () => {
  it('finds the same L2 coefficients as an independent Newton solution, to 1e-6', async () => {
    const C = 0.7;
    const model = await logisticRegression({ C, standardize: false }).fit(small, 'y', {
      features: ['x1', 'x2'],
      sampleWeight: 'w',
    });
    const sw = W.reduce((a, b) => a + b, 0);
    const ref = referenceNewton(1 / (C * sw));
    // Both solve the same smooth convex problem to a gradient norm ≤ 1e-8; a 1e-6 gap would need a
    // different objective (wrong λ, weights or intercept penalty), not rounding.
    const got = [model.intercept[0]!, ...model.coefficients()];
    for (let j = 0; j < 3; j++) expect(Math.abs(got[j]! - ref[j]!)).toBeLessThan(1e-6);
    expect(model.fitInfo?.solver).toBe('newton');
    expect(model.fitInfo?.converged).toBe(true);
    expect(model.classes).toEqual(['0', '1']);
  });

  it('finds the unpenalised maximum-likelihood solution with penalty none', async () => {
    const model = await logisticRegression({ penalty: 'none', standardize: false }).fit(small, 'y', {
      features: ['x1', 'x2'],
      sampleWeight: 'w',
    });
    const ref = referenceNewton(0);
    const got = [model.intercept[0]!, ...model.coefficients()];
    for (let j = 0; j < 3; j++) expect(Math.abs(got[j]! - ref[j]!)).toBeLessThan(1e-6);
  });

  it('gives the same model for integer weights as for duplicated rows', async () => {
    const w = [2, 1, 3, 1, 1, 2, 1, 1, 2, 1, 1, 1];
    const dup: Record<string, number[]> = { x1: [], x2: [], y: [] };
    w.forEach((k, i) => {
      for (let r = 0; r < k; r++) {
        dup.x1!.push(X1[i]!);
        dup.x2!.push(X2[i]!);
        dup.y!.push(Y[i]!);
      }
    });
    const learner = logisticRegression({ C: 2 });
    const a = await learner.fit(fromArrays({ x1: X1, x2: X2, y: Y, w }), 'y', { sampleWeight: 'w' });
    const b = await learner.fit(fromArrays(dup), 'y');
    // Same objective (Σw equal, so λ equal; weighted moments equal duplicated ones); both solved to
    // ‖∇‖ ≤ 1e-8, so parameters agree to well under 1e-7.
    const pa = a.parameters();
    const pb = b.parameters();
    for (let j = 0; j < pa.length; j++) expect(Math.abs(pa[j]! - pb[j]!)).toBeLessThan(1e-7);
  });

  it('sets irrelevant coefficients exactly to zero under L1, with the KKT conditions holding', async () => {
    const rng = seededRng(11);
    const n = 400;
    const cols: Record<string, number[]> = { x1: [], n1: [], n2: [], n3: [], n4: [], y: [] };
    for (let i = 0; i < n; i++) {
      const x1 = normalVariate(rng);
      cols.x1!.push(x1);
      for (const k of ['n1', 'n2', 'n3', 'n4']) cols[k]!.push(normalVariate(rng));
      cols.y!.push(rng.nextFloat64() < 1 / (1 + Math.exp(-2 * x1)) ? 1 : 0);
    }
    // λ = 1/(C·n) = 0.1: well above the O(0.5/√n) ≈ 0.025 gradient that pure-noise features show
    // at the optimum, well below the gradient of x1 (true coefficient 2).
    const C = 0.025;
    const model = await logisticRegression({ penalty: 'l1', C }).fit(fromArrays(cols), 'y');
    expect(model.fitInfo?.solver).toBe('owlqn');
    expect(model.fitInfo?.converged).toBe(true);
    const beta = model.coefficients();
    expect(model.preprocessor.outputNames).toEqual(['x1', 'n1', 'n2', 'n3', 'n4']);
    expect(Math.abs(beta[0]!)).toBeGreaterThan(0.5);
    expect(Array.from(beta.subarray(1))).toEqual([0, 0, 0, 0]);
    // KKT, computed here from the encoded data: |∂(mean log-loss)/∂β_j| ≤ λ at zero coefficients,
    // and = λ·sign(β_j) at non-zero ones (to the solver's 1e-8 tolerance, checked at 1e-6).
    const x = model.preprocessor.transform(fromArrays(cols));
    const lambda = 1 / (C * n);
    const p = model.forward(x);
    for (let j = 0; j < 5; j++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += ((p[i]! - cols.y![i]!) * x.data[i * 5 + j]!) / n;
      if (beta[j] === 0) expect(Math.abs(g)).toBeLessThanOrEqual(lambda + 1e-6);
      else expect(Math.abs(g + lambda * Math.sign(beta[j]!))).toBeLessThan(1e-6);
    }
  });

  it('has loss gradients that match central differences (L2 and elastic net)', async () => {
    for (const opts of [
      { penalty: 'l2' as const, C: 0.5 },
      { penalty: 'elasticnet' as const, C: 0.5, l1Ratio: 0.3 },
    ]) {
      const m = await logisticRegression(opts).fit(small, 'y', { features: ['x1', 'x2'], sampleWeight: 'w' });
      const x = m.preprocessor.transform(small);
      const y = Float64Array.from(Y);
      const w = Float64Array.from(W);
      // Away from the optimum and from 0, where the L1 term is differentiable.
      const theta = Float64Array.of(0.3, -0.8, 1.1);
      const at = m.withParameters(theta);
      const numeric = numericGradient((t) => m.withParameters(t).loss(x, y, w), theta);
      expectGradientsClose(at.lossGradient(x, y, w), numeric);
    }
  });

  it('has per-example gradients whose mean is the unregularised loss gradient', async () => {
    const m = await logisticRegression({ penalty: 'none' }).fit(small, 'y', { features: ['x1', 'x2'] });
    const at = m.withParameters(Float64Array.of(0.2, 0.5, -0.4));
    const x = at.preprocessor.transform(small);
    const y = Float64Array.from(Y);
    const per = at.perExampleGradients(x, y);
    const numeric = numericGradient((t) => m.withParameters(t).loss(x, y), at.parameters());
    const mean = new Float64Array(3);
    for (let i = 0; i < per.rows; i++)
      for (let j = 0; j < 3; j++) mean[j]! += per.data[i * 3 + j]! / per.rows;
    expectGradientsClose(mean, numeric);
  });

  it('has input gradients that match central differences of the probability', async () => {
    const m = await logisticRegression().fit(small, 'y', { features: ['x1', 'x2'] });
    checkInputGradient(m, m.preprocessor.transform(small), 0);
  });

  it('reaches at least 0.84 accuracy on the Adult test split', async () => {
    const dir = resolve(import.meta.dirname, '../../../examples/data');
    const train = await loadTable(resolve(dir, 'adult-train.csv'));
    const test = await loadTable(resolve(dir, 'adult-test.csv'));
    const model = await logisticRegression().fit(train, 'income', { positive: ['>50K'] });
    expect(model.fitInfo?.converged).toBe(true);
    const p = await model.predictProba(test);
    const y = test.column('income');
    if (y.kind !== 'category') throw new Error('income should load as text');
    let right = 0;
    for (let i = 0; i < test.nrows; i++) {
      const positive = y.levels[y.codes[i]!] === '>50K';
      if (p[i]! >= 0.5 === positive) right++;
    }
    const acc = right / test.nrows;
    console.info(`Adult test accuracy of logistic regression (C = 1): ${acc.toFixed(4)}`);
    expect(acc).toBeGreaterThanOrEqual(0.84);
  }, 60_000);

  it('keeps the intercept at zero when fitIntercept is false', async () => {
    const m = await logisticRegression({ fitIntercept: false }).fit(small, 'y', { features: ['x1', 'x2'] });
    expect(m.intercept[0]).toBe(0);
    expect(m.fitInfo?.converged).toBe(true);
  });

  it('warns with AEQ_W_NOT_CONVERGED when the iteration limit stops the fit', async () => {
    const { warnings } = await withWarnings(() =>
      logisticRegression({ maxIter: 1 }).fit(small, 'y', { features: ['x1', 'x2'] }),
    );
    expect(warnings.map((w) => w.code)).toEqual(['AEQ_W_NOT_CONVERGED']);
  });

  it('rejects C ≤ 0 with AEQ_INVALID_ARGUMENT', () => {
    let err: AequaError | undefined;
    try {
      logisticRegression({ C: 0 });
    } catch (e) {
      err = e as AequaError;
    }
    expect(err?.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(err?.message).toMatchInlineSnapshot(
      `"Argument "C" passed to logisticRegression must be a finite number > 0, got 0 (number)."`,
    );
  });
});

describe('logisticRegression (multinomial)', () => {
  it('reaches a stationary point of the softmax objective (gradient recomputed here)', async () => {
    const t = multiTable(300, 4);
    const C = 0.5;
    const m = await logisticRegression({ C }).fit(t, 'y');
    expect(m.task).toBe('multiclass');
    expect(m.classes).toEqual(['blue', 'green', 'red']);
    expect(m.fitInfo?.solver).toBe('lbfgs');
    expect(m.fitInfo?.converged).toBe(true);
    const x = m.preprocessor.transform(t);
    const p = m.forward(x);
    const yCol = t.column('y');
    if (yCol.kind !== 'category') throw new Error('y should be text');
    const cls = (i: number) => m.classes.indexOf(yCol.levels[yCol.codes[i]!]!);
    const d = x.cols;
    const lambda = 1 / (C * 300);
    const theta = m.parameters();
    let maxAbs = 0;
    for (let k = 0; k < 3; k++) {
      for (let j = -1; j < d; j++) {
        let g = 0;
        for (let i = 0; i < 300; i++)
          g += ((p[i * 3 + k]! - (cls(i) === k ? 1 : 0)) * (j < 0 ? 1 : x.data[i * d + j]!)) / 300;
        if (j >= 0) g += lambda * theta[k * (d + 1) + 1 + j]!;
        maxAbs = Math.max(maxAbs, Math.abs(g));
      }
    }
    // The solver stops at ‖∇‖₂ ≤ 1e-8·max(1, ‖∇₀‖₂) with ‖∇₀‖ of order 1.
    expect(maxAbs).toBeLessThan(1e-7);
    for (let i = 0; i < 300; i++)
      expect(Math.abs(p[i * 3]! + p[i * 3 + 1]! + p[i * 3 + 2]! - 1)).toBeLessThan(1e-15);
  });

  it('has loss, per-example and input gradients that match central differences', async () => {
    const t = multiTable(40, 5);
    const m = await logisticRegression({ penalty: 'elasticnet', C: 2, l1Ratio: 0.4 }).fit(t, 'y');
    const x = m.preprocessor.transform(t);
    const yCol = t.column('y');
    if (yCol.kind !== 'category') throw new Error('y should be text');
    const y = Float64Array.from({ length: 40 }, (_, i) => m.classes.indexOf(yCol.levels[yCol.codes[i]!]!));
    const rng = seededRng(9);
    const theta = Float64Array.from({ length: m.parameterCount }, () => 0.2 + rng.nextFloat64());
    const at = m.withParameters(theta);
    expectGradientsClose(
      at.lossGradient(x, y),
      numericGradient((u) => m.withParameters(u).loss(x, y), theta),
    );
    const none = await logisticRegression({ penalty: 'none', maxIter: 5 }).fit(t, 'y');
    const at0 = none.withParameters(theta);
    const per = at0.perExampleGradients(x, y);
    const mean = new Float64Array(per.cols);
    for (let i = 0; i < per.rows; i++)
      for (let j = 0; j < per.cols; j++) mean[j]! += per.data[i * per.cols + j]! / per.rows;
    expectGradientsClose(
      mean,
      numericGradient((u) => none.withParameters(u).loss(x, y), theta),
    );
    checkInputGradient(at, x, 3);
  });
});

describe('logistic model files', () => {
  it('round-trips through JSON with bit-identical predictions (binary, multinomial, L1)', async () => {
    const t = multiTable(120, 6);
    const models: LogisticModel[] = [
      await logisticRegression().fit(small, 'y', { sampleWeight: 'w' }),
      await logisticRegression({ C: 3 }).fit(t, 'y'),
      await logisticRegression({ penalty: 'l1', C: 0.1 }).fit(t, 'y', { positive: ['red'] }),
    ];
    for (const m of models) {
      const text = saveModelJSON(m);
      const back = loadModelJSON(JSON.stringify(JSON.parse(text))) as LogisticModel;
      expect(back.kind).toBe('logistic');
      expect(back.classes).toEqual(m.classes);
      expectBitEqual(m.parameters(), back.parameters());
      const data = m === models[0] ? small : t;
      expectBitEqual(await m.predictProba(data), await back.predictProba(data));
    }
  });

  it('rejects coefficients of the wrong shape with AEQ_MODEL_FORMAT', async () => {
    const m = await logisticRegression().fit(small, 'y', { features: ['x1', 'x2'] });
    const file = JSON.parse(saveModelJSON(m)) as { parameters: { coefficients: number[][] } };
    file.parameters.coefficients = [[1]];
    let err: AequaError | undefined;
    try {
      loadModelJSON(JSON.stringify(file));
    } catch (e) {
      err = e as AequaError;
    }
    expect(err?.code).toBe('AEQ_MODEL_FORMAT');
    expect(err?.message).toMatchInlineSnapshot(
      `"The logistic model file is invalid: "parameters.coefficients" must be 1 arrays of 2 finite numbers (one per encoded column)."`,
    );
  });
});

/** ∂output/∂x against central differences of `forward` (binary: p; multiclass: p of the argmax class). */
function checkInputGradient(m: LogisticModel, x: Matrix, k: number): void {
  const grad = m.inputGradient(x);
  const h = 1e-6;
  const rows = Math.min(x.rows, 6);
  for (let i = 0; i < rows; i++) {
    const row = Float64Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols));
    const base = m.forward({ rows: 1, cols: x.cols, data: row });
    let c = 0;
    if (k > 0) for (let b = 1; b < k; b++) if (base[b]! > base[c]!) c = b;
    for (let j = 0; j < x.cols; j++) {
      const up = Float64Array.from(row);
      const dn = Float64Array.from(row);
      up[j] = up[j]! + h;
      dn[j] = dn[j]! - h;
      const fu = m.forward({ rows: 1, cols: x.cols, data: up })[c]!;
      const fd = m.forward({ rows: 1, cols: x.cols, data: dn })[c]!;
      const numeric = (fu - fd) / (2 * h);
      // Same error budget as expectGradientsClose (probabilities are O(1)).
      expect(Math.abs(grad.data[i * x.cols + j]! - numeric)).toBeLessThanOrEqual(
        1e-7 + 1e-6 * Math.abs(numeric),
      );
    }
  }
}
