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
