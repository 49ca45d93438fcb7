import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import { fromArrays, type Table } from '../../data/index.js';
import { decisionTree, gradientBoosting, type Matrix, type TreeNodes } from '../../models/index.js';
import { exactShapley, shapleyFromValues } from './exact.js';
import { treeShap } from './tree.js';

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

function synthetic(n: number, seed: number, regression: boolean): Table {
  const rng = seededRng(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const d = new Float64Array(n);
  const c: string[] = [];
  const y: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    a[i] = rng.nextFloat64() * 4;
    b[i] = rng.nextFloat64() * 2 - 1;
    d[i] = rng.nextFloat64();
    const lvl = ['red', 'green', 'blue'][Math.floor(rng.nextFloat64() * 3)]!;
    c.push(lvl);
    const s = a[i]! * b[i]! + (lvl === 'red' ? 1 : 0) + 0.3 * rng.nextFloat64();
    y.push(regression ? s : s > 0.5 ? 'yes' : 'no');
  }
  return fromArrays({ a, b, c, d, y });
}

/**
 * The path-dependent game of one tree: E[f | x_S] where a split on a feature in S follows x and any
 * other split averages its children by cover (the reference definition, Lundberg et al. 2020 §Methods).
 */
function condExpectation(
  t: TreeNodes,
  index: number,
  x: Matrix,
  row: number,
  group: readonly number[],
  S: number,
): number {
  const go = (k: number): number => {
    const f = t.feature[k]!;
    if (f < 0) return t.value[k * t.nOutputs + index]!;
    const l = t.left[k]!;
    const r = t.right[k]!;
    if ((S >>> group[f]!) & 1) return x.data[row * x.cols + f]! <= t.threshold[k]! ? go(l) : go(r);
    return (t.weight[l]! * go(l) + t.weight[r]! * go(r)) / (t.weight[l]! + t.weight[r]!);
  };
  return go(0);
}

function pathDependentReference(
  trees: readonly TreeNodes[],
  index: number,
  constant: number,
  x: Matrix,
  row: number,
  group: readonly number[],
  d: number,
): Float64Array {
  const v = new Float64Array(1 << d);
  for (let S = 0; S < 1 << d; S++) {
    let s = constant;
    for (const t of trees) s += condExpectation(t, index, x, row, group, S);
    v[S] = s;
  }
  return shapleyFromValues(v, d);
}

describe('treeShap', () => {
  const train = synthetic(300, 1, false);
  const features = ['a', 'b', 'c', 'd'];
  const rows = [0, 1, 2, 3, 4, 5];

  it('path-dependent TreeSHAP equals enumeration of the cover-weighted conditional expectations (CART)', async () => {
    const model = await decisionTree({ maxDepth: 5 }).fit(train, 'y', { features });
    const e = await treeShap(model, train, { rows });
    expect(e.parameters.treeMode).toBe('path-dependent');
    const x = model.preprocessor.transform(train.take(Uint32Array.from(rows)));
    // Encoded column → raw feature (the one-hot columns of c are one player), from the model itself.
    const group = model.preprocessor.sourceFeature;
    rows.forEach((_, i) => {
      const ref = pathDependentReference([model.nodes], 1, 0, x, i, group, 4);
      const r = e.rows[i]!;
      // Tolerance 1e-12: sums of a few dozen products of probabilities and cover ratios.
      for (let j = 0; j < 4; j++) expect(Math.abs(r.attributions[j]! - ref[j]!)).toBeLessThan(1e-12);
      expect(Math.abs(sum(r.attributions) - (r.prediction - r.baseValue))).toBeLessThan(1e-12);
    });
  });

  it('path-dependent TreeSHAP equals enumeration on boosted trees, in log-odds, with local accuracy', async () => {
    const model = await gradientBoosting({ nEstimators: 8, maxDepth: 3 }).fit(train, 'y', { features });
    const e = await treeShap(model, train, { rows });
    expect(e.link).toBe('logit');
    const x = model.preprocessor.transform(train.take(Uint32Array.from(rows)));
    const raw = model.rawScoreEncoded(x);
    const group = model.preprocessor.sourceFeature;
    rows.forEach((_, i) => {
      const ref = pathDependentReference(model.trees, 0, model.baseScore, x, i, group, 4);
      const r = e.rows[i]!;
      for (let j = 0; j < 4; j++) expect(Math.abs(r.attributions[j]! - ref[j]!)).toBeLessThan(1e-12);
      expect(Math.abs(r.prediction - raw[i]!)).toBeLessThan(1e-12);
      expect(Math.abs(sum(r.attributions) - (r.prediction - r.baseValue))).toBeLessThan(1e-12);
    });
  });

  it('interventional TreeSHAP equals exact enumeration of the interventional game over the same background', async () => {
    const reg = synthetic(300, 2, true);
    const model = await gradientBoosting({ nEstimators: 10, maxDepth: 3 }).fit(reg, 'y', { features });
    const background = reg.take(Uint32Array.from({ length: 15 }, (_, i) => 100 + i));
    const e = await treeShap(model, reg, { rows, background });
    const ref = await exactShapley(model, reg, { rows, background });
    expect(e.parameters.treeMode).toBe('interventional');
    rows.forEach((_, i) => {
      for (let j = 0; j < 4; j++)
        expect(Math.abs(e.rows[i]!.attributions[j]! - ref.rows[i]!.attributions[j]!)).toBeLessThan(1e-10);
      expect(Math.abs(e.rows[i]!.baseValue - ref.rows[i]!.baseValue)).toBeLessThan(1e-12);
    });
  });

  it('interventional TreeSHAP on a CART classifier equals exact enumeration of P(yes)', async () => {
    const model = await decisionTree({ maxDepth: 4 }).fit(train, 'y', { features });
    const background = train.take(Uint32Array.from({ length: 12 }, (_, i) => 50 + i));
    const e = await treeShap(model, train, { rows, background });
    const ref = await exactShapley(model, train, { rows, background });
    rows.forEach((_, i) => {
      for (let j = 0; j < 4; j++)
        expect(Math.abs(e.rows[i]!.attributions[j]! - ref.rows[i]!.attributions[j]!)).toBeLessThan(1e-12);
    });
  });

  it('gives a feature no tree splits on exactly zero', async () => {
    // d is pure noise; a depth-1 tree splits on one feature only, so three features get 0.
    const model = await decisionTree({ maxDepth: 1 }).fit(train, 'y', { features });
    const e = await treeShap(model, train, { rows });
    const used = model.preprocessor.sourceFeature[model.nodes.feature[0]!]!;
    for (const r of e.rows) for (let j = 0; j < 4; j++) if (j !== used) expect(r.attributions[j]).toBe(0);
  });

  it('refuses the identity link on a boosted classifier and a model that is not a tree', async () => {
    const model = await gradientBoosting({ nEstimators: 2 }).fit(train, 'y', { features });
    const err = await treeShap(model, train, { rows: [0], link: 'identity' }).catch((e) => e);
    expect(err.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(err.hint).toContain('--link logit');
    const notTree = {
      task: 'binary' as const,
      features,
      classes: ['no', 'yes'],
      predictProba: async () => new Float64Array(0),
    };
    const err2 = await treeShap(notTree, train, { rows: [0] }).catch((e) => e);
    expect(err2.code).toBe('AEQ_INVALID_ARGUMENT');
  });
});
