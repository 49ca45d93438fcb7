import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAequaError } from '../../core/index.js';
import { fromArrays, type Table, toBinary } from '../../data/index.js';
import { loadTable } from '../../data/io/index.js';
import type { ModelFile } from '../model.js';
import { loadModelJSON } from '../persist.js';
import { decisionTree, type TreeModel, treeModelFromFile } from './tree.js';
import type { TreeNodes } from './tree-core.js';

/** The 36-row grid x1 ∈ 1..6 × sex ∈ {F, M} × x2 ∈ 1..3 with y = yes iff x1 > 3 and sex = F. */
function ruleGrid(order: 'x1-first' | 'sex-first'): Table {
  const x1: number[] = [];
  const sex: string[] = [];
  const x2: number[] = [];
  const y: string[] = [];
  for (let a = 1; a <= 6; a++)
    for (const s of ['F', 'M'])
      for (let b = 1; b <= 3; b++) {
        x1.push(a);
        sex.push(s);
        x2.push(b);
        y.push(a > 3 && s === 'F' ? 'yes' : 'no');
      }
  return order === 'x1-first' ? fromArrays({ x1, sex, x2, y }) : fromArrays({ sex, x1, x2, y });
}

function structure(t: TreeNodes) {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    weight: Array.from(t.weight),
  };
}

function expectBitIdentical(a: Float64Array, b: Float64Array): void {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`row ${i}: ${a[i]} vs ${b[i]}`);
}

