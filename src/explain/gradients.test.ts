import { describe, expect, it } from 'vitest';
import { seededRng } from '../core/index.js';
import { fromArrays, type Table } from '../data/index.js';
import { decisionTree, mlp, ridgeRegression } from '../models/index.js';
import { integratedGradients } from './gradients.js';
import { linearShap } from './shapley/linear.js';

function data(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c: string[] = [];
  const y: string[] = [];
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng.nextFloat64() * 4 - 2;
    b[i] = rng.nextFloat64() * 4 - 2;
    c.push(rng.nextFloat64() < 0.5 ? 'u' : 'w');
    const s = a[i]! * b[i]! + Math.sin(2 * a[i]!) + (c[i] === 'u' ? 0.5 : -0.5);
    v[i] = s;
    y.push(s > 0 ? 'pos' : 'neg');
  }
  return fromArrays({ a, b, c, y, v });
}

describe('integratedGradients', () => {
  const t = data(300, 4);
  const background = t.take(Uint32Array.from({ length: 50 }, (_, i) => i));
  const features = ['a', 'b', 'c'];

  it('closes the completeness gap on an MLP as the steps grow', async () => {
    const model = await mlp({ hidden: [16], activation: 'tanh', epochs: 20, seed: 1 }).fit(t, 'y', {
      features,
    });
    const rows = [100, 101, 102, 103];
    const gap = async (steps: number): Promise<number> => {
      const e = await integratedGradients(model, t, { background, rows, steps });
      let m = 0;
      for (const r of e.rows) {
        // The reported gap is Σφ − (f(x) − f(x′)); check it against the numbers themselves.
        const s = r.attributions.reduce((x, y) => x + y, 0);
        expect(r.diagnostics!.completenessGap).toBeCloseTo(s - (r.prediction - r.baseValue), 14);
        m = Math.max(m, Math.abs(r.diagnostics!.completenessGap!));
      }
      return m;
    };
    const coarse = await gap(4);
    const fine = await gap(400);
    // Trapezoid error falls like 1/steps²: 100× more steps, far smaller gap.
    expect(fine).toBeLessThan(coarse / 100);
    expect(fine).toBeLessThan(1e-4);
  });

  it('equals linear SHAP on a linear model with any number of steps (constant gradient)', async () => {
    const model = await ridgeRegression().fit(t, 'v', { features });
    const rows = [7, 8];
    const ig = await integratedGradients(model, t, { background, rows, steps: 1 });
    const lin = await linearShap(model, t, { background, rows });
    rows.forEach((_, i) => {
      for (let j = 0; j < 3; j++)
        expect(Math.abs(ig.rows[i]!.attributions[j]! - lin.rows[i]!.attributions[j]!)).toBeLessThan(1e-12);
      expect(Math.abs(ig.rows[i]!.diagnostics!.completenessGap!)).toBeLessThan(1e-12);
    });
  });

  it('refuses a model without gradients (a decision tree)', async () => {
    const model = await decisionTree({ maxDepth: 2 }).fit(t, 'y', { features });
    const err = await integratedGradients(model, t, { background, rows: [0] }).catch((e) => e);
    expect(err.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(err.message).toContain('differentiable');
  });
});

describe('integratedGradients on a multiclass MLP', () => {
  /** Three classes from two numbers: lo (a + b < −1), hi (a + b > 1), mid otherwise. */
  function three(n: number, seed: number): Table {
    const rng = seededRng(seed);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const y: string[] = [];
    for (let i = 0; i < n; i++) {
      a[i] = rng.nextFloat64() * 4 - 2;
      b[i] = rng.nextFloat64() * 4 - 2;
      const s = a[i]! + b[i]!;
      y.push(s < -1 ? 'lo' : s > 1 ? 'hi' : 'mid');
    }
    return fromArrays({ a, b, y });
  }
  const t = three(300, 9);
  const background = t.take(Uint32Array.from({ length: 40 }, (_, i) => i));
  const rows = [200, 201, 202, 203, 204, 205];

  it('is complete for each class asked for: Σφ = P_c(x) − P_c(x′) as the steps grow', async () => {
    const model = await mlp({ hidden: [12], activation: 'tanh', epochs: 30, seed: 2 }).fit(t, 'y', {
      features: ['a', 'b'],
    });
    expect(model.task).toBe('multiclass');
    const k = model.classes.length;
    const x = model.preprocessor.transform(t.take(Uint32Array.from(rows)));
    const probs = model.forward(x);
    for (let c = 0; c < k; c++) {
      const e = await integratedGradients(model, t, { background, rows, steps: 400, classIndex: c });
      expect(e.parameters.explainedClass).toBe(model.classes[c]);
      e.rows.forEach((r, i) => {
        // The prediction is the class's own probability, read independently from forward().
        expect(r.prediction).toBeCloseTo(probs[i * k + c]!, 14);
        const s = r.attributions[0]! + r.attributions[1]!;
        // Trapezoid error with 400 steps on a smooth tanh net: well below 1e-4 (1/400² ≈ 6e-6 × curvature).
        expect(Math.abs(s - (r.prediction - r.baseValue))).toBeLessThan(1e-4);
        expect(r.diagnostics!.classIndex).toBe(c);
      });
    }
  });

  it('explains each row’s predicted class by default, and the attributions of all classes sum to zero', async () => {
    const model = await mlp({ hidden: [12], activation: 'tanh', epochs: 30, seed: 2 }).fit(t, 'y', {
      features: ['a', 'b'],
    });
    const k = model.classes.length;
    const x = model.preprocessor.transform(t.take(Uint32Array.from(rows)));
    const probs = model.forward(x);
    const e = await integratedGradients(model, t, { background, rows, steps: 200 });
    expect(e.parameters.explainedClass).toBe('predicted');
    e.rows.forEach((r, i) => {
      let arg = 0;
      for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + arg]!) arg = c;
      expect(r.diagnostics!.classIndex).toBe(arg);
      expect(r.prediction).toBeCloseTo(probs[i * k + arg]!, 14);
    });
    // Probabilities sum to 1 everywhere, so the per-class gradients sum to 0 and so do the attributions
    // (exactly up to rounding, at any number of steps).
    const all = await Promise.all(
      Array.from({ length: k }, (_, c) =>
        integratedGradients(model, t, { background, rows: [rows[0]!], steps: 7, classIndex: c }),
      ),
    );
    for (let j = 0; j < 2; j++) {
      const sum = all.reduce((acc, e) => acc + e.rows[0]!.attributions[j]!, 0);
      expect(Math.abs(sum)).toBeLessThan(1e-12);
    }
  });

  it('refuses a class index the model does not have', async () => {
    const model = await mlp({ hidden: [4], epochs: 2, seed: 1 }).fit(t, 'y', { features: ['a', 'b'] });
    await expect(
      integratedGradients(model, t, { background, rows: [0], classIndex: 3 }),
    ).rejects.toMatchObject({ code: 'AEQ_INVALID_ARGUMENT' });
  });
});
