import { describe, expect, it } from 'vitest';
import { fromArrays } from '../data/index.js';
import { gradientBoosting, logisticRegression } from '../models/index.js';
import { createExplainer, explain } from './explain.js';
import { explanationToJSON, topAttributions } from './explanation.js';
import { toyModel } from './toy-models.fixture.js';

const t = fromArrays({
  a: [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4],
  b: [0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0],
  y: ['n', 'n', 'n', 'y', 'n', 'y', 'y', 'y', 'n', 'y', 'n', 'y'],
});

describe('explain', () => {
  it('chooses TreeSHAP for boosted trees in log-odds and records why', async () => {
    const model = await gradientBoosting({ nEstimators: 3 }).fit(t, 'y', { features: ['a', 'b'] });
    const ex = createExplainer(model, { link: 'logit' });
    expect(ex.method).toBe('tree');
    const e = await ex.explain(t, { rows: [0] });
    expect(e.method).toBe('tree');
    expect(e.parameters.requestedMethod).toBe('auto');
    expect(e.parameters.reason).toContain('TreeSHAP');
  });

  it('falls back to exact enumeration for a tree model on the probability scale (few features)', () => {
    return gradientBoosting({ nEstimators: 3 })
      .fit(t, 'y', { features: ['a', 'b'] })
      .then((model) => expect(createExplainer(model).method).toBe('exact'));
  });

  it('chooses linear SHAP for a logistic regression in log-odds', async () => {
    const model = await logisticRegression().fit(t, 'y', { features: ['a', 'b'] });
    expect(createExplainer(model, { link: 'logit' }).method).toBe('linear');
  });

  it('chooses permutation SHAP for a black box with more than 10 features', () => {
    const names = Array.from({ length: 12 }, (_, j) => `f${j}`);
    expect(createExplainer(toyModel(names, (x) => x[0]!)).method).toBe('permutation');
  });

  it('runs a requested method and writes the JSON contract', async () => {
    const model = toyModel(['a', 'b'], (x) => x[0]! + 10 * x[1]!);
    const e = await explain(model, t, { method: 'kernel', background: t, rows: [3] });
    const json = explanationToJSON(e);
    expect(json.schemaVersion).toBe('1.0.0');
    expect(json.method).toBe('kernel');
    // Additive model over the whole table as background: φ_a = 4 − mean(a) = 4 − 3.833…, φ_b = 10(1 − 0.5).
    expect(json.explanations[0]!.row).toBe(3);
    expect(json.explanations[0]!.attributions.a).toBeCloseTo(4 - 46 / 12, 10);
    expect(json.explanations[0]!.attributions.b).toBeCloseTo(5, 10);
    expect(topAttributions(e, 0, 1)[0]!.feature).toBe('b');
  });

  it('refuses a missing or empty background for every black-box method, saying what to pass', async () => {
    const model = toyModel(['a', 'b'], (x) => x[0]!);
    for (const method of ['exact', 'kernel', 'permutation', 'lime'] as const) {
      await expect(explain(model, t, { method, rows: [0] })).rejects.toMatchObject({
        code: 'AEQ_INVALID_ARGUMENT',
        hint: expect.stringContaining('Pass background'),
        message: expect.stringMatching(/"background" .* got undefined/),
      });
      await expect(
        explain(model, t, { method, rows: [0], background: t.take(new Uint32Array(0)) }),
      ).rejects.toThrow(/"background" .* got "?a table of 0 rows/);
    }
  });

  it('refuses an unknown method, listing the methods', () => {
    const model = toyModel(['a'], (x) => x[0]!);
    expect(() => createExplainer(model, { method: 'magic' as 'exact' })).toThrow(/one of exact, kernel/);
  });
});
