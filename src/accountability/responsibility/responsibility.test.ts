import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupCodes } from '../../bias/index.js';
import { fromArrays } from '../../data/index.js';
import { logisticRegression } from '../../models/index.js';
import { binFeature } from './bins.js';
import { type ErrorTreeNode, errorTree } from './error-tree.js';
import { findSlices } from './slices.js';
import { counterfactualStages, decomposeGap } from './stages.js';

/** 400 rows: a ∈ {x, y} and b ∈ {p, q} in equal cells of 100; errors 80/100 in (x, p), 10/100 elsewhere. */
function concentrated() {
  const a: string[] = [];
  const b: string[] = [];
  const err = new Float64Array(400);
  for (let i = 0; i < 400; i++) {
    const cell = Math.floor(i / 100);
    a.push(cell < 2 ? 'x' : 'y');
    b.push(cell % 2 === 0 ? 'p' : 'q');
    err[i] = i % 100 < (cell === 0 ? 80 : 10) ? 1 : 0;
  }
  return { table: fromArrays({ a, b }), err };
}

describe('binFeature', () => {
  it('cuts numbers at quantiles and reads each bin as a predicate', () => {
    const t = fromArrays({ age: [20, 30, 40, 50, 60, 70] });
    const b = binFeature(t, 'age', 2);
    // 6 sorted values, cut at sorted[floor(6/2)] = 50
    expect(b.labels).toEqual(['age < 50', 'age ≥ 50']);
    expect(Array.from(b.codes)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(b.edges).toEqual([50]);
  });

  it('gives each of few distinct values its own bin and missing cells a bin of their own', () => {
    const t = fromArrays({ k: [1, 2, null, 1], s: ['u', null, 'v', 'u'] });
    const k = binFeature(t, 'k', 5);
    expect(k.labels).toEqual(['k = 1', 'k = 2', 'k missing']);
    expect(Array.from(k.codes)).toEqual([0, 1, 2, 0]);
    const s = binFeature(t, 's', 5);
    expect(s.labels[s.missingBin]).toBe('s missing');
    expect(s.codes[1]).toBe(s.missingBin);
  });
});

describe('findSlices', () => {
  it('puts the cell where errors concentrate first, with its exact rates and the pooled z test', () => {
    const { table, err } = concentrated();
    const r = findSlices(table, err, { minSize: 50 });
    const top = r.slices[0]!;
    expect(top.description).toBe('a = x ∧ b = p');
    expect(top.size).toBe(100);
    expect(top.loss).toBe(0.8);
    expect(top.complementLoss).toBe(0.1); // 30 errors in 300 rows
    // pooled p = 110/400; z = 0.7 / √(p(1−p)(1/100 + 1/300)); p-value = 2Φ(−|z|) ≈ 0 at z ≈ 13.6
    const p = 110 / 400;
    const z = 0.7 / Math.sqrt(p * (1 - p) * (1 / 100 + 1 / 300));
    expect(z).toBeGreaterThan(13);
    expect(top.pValue).toBeLessThan(1e-30);
    expect(top.significant).toBe(true);
    // The single predicate a = x: 90 errors in 200 rows against 20 in 200.
    const ax = r.slices.find((s) => s.description === 'a = x')!;
    expect(ax.loss).toBe(0.45);
    expect(ax.complementLoss).toBe(0.1);
  });

  it('drops pairs that are no worse than one of their single-predicate parents', () => {
    // errors depend on a only: 50% for x, 10% for y, independent of b
    const a: string[] = [];
    const b: string[] = [];
    const err: number[] = [];
    for (let i = 0; i < 400; i++) {
      a.push(i < 200 ? 'x' : 'y');
      b.push(i % 2 === 0 ? 'p' : 'q');
      err.push(i < 200 ? (i % 4 < 2 ? 1 : 0) : i % 10 === 0 || i % 10 === 1 ? i % 10 : 0);
    }
    const r = findSlices(fromArrays({ a, b }), err, { minSize: 20 });
    for (const s of r.slices) if (s.predicates.length === 2) expect(s.predicates).not.toContain('a = x');
    expect(r.slices[0]!.description).toBe('a = x');
  });

  it('keeps slice and complement consistent with the total loss, for any losses', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('u', 'v', 'w'),
            fc.integer({ min: 0, max: 9 }),
            fc.double({ min: 0, max: 5, noNaN: true }),
          ),
          {
            minLength: 20,
            maxLength: 120,
          },
        ),
        (rows) => {
          const t = fromArrays({ c: rows.map((r) => r[0]), x: rows.map((r) => r[1]) });
          const loss = rows.map((r) => r[2]);
          const total = loss.reduce((s, v) => s + v, 0);
          const rep = findSlices(t, loss, { minSize: 1, topK: 1000 });
          for (const s of rep.slices) {
            expect(s.loss * s.size + s.complementLoss * (rows.length - s.size)).toBeCloseTo(total, 8);
            expect(s.difference).toBeGreaterThan(0);
            expect(s.adjustedPValue).toBeGreaterThanOrEqual(s.pValue - 1e-15);
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('refuses a loss of the wrong length or a negative loss', () => {
    const { table } = concentrated();
    expect(() => findSlices(table, new Float64Array(3))).toThrow(/one value per row \(400\)/);
    const bad = new Float64Array(400);
    bad[5] = -1;
    expect(() => findSlices(table, bad)).toThrow(/loss\[5\]/);
  });
});

describe('errorTree', () => {
  it('splits first where the error rate jumps and leaves pure leaves', () => {
    const age: number[] = [];
    const err: number[] = [];
    for (let v = 20; v < 60; v++)
      for (let r = 0; r < 10; r++) {
        age.push(v);
        err.push(v < 30 ? 1 : 0);
      }
    const tree = errorTree(fromArrays({ age }), err, { maxDepth: 3, minLeaf: 10 });
    expect(tree.size).toBe(400);
    expect(tree.loss).toBe(0.25);
    expect(tree.split?.feature).toBe('age');
    const [yes, no] = tree.children!;
    expect(yes.path).toEqual(['age < 30']);
    expect(yes.size).toBe(100);
    expect(yes.loss).toBe(1);
    expect(no.path).toEqual(['age ≥ 30']);
    expect(no.loss).toBe(0);
    expect(yes.children).toBeUndefined(); // pure: no split gains
    // gain = nl·nr/n·(1 − 0)² = 100·300/400 = 75
    expect(tree.split?.gain).toBeCloseTo(75, 12);
  });

  it('keeps every node consistent: children partition the rows and average to the parent', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 30 }),
            fc.constantFrom('a', 'b', 'c'),
            fc.integer({ min: 0, max: 1 }),
          ),
          {
            minLength: 40,
            maxLength: 200,
          },
        ),
        (rows) => {
          const t = fromArrays({ n: rows.map((r) => r[0]), c: rows.map((r) => r[1]) });
          const tree = errorTree(
            t,
            rows.map((r) => r[2]),
            { minLeaf: 5, maxDepth: 3 },
          );
          const check = (node: ErrorTreeNode) => {
            if (!node.children) return;
            const [l, r] = node.children;
            expect(l.size + r.size).toBe(node.size);
            expect(l.size).toBeGreaterThanOrEqual(5);
            expect((l.loss * l.size + r.loss * r.size) / node.size).toBeCloseTo(node.loss, 10);
            check(l);
            check(r);
          };
          check(tree);
        },
      ),
      { numRuns: 50, seed: 11 },
    );
  });
});

