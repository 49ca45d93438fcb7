import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAequaError, seededRng } from '../../core/index.js';
import { fromArrays, type Table, toBinary } from '../../data/index.js';
import { loadTable } from '../../data/io/index.js';
import { loadModelJSON } from '../persist.js';
import { type GbdtModel, gradientBoosting } from './gbdt.js';
import { decisionTree } from './tree.js';

function expectBitIdentical(a: Float64Array, b: Float64Array): void {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`row ${i}: ${a[i]} vs ${b[i]}`);
}

/** A seeded regression table: three columns on grids of ≤ 60 values, y a noisy function of them. */
function regressionTable(seed: number, n: number): Table {
  const rng = seededRng(seed);
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const ai = Math.floor(rng.nextFloat64() * 60) / 4;
    const bi = Math.floor(rng.nextFloat64() * 40) - 20;
    const ci = Math.floor(rng.nextFloat64() * 7);
    a.push(ai);
    b.push(bi);
    c.push(ci);
    y.push(Math.sin(ai) * 3 + (bi > 4 ? 2 : 0) + ci * 0.5 + rng.nextFloat64());
  }
  return fromArrays({ a, b, c, y });
}

describe('gradientBoosting', () => {
  it('with squared loss, one depth-1 tree and learning rate 1 equals the best CART stump', async () => {
    // F = ȳ + leaf mean of (y − ȳ) = the leaf mean of y, and the histogram gain G_L²/H_L + G_R²/H_R − G²/H
    // equals the SSE decrease, so with one bin per distinct value (≤ 60 < 255) both pick the same split.
    for (let seed = 1; seed <= 10; seed++) {
      const t = regressionTable(seed, 300);
      const g = await gradientBoosting({
        loss: 'squared',
        nEstimators: 1,
        learningRate: 1,
        maxDepth: 1,
        minSamplesLeaf: 1,
      }).fit(t, 'y');
      const s = await decisionTree({ maxDepth: 1 }).fit(t, 'y');
      const tree = g.trees[0]!;
      expect(tree.feature[0]).toBe(s.nodes.feature[0]);
      expect(tree.threshold[0]).toBe(s.nodes.threshold[0]);
      const pg = await g.predictProba(t);
      const ps = await s.predictProba(t);
      // Tolerance 1e-12 absolute: ȳ + mean(y − ȳ) and mean(y) differ only by rounding on values of order 10.
      for (let i = 0; i < pg.length; i++) expect(Math.abs(pg[i]! - ps[i]!)).toBeLessThan(1e-12);
    }
  });

  it('with squared loss, one depth-3 tree and learning rate 1 predicts like a depth-3 CART regression tree', async () => {
    // Greedy growth with the same gain over the same candidate partitions gives the same leaves (the
    // node numbering differs: depth-first here, breadth-first in CART), so the leaf means agree.
    for (let seed = 11; seed <= 15; seed++) {
      const t = regressionTable(seed, 400);
      const g = await gradientBoosting({
        loss: 'squared',
        nEstimators: 1,
        learningRate: 1,
        maxDepth: 3,
        minSamplesLeaf: 5,
      }).fit(t, 'y');
      const s = await decisionTree({ maxDepth: 3, minSamplesLeaf: 5 }).fit(t, 'y');
      // Below the root the thresholds may differ while the partition is the same: CART cuts midway
      // between the values present in the node, the histogram at the global bin edge.
      expect(g.trees[0]!.threshold[0]).toBe(s.nodes.threshold[0]);
      const pg = await g.predictProba(t);
      const ps = await s.predictProba(t);
      // Tolerance 1e-12 absolute, as for the stump.
      for (let i = 0; i < pg.length; i++) expect(Math.abs(pg[i]! - ps[i]!)).toBeLessThan(1e-12);
    }
  });

  it('starts from the log-odds of the weighted base rate and takes Newton steps −G/(H + λ) in the leaves', async () => {
    // Weights give base rate (1·1 + 1·0 + 2·1 + 1·0 + 1·1 + 2·0)/8 = 4/8: F₀ = log(1) = 0, p = ½,
    // g = w(½ − y), h = w/4. Left (x = 0): rows (w, y) = (1,1) (1,0) (2,1): G = −½ + ½ − 1 = −1,
    // H = 1. Right (x = 1): (1,0) (1,1) (2,0): G = ½ − ½ + 1 = 1, H = 1. With λ = 1, η = 0.5 the
    // leaves are −0.5·(−1)/2 = 0.25 and −0.25; the root holds −0.5·0/(2 + 1) = −0 (G sums to 0 exactly).
    const t = fromArrays({ x: [0, 0, 0, 1, 1, 1], y: [1, 0, 1, 0, 1, 0] });
    const m = await gradientBoosting({
      nEstimators: 1,
      maxDepth: 1,
      minSamplesLeaf: 1,
      learningRate: 0.5,
      l2: 1,
    }).fit(t, 'y', { sampleWeight: new Float64Array([1, 1, 2, 1, 1, 2]) });
    expect(m.baseScore).toBe(0);
    const tree = m.trees[0]!;
    expect(Array.from(tree.feature)).toEqual([0, -1, -1]);
    expect(tree.threshold[0]).toBe(0.5);
    expect(Array.from(tree.value)).toEqual([-0, 0.25, -0.25]);
    expect(Array.from(tree.weight)).toEqual([2, 1, 1]);
    expect(Array.from(m.rawScore(fromArrays({ x: [0, 1] })))).toEqual([0.25, -0.25]);
    // Base rate 3/4 unweighted on a constant feature (no split possible): F₀ = log(3).
    const c = await gradientBoosting({ nEstimators: 1 }).fit(
      fromArrays({ x: [1, 1, 1, 1], y: [1, 1, 0, 1] }),
      'y',
    );
    expect(c.baseScore).toBe(Math.log(0.75 / 0.25));
    expect(c.trees[0]!.nodeCount).toBe(1);
  });

  it('cuts columns into quantile bins whose edges are midpoints between distinct training values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.double({ min: -5, max: 5, noNaN: true })), {
          minLength: 8,
          maxLength: 80,
        }),
        fc.integer({ min: 2, max: 9 }),
        async (rows, maxBins) => {
          const x = rows.map((r) => r[0]);
          const t = fromArrays({ x, y: rows.map((r) => r[1]) });
          const m = await gradientBoosting({
            loss: 'squared',
            nEstimators: 3,
            maxDepth: 3,
            minSamplesLeaf: 1,
            maxBins,
          }).fit(t, 'y');
          const distinct = [...new Set(x)].sort((a, b) => a - b);
          const mids = new Set(distinct.slice(1).map((v, k) => distinct[k]! + (v - distinct[k]!) / 2));
          const used = new Set<number>();
          for (const tree of m.trees)
            for (let k = 0; k < tree.nodeCount; k++) {
              if (tree.feature[k]! < 0) continue;
              expect(mids.has(tree.threshold[k]!)).toBe(true);
              used.add(tree.threshold[k]!);
            }
          // At most maxBins bins means at most maxBins − 1 edges to split at.
          expect(used.size).toBeLessThanOrEqual(maxBins - 1);
        },
      ),
      { numRuns: 100, seed: 99 },
    );
  });

  it('is deterministic for a seed when rows are subsampled, and each tree sees round(subsample·n) rows', async () => {
    const t = regressionTable(3, 500);
    const learner = gradientBoosting({ loss: 'squared', nEstimators: 5, subsample: 0.3 });
    const m1 = await learner.fit(t, 'y', { seed: 5 });
    const m2 = await learner.fit(t, 'y', { seed: 5 });
    const m3 = await learner.fit(t, 'y', { seed: 6 });
    expect(JSON.stringify(m1.toJSON())).toBe(JSON.stringify(m2.toJSON()));
    expect(JSON.stringify(m1.toJSON())).not.toBe(JSON.stringify(m3.toJSON()));
    for (const tree of m1.trees) expect(tree.count[0]).toBe(150);
  });

  it('gives the same predictions for integer weights as for duplicated rows, up to rounding', async () => {
    const base = regressionTable(8, 120);
    const rng = seededRng(8);
    const w = Array.from({ length: 120 }, () => 1 + Math.floor(rng.nextFloat64() * 3));
    const cols = { a: [] as number[], b: [] as number[], c: [] as number[], y: [] as number[] };
    const col = (name: string) => (base.column(name) as { values: Float64Array }).values;
    for (let i = 0; i < 120; i++)
      for (let r = 0; r < w[i]!; r++) for (const k of ['a', 'b', 'c', 'y'] as const) cols[k].push(col(k)[i]!);
    // ≤ 60 distinct values per column < maxBins, so both fits see the same bins; minSamplesLeaf 1
    // so row counts (which differ) never decide. Leaf sums differ only in summation order.
    const learner = gradientBoosting({ loss: 'squared', nEstimators: 20, minSamplesLeaf: 1 });
    const m1 = await learner.fit(base.withColumn('w', fromArrays({ w }).column('w')), 'y', {
      sampleWeight: 'w',
    });
    const m2 = await learner.fit(fromArrays(cols), 'y');
    const p1 = await m1.predictProba(base);
    const p2 = await m2.predictProba(base);
    // Tolerance 1e-9: predictions of order 10 after 20 rounds of sums reordered (≈ 1e-14 each).
    for (let i = 0; i < 120; i++) expect(Math.abs(p1[i]! - p2[i]!)).toBeLessThan(1e-9);
  });

  it("stops with the signal's reason when aborted between trees", async () => {
    expect.assertions(2);
    const ac = new AbortController();
    const done: number[] = [];
    try {
      await gradientBoosting({ loss: 'squared', nEstimators: 10 }).fit(regressionTable(4, 100), 'y', {
        signal: ac.signal,
        onProgress: (p) => {
          done.push(p.done);
          if (p.done === 3) ac.abort(new Error('stop here'));
        },
      });
    } catch (e) {
      expect((e as Error).message).toBe('stop here');
    }
    expect(done).toEqual([1, 2, 3]);
  });

  it('rejects a multiclass target and options out of range', async () => {
    expect.assertions(4);
    try {
      await gradientBoosting().fit(fromArrays({ x: [1, 2, 3], y: ['a', 'b', 'c'] }), 'y');
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_INVALID_ARGUMENT');
      expect((e as Error).message).toContain('3 classes');
    }
    expect(() => gradientBoosting({ maxBins: 300 })).toThrow(/maxBins/);
    expect(() => gradientBoosting({ subsample: 0 })).toThrow(/subsample/);
  });
});