describe('decisionTree', () => {
  it('recovers the rule x1 > 3 AND sex = F exactly at depth 2, with the midpoint thresholds', async () => {
    const table = ruleGrid('x1-first');
    const m = await decisionTree({ maxDepth: 2 }).fit(table, 'y');
    expect(m.classes).toEqual(['no', 'yes']);
    expect(m.preprocessor.outputNames).toEqual(['x1', 'sex=F', 'sex=M', 'sex=<other>', 'x2']);
    // Root: x1 ≤ 3.5 (midpoint of 3 and 4) leaves 18 "no" rows on the left; the right node
    // (9 yes, 9 no) splits on sex=F ≤ 0.5 into 9 M rows (no) and 9 F rows (yes).
    expect(structure(m.nodes)).toEqual({
      feature: [0, -1, 1, -1, -1],
      threshold: [3.5, 0, 0.5, 0, 0],
      left: [1, -1, 3, -1, -1],
      right: [2, -1, 4, -1, -1],
      value: [27 / 36, 9 / 36, 1, 0, 0.5, 0.5, 1, 0, 0, 1],
      weight: [36, 18, 18, 9, 9],
    });
    expect(Array.from(m.nodes.count)).toEqual([36, 18, 18, 9, 9]);
    expect(m.depth).toBe(2);
    expect(m.leaves).toBe(3);
    const p = await m.predictProba(table);
    const y = toBinary(table.column('y'), ['yes']).values;
    for (let i = 0; i < 36; i++) expect(p[i]).toBe(y[i]);
    expect(m.toRules()).toBe(
      [
        'if x1 ≤ 3.5',
        '  → no (P(yes) = 0, 18 rows)',
        'else  # x1 > 3.5',
        '  if sex is not F',
        '    → no (P(yes) = 0, 9 rows)',
        '  else  # sex is F',
        '    → yes (P(yes) = 1, 9 rows)',
      ].join('\n'),
    );
  });

  it('breaks an exact gain tie by the lower encoded column index', async () => {
    // At the root, x1 ≤ 3.5 and sex=F ≤ 0.5 both leave one pure 18-row side (0 yes) and one 9/9
    // side: Σ_k w_k²/W summed over children = 324/18 + (81 + 81)/18 = 27 for both, an exact tie.
    // With sex first in the table, sex=F is column 0 and must win; with x1 first, x1 wins.
    const sexFirst = await decisionTree({ maxDepth: 1 }).fit(ruleGrid('sex-first'), 'y');
    expect(sexFirst.preprocessor.outputNames[sexFirst.nodes.feature[0]!]).toBe('sex=F');
    expect(sexFirst.nodes.threshold[0]).toBe(0.5);
    const x1First = await decisionTree({ maxDepth: 1 }).fit(ruleGrid('x1-first'), 'y');
    expect(x1First.preprocessor.outputNames[x1First.nodes.feature[0]!]).toBe('x1');
  });

  it('chooses different root splits under Gini and entropy on a hand-computed 6-row example', async () => {
    // x = 1..6, y = a a b c a c. Weighted child impurities (W·I):
    //   split 2.5: {a,a} | {b,c,a,c}: Gini 0 + (4 − (1+1+4)/4) = 2.5;  entropy 0 + 4·1.5 = 6 bits
    //   split 3.5: {a,a,b} | {c,a,c}: Gini 2·(3 − 5/3) = 2.667;         entropy 2·3·H(⅓,⅔) = 5.510 bits
    //   (1.5: 3.2 / 7.61; 4.5: 3.5 / 8.0; 5.5: 2.8 / 6.85.) Gini picks 2.5, entropy picks 3.5.
    const t = fromArrays({ x: [1, 2, 3, 4, 5, 6], y: ['a', 'a', 'b', 'c', 'a', 'c'] });
    const gini = await decisionTree({ maxDepth: 1, criterion: 'gini' }).fit(t, 'y');
    const entropy = await decisionTree({ maxDepth: 1, criterion: 'entropy' }).fit(t, 'y');
    expect(gini.task).toBe('multiclass');
    expect(gini.nodes.threshold[0]).toBe(2.5);
    expect(entropy.nodes.threshold[0]).toBe(3.5);
    // Entropy's left leaf {a,a,b}: P = (2/3, 1/3, 0); right {c,a,c}: (1/3, 0, 2/3).
    expect(Array.from(entropy.nodes.value.subarray(3, 9))).toEqual([2 / 3, 1 / 3, 0, 1 / 3, 0, 2 / 3]);
  });

  it('puts the weighted mean in regression leaves and picks the split of least squared error', async () => {
    // x = 1 2 3 10 11 12, y = 1 2 3 10 20 30. SSE after each split (left + right):
    //   2.5: 0.5 + 416.75; 6.5: 2 + 200; 10.5: (1,2,3,10 → mean 4, SSE 50) + (20,30 → 25, 50) = 100;
    //   11.5: 254.8 + 0; 1.5: 0 + 530. Best: 10.5, leaves 4 and 25.
    const t = fromArrays({ x: [1, 2, 3, 10, 11, 12], y: [1, 2, 3, 10, 20, 30] });
    const m = await decisionTree({ maxDepth: 1 }).fit(t, 'y');
    expect(m.task).toBe('regression');
    expect(m.criterion).toBe('squared');
    expect(m.nodes.threshold[0]).toBe(10.5);
    expect(Array.from(m.nodes.value)).toEqual([11, 4, 25]);
    expect(Array.from(await m.predictProba(fromArrays({ x: [0, 10.5, 10.6] })))).toEqual([4, 4, 25]);
    // Weights 3 on x = 11 (y 20): right leaf = (3·20 + 30)/4 = 22.5 if the split stays at 10.5.
    const w = await decisionTree({ maxDepth: 1 }).fit(t, 'y', {
      sampleWeight: new Float64Array([1, 1, 1, 1, 3, 1]),
    });
    expect(w.nodes.threshold[0]).toBe(10.5);
    expect(w.nodes.value[2]).toBe(22.5);
  });

  it('applies minImpurityDecrease as a share of the total weight, as scikit-learn does', async () => {
    // Same data: total SSE 688, after the 10.5 split 100, so the decrease per unit weight is 588/6 = 98.
    const t = fromArrays({ x: [1, 2, 3, 10, 11, 12], y: [1, 2, 3, 10, 20, 30] });
    const split = await decisionTree({ maxDepth: 1, minImpurityDecrease: 97.9 }).fit(t, 'y');
    const noSplit = await decisionTree({ maxDepth: 1, minImpurityDecrease: 98.1 }).fit(t, 'y');
    expect(split.nodes.nodeCount).toBe(3);
    expect(noSplit.nodes.nodeCount).toBe(1);
    expect(noSplit.nodes.value[0]).toBe(11);
  });

  it('respects maxDepth, minSamplesLeaf and minSamplesSplit, and counts add up from children to parents', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 4 }), fc.boolean()), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 12 }),
        async (rows, maxDepth, minSamplesLeaf, minSamplesSplit) => {
          // A one-class target is refused (AEQ_DATA_CONSTANT_TARGET, tested in the CLI e2e tests).
          fc.pre(rows.some((r) => r[2]) && rows.some((r) => !r[2]));
          const t = fromArrays({
            a: rows.map((r) => r[0]),
            b: rows.map((r) => r[1]),
            y: rows.map((r) => (r[2] ? 1 : 0)),
          });
          const m = await decisionTree({ maxDepth, minSamplesLeaf, minSamplesSplit }).fit(t, 'y');
          const n = m.nodes;
          expect(m.depth).toBeLessThanOrEqual(maxDepth);
          expect(n.count[0]).toBe(rows.length);
          for (let k = 0; k < n.nodeCount; k++) {
            if (n.feature[k]! < 0) {
              if (k > 0) expect(n.count[k]).toBeGreaterThanOrEqual(minSamplesLeaf);
              continue;
            }
            expect(n.count[k]).toBeGreaterThanOrEqual(minSamplesSplit);
            expect(n.count[n.left[k]!]! + n.count[n.right[k]!]!).toBe(n.count[k]);
            expect(n.weight[n.left[k]!]! + n.weight[n.right[k]!]!).toBe(n.weight[k]);
          }
        },
      ),
      { numRuns: 150, seed: 20240611 },
    );
  });

  it('gives the same tree for integer weights as for rows duplicated that many times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            a: fc.integer({ min: 0, max: 7 }),
            b: fc.integer({ min: -3, max: 3 }),
            y: fc.integer({ min: 0, max: 9 }),
            w: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 2, maxLength: 40 },
        ),
        fc.boolean(),
        async (rows, regression) => {
          const label = (y: number) => (regression ? y : y % 2);
          const kept = rows.filter((r) => r.w > 0);
          // Both classes must be present with positive weight, else the two targets differ in kind.
          fc.pre(regression || new Set(kept.map((r) => label(r.y))).size === 2);
          fc.pre(!regression || new Set(kept.map((r) => r.y)).size > 2);
          const weighted = fromArrays({
            a: rows.map((r) => r.a),
            b: rows.map((r) => r.b),
            y: rows.map((r) => label(r.y)),
            w: rows.map((r) => r.w),
          });
          const dup = kept.flatMap((r) => Array.from({ length: r.w }, () => r));
          const duplicated = fromArrays({
            a: dup.map((r) => r.a),
            b: dup.map((r) => r.b),
            y: dup.map((r) => label(r.y)),
          });
          const task = regression ? 'regression' : 'classification';
          const m1 = await decisionTree({ task }).fit(weighted, 'y', { sampleWeight: 'w' });
          const m2 = await decisionTree({ task }).fit(duplicated, 'y');
          // Integer weights and integer targets keep every sum exact, so equality is exact.
          expect(structure(m1.nodes)).toEqual(structure(m2.nodes));
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('is deterministic for a seed when maxFeatures draws columns, and the seed matters', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      a.push(i % 17);
      b.push((i * 7) % 13);
      c.push((i * 11) % 19);
      y.push((i % 17) + ((i * 7) % 13) > 14 ? 1 : 0);
    }
    const t = fromArrays({ a, b, c, y });
    const learner = decisionTree({ maxFeatures: 1, maxDepth: 4 });
    const m1 = await learner.fit(t, 'y', { seed: 11 });
    const m2 = await learner.fit(t, 'y', { seed: 11 });
    expect(JSON.stringify(m1.toJSON())).toBe(JSON.stringify(m2.toJSON()));
    const roots = new Set<number>();
    for (let s = 0; s < 12; s++) roots.add((await learner.fit(t, 'y', { seed: s })).nodes.feature[0]!);
    // One column drawn per node: over 12 seeds the root column cannot always be the same
    // (probability 3·(1/3)^12 ≈ 6e-6 for a fair draw; the seeds are fixed, so this is deterministic).
    expect(roots.size).toBeGreaterThan(1);
  });

  it('predicts class probabilities that sum to 1 for a multiclass target', async () => {
    const t = fromArrays({
      x: [1, 1, 2, 2, 3, 3, 4, 4, 5],
      z: ['p', 'q', 'p', 'q', 'p', 'q', 'p', 'q', 'p'],
      y: ['r', 'r', 'g', 'b', 'g', 'b', 'b', 'b', 'r'],
    });
    const m = await decisionTree({ maxDepth: 2 }).fit(t, 'y');
    expect(m.classes).toEqual(['b', 'g', 'r']);
    const p = await m.predictProba(t);
    expect(p.length).toBe(27);
    // Tolerance 1e-15: three proportions w_k/W of a leaf sum to 1 up to two roundings.
    for (let i = 0; i < 9; i++)
      expect(Math.abs(p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]! - 1)).toBeLessThan(1e-15);
  });

  it('fits every training row when grown fully on distinct inputs', async () => {
    const x = Array.from({ length: 50 }, (_, i) => (i * 37) % 50);
    const y = x.map((v) => ((v * v) % 7 > 3 ? 'hi' : 'lo'));
    const t = fromArrays({ x, y });
    const m = await decisionTree().fit(t, 'y', { positive: ['hi'] });
    const p = await m.predictProba(t);
    for (let i = 0; i < 50; i++) expect(p[i]).toBe(y[i] === 'hi' ? 1 : 0);
  });

  it('saves to JSON and loads back with bit-identical predictions (binary, multiclass, regression)', async () => {
    const t = fromArrays({
      x: [0.1, 0.25, 0.3, 0.7, 0.71, 0.9, 1.3, 2.2],
      g: ['u', 'v', 'u', null, 'v', 'u', 'v', 'u'],
      bin: ['n', 'y', 'n', 'y', 'y', 'n', 'y', 'y'],
      multi: ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'c'],
      reg: [0.3, 1.7, 2.9, 0.1, 5.5, 3.3, 2.2, 9.1],
    });
    const cases = [
      ['bin', ['x', 'g']],
      ['multi', ['x', 'g']],
      ['reg', ['x', 'g']],
    ] as const;
    for (const [target, features] of cases) {
      const m = await decisionTree({ criterion: target === 'reg' ? 'squared' : 'entropy' }).fit(t, target, {
        features,
        ...(target === 'bin' ? { positive: ['y'] } : {}),
      });
      const back = loadModelJSON(JSON.stringify(m.toJSON()));
      expect(back.kind).toBe('tree');
      expect((back as TreeModel).toRules()).toBe(m.toRules());
      expectBitIdentical(await m.predictProba(t), await back.predictProba(t));
    }
  });

  it('rejects a criterion that does not fit the task and a corrupt model file', async () => {
    expect.assertions(5);
    const t = fromArrays({ x: [1, 2, 3], y: [1.5, 2.5, 7] });
    try {
      await decisionTree({ criterion: 'gini' }).fit(t, 'y');
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_INVALID_ARGUMENT');
      expect((e as Error).message).toContain('criterion');
    }
    expect(() => decisionTree({ maxDepth: -1 })).toThrow(/maxDepth/);
    const file = (await decisionTree().fit(t, 'y')).toJSON();
    const params = file.parameters as { tree: { left: number[] } };
    const corrupt: ModelFile = {
      ...file,
      parameters: { ...params, tree: { ...params.tree, left: [0, -1, -1, -1, -1] } },
    };
    try {
      treeModelFromFile(corrupt);
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_MODEL_FORMAT');
      expect((e as Error).message).toContain('node 0 has children 0 and 2');
    }
  });
});

describe('decisionTree on Adult', () => {
  let train: Table;
  let test: Table;
  let model: TreeModel;
  beforeAll(async () => {
    train = await loadTable('examples/data/adult-train.csv');
    test = await loadTable('examples/data/adult-test.csv');
    model = await decisionTree({ maxDepth: 8 }).fit(train, 'income', { positive: ['>50K'] });
  });

  it('reaches test accuracy ≥ 0.85 at depth 8 (train on adult-train.csv, score adult-test.csv)', async () => {
    const p = await model.predictProba(test);
    const y = toBinary(test.column('income'), ['>50K']).values;
    let right = 0;
    for (let i = 0; i < p.length; i++) if ((p[i]! >= 0.5 ? 1 : 0) === y[i]) right++;
    // Measured 0.8565 with this code; the bound leaves room for harmless changes in tie handling.
    expect(right / p.length).toBeGreaterThanOrEqual(0.85);
    expect(model.depth).toBe(8);
  });

  it('reproduces Adult test predictions bit for bit after a JSON round trip', async () => {
    const back = loadModelJSON(JSON.stringify(model.toJSON()));
    expectBitIdentical(await model.predictProba(test), await back.predictProba(test));
  });
});