describe('decomposeGap', () => {
  it('splits the decision gap into data, model and threshold parts that sum to it', () => {
    // A: labels 5/10, scores mean 0.55, decisions 6/10; B: labels 3/10, scores mean 0.3, decisions 2/10
    const groups = Array.from({ length: 20 }, (_, i) => (i < 10 ? 'A' : 'B'));
    const labels = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const scores = [...new Array(10).fill(0.55), ...new Array(10).fill(0.3)];
    const decisions = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const d = decomposeGap({
      labels,
      scores,
      decisions,
      groups: groupCodes(fromArrays({ g: groups }), ['g']),
      group: 'A',
      reference: 'B',
    });
    expect(d.gaps.decision).toBeCloseTo(0.4, 12);
    expect(d.stages.data).toBeCloseTo(0.2, 12);
    expect(d.stages.model).toBeCloseTo(0.05, 12);
    expect(d.stages.threshold).toBeCloseTo(0.15, 12);
  });

  it('refuses a single group', () => {
    const g = groupCodes(fromArrays({ g: ['A', 'A'] }), ['g']);
    expect(() => decomposeGap({ labels: [0, 1], scores: [0.2, 0.7], decisions: [0, 1], groups: g })).toThrow(
      /1 group\(s\).*a gap needs two/,
    );
  });
});

describe('counterfactualStages', () => {
  it('shares the gap between data and sensitive input so that the parts add up, and re-fits honestly', async () => {
    // The label depends on the group (base rates 0.7 vs 0.3) and on x.
    const n = 600;
    const sex: string[] = [];
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = i % 2 === 0;
      sex.push(f ? 'F' : 'M');
      const xi = ((i * 37) % 101) / 100;
      x.push(xi);
      y.push((f ? 0.3 : 0.7) + 0.4 * (xi - 0.5) > ((i * 53) % 97) / 97 ? 1 : 0);
    }
    const table = fromArrays({ sex, x, y });
    const learner = logisticRegression();
    const r = await counterfactualStages({
      train: table,
      test: table,
      learner,
      label: 'y',
      positive: ['1'],
      sensitive: 'sex',
    });
    const { baseline, both } = r.runs;
    expect(r.shares.data + r.shares.sensitiveInput + r.shares.remaining).toBeCloseTo(baseline.gap, 12);
    expect(r.shares.remaining).toBe(both.gap);
    // The baseline run, recomputed by fitting the same learner directly.
    const m = await learner.fit(table, 'y', { features: ['sex', 'x'], positive: ['1'] });
    const p = await m.predictProba(table);
    let selF = 0;
    let selM = 0;
    for (let i = 0; i < n; i++) {
      if (sex[i] === 'F') selF += p[i]! >= 0.5 ? 1 : 0;
      else selM += p[i]! >= 0.5 ? 1 : 0;
    }
    expect(baseline.gap).toBeCloseTo(Math.abs(selF - selM) / (n / 2), 12);
    // Removing both the imbalance and the sensitive input leaves a smaller gap on this data.
    expect(both.gap).toBeLessThan(baseline.gap);
  });
});
