import { describe, expect, it } from 'vitest';
import { isAequaError, seededRng } from '../../core/index.js';
import { type Column, fromArrays, type Table } from '../../data/index.js';
import { decisionTree, type Model } from '../../models/index.js';
import { meanAbsShap } from './mean-abs-shap.js';
import { numericGrid, partialDependence } from './partial-dependence.js';
import { permutationImportance, rocAuc, scoreOf } from './permutation-importance.js';
import { globalSurrogate } from './surrogate.js';

function num(t: Table, name: string): Float64Array {
  const c: Column = t.column(name);
  if (c.kind !== 'number') throw new Error(`${name} is not numeric`);
  return c.values;
}

/** Regression model f = a² + 3·b (+ 1 when color = red); it never reads c. */
const additive: Model = {
  task: 'regression',
  features: ['a', 'b', 'c', 'color'],
  classes: [],
  async predictProba(rows) {
    const a = num(rows, 'a');
    const b = num(rows, 'b');
    const color = rows.column('color');
    const out = new Float64Array(rows.nrows);
    for (let i = 0; i < rows.nrows; i++) {
      const red = color.kind === 'category' && color.levels[color.codes[i]!] === 'red' ? 1 : 0;
      out[i] = a[i]! ** 2 + 3 * b[i]! + red;
    }
    return out;
  },
};

/** Binary model P(yes) = σ(4·(a − 1.5)); it never reads b or c. */
const classifier: Model = {
  task: 'binary',
  features: ['a', 'b', 'c'],
  classes: ['no', 'yes'],
  async predictProba(rows) {
    const a = num(rows, 'a');
    return Float64Array.from(a, (v) => 1 / (1 + Math.exp(-4 * (v - 1.5))));
  },
};

function data(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const color: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const av = Math.floor(rng.nextFloat64() * 4);
    a.push(av);
    b.push(Math.floor(rng.nextFloat64() * 5));
    c.push(rng.nextFloat64());
    color.push(rng.nextFloat64() < 0.5 ? 'red' : 'blue');
    y.push(av >= 2 ? 'yes' : 'no');
  }
  return fromArrays({ a, b, c, color, y });
}

