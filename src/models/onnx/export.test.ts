import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { loadOnnxModel } from '../adapters/onnx.js';
import { ridgeRegression } from '../learners/linear.js';
import { logisticRegression } from '../learners/logistic.js';
import { mlp } from '../learners/mlp.js';
import type { SavableModel } from '../model.js';
import { exportOnnx } from './export.js';
import { encodeModel } from './proto.js';

// A small mixed table: numbers with a missing value, a category, a binary and a 3-class target.
const n = 60;
const rows = Array.from({ length: n }, (_, i) => i);
const table = fromArrays({
  x1: rows.map((i) => (i === 7 ? null : Math.sin(i) * 3)),
  x2: rows.map((i) => (i % 5) - 2),
  color: rows.map((i) => ['red', 'green', 'blue'][i % 3]!),
  y: rows.map((i) => (Math.sin(i) + ((i % 5) - 2) * 0.3 > 0 ? 'yes' : 'no')),
  cls: rows.map((i) => ['a', 'b', 'c'][(i * 7) % 3]!),
  v: rows.map((i) => Math.cos(i) + i / 10),
});
// Unseen category and a missing value in the rows to score.
const fresh = fromArrays({
  x1: [0.5, null, -2],
  x2: [1, 0, -1],
  color: ['green', 'purple', 'red'],
  y: ['no', 'yes', 'no'],
  cls: ['a', 'b', 'c'],
  v: [0, 1, 2],
});

async function parity(model: SavableModel, data = fresh): Promise<number> {
  const onnx = await loadOnnxModel(exportOnnx(model));
  const a = await model.predictProba(data);
  const b = await onnx.predictProba(data);
  expect(b.length).toBe(a.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  await onnx.close();
  return worst;
}

describe('exportOnnx', () => {
  // The graphs compute in float64, so the only differences are summation order: 1e-12 is ample.
  it('exports binary logistic regression with identical probabilities', async () => {
    const m = await logisticRegression({ C: 10 }).fit(table, 'y', { features: ['x1', 'x2', 'color'] });
    expect(await parity(m)).toBeLessThan(1e-12);
    expect(await parity(m, table)).toBeLessThan(1e-12);
  });

  it('exports multinomial logistic regression', async () => {
    const m = await logisticRegression().fit(table, 'cls', { features: ['x1', 'x2', 'color'] });
    expect(m.task).toBe('multiclass');
    expect(await parity(m)).toBeLessThan(1e-12);
  });

  it('exports ridge regression', async () => {
    const m = await ridgeRegression({ alpha: 0.5 }).fit(table, 'v', { features: ['x1', 'x2', 'color'] });
    expect(await parity(m)).toBeLessThan(1e-12);
  });

  it('exports MLPs for every task and activation', async () => {
    for (const [target, activation] of [
      ['y', 'relu'],
      ['cls', 'tanh'],
      ['v', 'tanh'],
    ] as const) {
      const m = await mlp({ hidden: [6, 4], activation, epochs: 5, seed: 1 }).fit(table, target, {
        features: ['x1', 'x2', 'color'],
      });
      expect([target, await parity(m)]).toEqual([target, expect.any(Number)]);
      expect(await parity(m)).toBeLessThan(1e-12);
    }
  });

  it('carries the encoding, task and classes in the metadata', async () => {
    const m = await logisticRegression().fit(table, 'y', { features: ['x1', 'color'] });
    const onnx = await loadOnnxModel(exportOnnx(m));
    expect(onnx.features).toEqual(['x1', 'color']);
    expect(onnx.classes).toEqual(m.classes);
    expect(onnx.task).toBe('binary');
    expect(onnx.inputWidth).toBe(m.preprocessor.outputNames.length);
    await onnx.close();
  });
});

describe('loadOnnxModel with foreign files', () => {
  const foreign = encodeModel({
    producerVersion: 't',
    opsets: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      nodes: [
        { op: 'MatMul', inputs: ['X', 'W'], outputs: ['z'] },
        { op: 'Sigmoid', inputs: ['z'], outputs: ['p'] },
      ],
      initializers: [{ name: 'W', dims: [2, 1], type: 'float', data: [1, -1] }],
      inputs: [{ name: 'X', type: 'float', shape: ['N', 2] }],
      outputs: [{ name: 'p', type: 'float', shape: ['N', 1] }],
    },
  });

  it('reads the named numeric columns in order', async () => {
    const m = await loadOnnxModel(foreign, { features: ['x2', 'v'] });
    const p = await m.predictProba(fresh);
    // σ(x2 − v): rows (1 − 0), (0 − 1), (−1 − 2); float32 inside, so 1e-6.
    const want = [1, -1, -3].map((z) => 1 / (1 + Math.exp(-z)));
    for (let i = 0; i < 3; i++) expect(Math.abs(p[i]! - want[i]!)).toBeLessThan(1e-6);
    await m.close();
  });

  it('says the input width does not fit the features', async () => {
    await expect(loadOnnxModel(foreign, { features: ['x1', 'x2', 'v'] })).rejects.toMatchObject({
      code: 'AEQ_MODEL_FEATURES',
      message: 'The ONNX input "X" expects 2 columns per row, but 3 features were given.',
    });
  });

  it('needs the features of a file it did not write, and rejects bytes that are not ONNX', async () => {
    await expect(loadOnnxModel(foreign)).rejects.toMatchObject({ code: 'AEQ_MODEL_LOAD' });
    await expect(loadOnnxModel(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'AEQ_MODEL_LOAD' });
    expect(ort.InferenceSession).toBeDefined();
  });

  it('refuses text columns for a foreign model', async () => {
    const m = await loadOnnxModel(foreign, { features: ['color', 'v'] });
    await expect(m.predictProba(fresh)).rejects.toMatchObject({ code: 'AEQ_DATA_TYPE' });
    await m.close();
  });
});

describe('exportOnnx for trees', () => {
  // TreeEnsembleRegressor keeps thresholds and leaf weights in float32: parity to 1e-6, on rows
  // whose values are not within float32 rounding of a threshold.
  it('exports CART trees (binary, multiclass, regression) and boosted trees', async () => {
    const { decisionTree } = await import('../learners/tree.js');
    const { gradientBoosting } = await import('../learners/gbdt.js');
    for (const target of ['y', 'cls', 'v']) {
      const m = await decisionTree({ maxDepth: 4 }).fit(table, target, { features: ['x1', 'x2', 'color'] });
      expect([target, await parity(m, table)]).toEqual([target, expect.any(Number)]);
      expect(await parity(m, table)).toBeLessThan(1e-6);
    }
    for (const target of ['y', 'v']) {
      const m = await gradientBoosting({ nEstimators: 20, minSamplesLeaf: 2 }).fit(table, target, {
        features: ['x1', 'x2', 'color'],
      });
      expect(await parity(m, table)).toBeLessThan(1e-5);
    }
  });
});