describe('gradientBoosting on Adult', () => {
  let train: Table;
  let test: Table;
  let model: GbdtModel;
  beforeAll(async () => {
    train = await loadTable('examples/data/adult-train.csv');
    test = await loadTable('examples/data/adult-test.csv');
    model = await gradientBoosting().fit(train, 'income', { positive: ['>50K'] });
  });

  it('reaches test accuracy ≥ 0.86 with the default options', async () => {
    const p = await model.predictProba(test);
    const y = toBinary(test.column('income'), ['>50K']).values;
    let right = 0;
    for (let i = 0; i < p.length; i++) if ((p[i]! >= 0.5 ? 1 : 0) === y[i]) right++;
    // Measured 0.8692 with this code, fitted in about 1.1 s on one core.
    expect(right / p.length).toBeGreaterThanOrEqual(0.86);
    expect(model.trees.length).toBe(100);
  });

  it('lowers the logistic training loss at every round, starting below the base-rate loss', () => {
    // Base rate 7841/32561: the loss of the constant log-odds is the binary entropy in nats,
    // −(r ln r + (1 − r) ln(1 − r)) = 0.55214…
    const r = 7841 / 32561;
    const baseLoss = -(r * Math.log(r) + (1 - r) * Math.log(1 - r));
    expect(model.baseScore).toBeCloseTo(Math.log(7841 / 24720), 14);
    expect(model.trainLoss[0]!).toBeLessThan(baseLoss);
    for (let t = 1; t < model.trainLoss.length; t++) {
      if (!(model.trainLoss[t]! < model.trainLoss[t - 1]!))
        expect.fail(`round ${t}: ${model.trainLoss[t]} ≥ ${model.trainLoss[t - 1]}`);
    }
  });

  it('reproduces Adult test predictions bit for bit after a JSON round trip', async () => {
    const back = loadModelJSON(JSON.stringify(model.toJSON()));
    expect(back.kind).toBe('gbdt');
    expectBitIdentical(await model.predictProba(test), await back.predictProba(test));
    expectBitIdentical(model.rawScore(test), (back as GbdtModel).rawScore(test));
  });
});