describe('permutationImportance', () => {
  it('permutes the one-hot columns of a group together, so the model only ever sees valid one-hot rows', async () => {
    // f = 2·job_b + 5·job_c + x on one-hot job columns; the model counts rows whose one-hot sum ≠ 1.
    let invalid = 0;
    const oneHot: Model = {
      task: 'regression',
      features: ['job_a', 'job_b', 'job_c', 'x'],
      classes: [],
      async predictProba(rows) {
        const [a, b, c, x] = ['job_a', 'job_b', 'job_c', 'x'].map((n) => num(rows, n));
        const out = new Float64Array(rows.nrows);
        for (let i = 0; i < rows.nrows; i++) {
          if (a![i]! + b![i]! + c![i]! !== 1) invalid++;
          out[i] = 2 * b![i]! + 5 * c![i]! + x![i]!;
        }
        return out;
      },
    };
    const n = 90;
    const k = Array.from({ length: n }, (_, i) => i % 3);
    const t = fromArrays({
      job_a: k.map((v) => (v === 0 ? 1 : 0)),
      job_b: k.map((v) => (v === 1 ? 1 : 0)),
      job_c: k.map((v) => (v === 2 ? 1 : 0)),
      x: k.map((_, i) => (i * 7) % 11),
      y: k.map((v, i) => 2 * (v === 1 ? 1 : 0) + 5 * (v === 2 ? 1 : 0) + ((i * 7) % 11)),
    });
    const grouped = await permutationImportance(oneHot, t, {
      target: 'y',
      repeats: 3,
      seed: 1,
      groups: { job: ['job_a', 'job_b', 'job_c'] },
    });
    expect(invalid).toBe(0);
    expect(grouped.features.map((f) => f.feature).sort()).toEqual(['job', 'x']);
    expect(grouped.features.find((f) => f.feature === 'job')!.mean).toBeGreaterThan(0);
    // Column by column, the same shuffles break one-hot rows: the grouping is what kept them valid.
    await permutationImportance(oneHot, t, { target: 'y', repeats: 3, seed: 1 });
    expect(invalid).toBeGreaterThan(0);
  });

  it('gives exactly zero importance, in every repeat, to a feature the model ignores', async () => {
    const imp = await permutationImportance(classifier, data(200, 1), { target: 'y', repeats: 4, seed: 3 });
    for (const f of ['b', 'c']) {
      const fi = imp.features.find((x) => x.feature === f)!;
      expect(Array.from(fi.drops)).toEqual([0, 0, 0, 0]);
      expect(fi.sd).toBe(0);
    }
    // The model is right on every row (a ≥ 2 ⇔ σ ≥ 0.5 ⇔ y = yes), so the baseline accuracy is 1.
    expect(imp.baseline).toBe(1);
    // Shuffling a breaks the rule for many rows: a clear positive drop, ranked first.
    expect(imp.features[0]!.feature).toBe('a');
    expect(imp.features[0]!.mean).toBeGreaterThan(0.2);
  });

  it('reports the mean and the sample standard deviation of the drops', async () => {
    const imp = await permutationImportance(classifier, data(60, 2), {
      target: 'y',
      repeats: 5,
      metric: 'auc',
    });
    const a = imp.features.find((x) => x.feature === 'a')!;
    const d = Array.from(a.drops);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / (d.length - 1));
    // Recomputed with plain formulas; 1e-12 absorbs summation order.
    expect(a.mean).toBeCloseTo(mean, 12);
    expect(a.sd).toBeCloseTo(sd, 12);
    expect(new Set(d).size).toBeGreaterThan(1);
  });

  it('is reproducible for a seed and changes with the seed', async () => {
    const t = data(80, 3);
    const one = await permutationImportance(classifier, t, { target: 'y', repeats: 3, seed: 7 });
    const two = await permutationImportance(classifier, t, { target: 'y', repeats: 3, seed: 7 });
    const other = await permutationImportance(classifier, t, { target: 'y', repeats: 3, seed: 8 });
    const drops = (r: typeof one) => Array.from(r.features.find((f) => f.feature === 'a')!.drops);
    expect(drops(two)).toEqual(drops(one));
    expect(drops(other)).not.toEqual(drops(one));
  });

  it('measures log-loss deterioration as permuted minus baseline, so it is positive for a used feature', async () => {
    const imp = await permutationImportance(classifier, data(100, 4), { target: 'y', metric: 'logLoss' });
    expect(imp.features[0]!.feature).toBe('a');
    expect(imp.features[0]!.mean).toBeGreaterThan(0);
  });

  it('uses R² for a regression model and refuses AUC there', async () => {
    const t = data(50, 5);
    const y = await additive.predictProba(t);
    const imp = await permutationImportance(additive, t, { target: y, repeats: 2 });
    expect(imp.metric).toBe('r2');
    expect(imp.baseline).toBe(1);
    expect(imp.features.find((f) => f.feature === 'c')!.mean).toBe(0);
    expect.assertions(5);
    try {
      await permutationImportance(additive, t, { target: y, metric: 'auc' });
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_INVALID_ARGUMENT');
      expect((e as Error).message).toMatch(/'r2' for a regression model/);
    }
  });

  it('names the missing model features when the data lacks them', async () => {
    expect.assertions(2);
    try {
      await permutationImportance(classifier, fromArrays({ a: [1, 2], y: ['no', 'yes'] }), { target: 'y' });
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_MODEL_FEATURES');
      expect((e as Error).message).toContain('b, c');
    }
  });
});

describe('scores', () => {
  it('computes ROC AUC as the Mann–Whitney statistic with ties at half', () => {
    // Pairs (pos, neg): scores pos {0.35, 0.8}, neg {0.1, 0.4}: 3 of 4 pairs ordered → 0.75.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    // One tie between a positive and a negative counts ½: (1 + 0.5) / 2.
    expect(rocAuc([0, 1, 0, 1], [0.1, 0.5, 0.5, 0.9])).toBe(0.875);
  });

  it('computes R² as 1 − SSres/SStot', () => {
    // y = [1, 2, 3], ŷ = [1, 2, 4]: SSres = 1, SStot = 2 → 0.5.
    expect(scoreOf('r2', additive, new Float64Array([1, 2, 3]), new Float64Array([1, 2, 4]))).toBe(0.5);
  });
});

describe('partialDependence', () => {
  const t = fromArrays({
    a: [0, 1, 2, 3],
    b: [1, 2, 3, 4],
    c: [0.5, 0.1, 0.9, 0.3],
    color: ['red', 'blue', 'blue', 'red'],
  });

  it('equals the shape function of an additive model plus the mean of the other terms', async () => {
    const pd = await partialDependence(additive, t, 'a', { ice: true });
    // Grid = the 4 distinct values. PD(v) = v² + 3·mean(b) + share(red) = v² + 7.5 + 0.5.
    expect(pd.grid).toEqual([0, 1, 2, 3]);
    expect(Array.from(pd.average)).toEqual([8, 9, 12, 17]);
    // ICE of row 1 (b = 2, blue): v² + 6.
    expect(Array.from(pd.ice!.subarray(4, 8))).toEqual([6, 7, 10, 15]);
  });

  it('is flat for a feature the model ignores', async () => {
    const pd = await partialDependence(additive, t, 'c');
    // Every grid point gives the mean prediction: mean(a²) + 3·mean(b) + 0.5 = 3.5 + 7.5 + 0.5.
    for (const v of pd.average) expect(v).toBe(11.5);
  });

  it('uses the levels of a categorical feature as the grid', async () => {
    const pd = await partialDependence(additive, t, 'color');
    expect(pd.featureKind).toBe('category');
    expect(pd.grid).toEqual(['red', 'blue']);
    // red: 3.5 + 7.5 + 1; blue: 3.5 + 7.5.
    expect(Array.from(pd.average)).toEqual([12, 11]);
  });

  it('builds a quantile grid between the percentiles when there are many distinct values', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    // Type-7 quantiles of 0..100 at p = 0.1, 0.5, 0.9 are 10, 50, 90.
    expect(numericGrid(values, 3, 0.1, 0.9)).toEqual([10, 50, 90]);
  });

  it('refuses a feature the model does not read', async () => {
    await expect(partialDependence(additive, t, 'nope')).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
    });
  });
});

describe('globalSurrogate', () => {
  it('has fidelity 1 when it mimics a tree of the same depth', async () => {
    const t = data(400, 9);
    const model = await decisionTree({ maxDepth: 2 }).fit(t, 'y', { features: ['a', 'b', 'c'] });
    const s = await globalSurrogate(model, t, { maxDepth: 2, seed: 1 });
    expect(s.fidelity).toBe(1);
    expect(s.trainFidelity).toBe(1);
    expect(s.nTrain + s.nTest).toBe(400);
    expect(s.rules).toContain('a ≤');
  });

  it('reports R² fidelity for a regression model and fits it better with more depth', async () => {
    const t = data(300, 10);
    const shallow = await globalSurrogate(additive, t, { maxDepth: 1 });
    const deep = await globalSurrogate(additive, t, { maxDepth: 8 });
    expect(shallow.fidelityMetric).toBe('r2');
    expect(deep.fidelity).toBeGreaterThan(shallow.fidelity);
    // a ∈ {0..3}, b ∈ {0..4}, color ∈ {red, blue}: 40 cells, which 6 levels of splits can separate;
    // greedy splits on the noise column c can strand a held-out row, so allow 1 % unexplained variance.
    expect(deep.fidelity).toBeGreaterThan(0.99);
  });
});

describe('meanAbsShap', () => {
  it('averages absolute and signed attributions per feature and sorts by importance', () => {
    const imp = meanAbsShap({
      featureNames: ['a', 'b', 'c'],
      rows: [
        { row: 0, prediction: 0, baseValue: 0, attributions: new Float64Array([0.1, -0.4, 0]) },
        { row: 1, prediction: 0, baseValue: 0, attributions: new Float64Array([-0.3, 0.2, 0]) },
      ],
    });
    // |a| = (0.1 + 0.3)/2 = 0.2, |b| = (0.4 + 0.2)/2 = 0.3; signed a = −0.1, b = −0.1.
    expect(imp.map((x) => x.feature)).toEqual(['b', 'a', 'c']);
    expect(imp[0]!.meanAbs).toBeCloseTo(0.3, 15);
    expect(imp[1]!.meanAbs).toBeCloseTo(0.2, 15);
    expect(imp[1]!.mean).toBeCloseTo(-0.1, 15);
    expect(imp[2]!.meanAbs).toBe(0);
  });
});
