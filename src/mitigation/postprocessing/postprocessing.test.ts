import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AequaError, normalVariate, seededRng } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { loadModelJSON, logisticRegression, saveModelJSON } from '../../models/index.js';
import { perGroupThresholds } from './per-group-thresholds.js';
import { postProcessedModel } from './post-processed-model.js';
import { rejectOptionClassification } from './reject-option.js';
import { applyRule } from './rule.js';
import { thresholdOptimizer } from './threshold-optimizer.js';

/** Scores, labels and groups where group "a" gets lower scores for the same label. */
function scored(n: number, seed: number): { s: number[]; y: number[]; g: string[] } {
  const rng = seededRng(seed);
  const s: number[] = [];
  const y: number[] = [];
  const g: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.nextFloat64() < 0.4;
    const yi = rng.nextFloat64() < (a ? 0.3 : 0.5) ? 1 : 0;
    const z = normalVariate(rng) + (yi ? 1 : -1) - (a ? 0.7 : 0);
    // Round to 2 decimals so that many rows tie on a score (the randomized boundary must handle ties).
    s.push(Math.round(100 / (1 + Math.exp(-z))) / 100);
    y.push(yi);
    g.push(a ? 'a' : 'b');
  }
  return { s, y, g };
}

/** Expected rates per group under P(ŷ = 1) = p, by plain loops. */
function rates(p: Float64Array, y: readonly number[], g: readonly string[]) {
  const out: Record<string, { sel: number; tpr: number; fpr: number }> = {};
  for (const k of new Set(g)) {
    let n = 0;
    let s = 0;
    let pos = 0;
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < g.length; i++) {
      if (g[i] !== k) continue;
      n++;
      s += p[i]!;
      if (y[i] === 1) {
        pos++;
        tp += p[i]!;
      } else fp += p[i]!;
    }
    out[k] = { sel: s / n, tpr: tp / pos, fpr: fp / (n - pos) };
  }
  return out;
}

function accuracy(p: Float64Array, y: readonly number[]): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) c += y[i] === 1 ? p[i]! : 1 - p[i]!;
  return c / y.length;
}

const data = scored(2000, 5);

describe('thresholdOptimizer', () => {
  it('selects the top row of each group in a four-row example', () => {
    const r = thresholdOptimizer([0.9, 0.4, 0.8, 0.2], [1, 0, 1, 0], ['a', 'a', 'b', 'b'], {
      constraint: 'demographic_parity',
    });
    // Selecting one row per group (rate 1/2) classifies all four rows correctly: accuracy 1.
    expect(r.rate).toBe(0.5);
    expect(r.value).toBeCloseTo(1, 15);
    expect(Array.from(applyRule(r.rule, [0.9, 0.4, 0.8, 0.2], ['a', 'a', 'b', 'b']))).toEqual([1, 0, 1, 0]);
  });

  it('equalises expected selection rates for demographic parity', () => {
    const r = thresholdOptimizer(data.s, data.y, data.g, { constraint: 'demographic_parity' });
    const p = applyRule(r.rule, data.s, data.g);
    const q = rates(p, data.y, data.g);
    // Exact by construction up to floating point in the interpolation (1e-12).
    expect(Math.abs(q.a!.sel - q.b!.sel)).toBeLessThan(1e-12);
    expect(q.a!.sel).toBeCloseTo(r.rate, 12);
    expect(accuracy(p, data.y)).toBeCloseTo(r.value, 12);
  });

  it('equalises expected TPR and FPR for equalized odds', () => {
    for (const objective of ['accuracy', 'balanced_accuracy'] as const) {
      const r = thresholdOptimizer(data.s, data.y, data.g, { constraint: 'equalized_odds', objective });
      const q = rates(applyRule(r.rule, data.s, data.g), data.y, data.g);
      expect(Math.abs(q.a!.tpr - q.b!.tpr)).toBeLessThan(1e-12);
      expect(Math.abs(q.a!.fpr - q.b!.fpr)).toBeLessThan(1e-12);
    }
  });

  it('equalises expected TPR for true-positive-rate parity and beats every constant rule', () => {
    const r = thresholdOptimizer(data.s, data.y, data.g, { constraint: 'true_positive_rate_parity' });
    const p = applyRule(r.rule, data.s, data.g);
    const q = rates(p, data.y, data.g);
    expect(Math.abs(q.a!.tpr - q.b!.tpr)).toBeLessThan(1e-12);
    // Constant rules (all 0 or all 1) also satisfy it; the optimum must be at least as accurate.
    const base = data.y.reduce((a, b) => a + b, 0) / data.y.length;
    expect(accuracy(p, data.y)).toBeGreaterThanOrEqual(Math.max(base, 1 - base));
  });

  it('meets demographic parity on random inputs (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.boolean(), fc.constantFrom('a', 'b', 'c')), {
          minLength: 3,
          maxLength: 60,
        }),
        (rows) => {
          const g = rows.map((r) => r[2]);
          fc.pre(new Set(g).size >= 2);
          const s = rows.map((r) => r[0] / 10);
          const y = rows.map((r) => (r[1] ? 1 : 0));
          const r = thresholdOptimizer(s, y, g, { constraint: 'demographic_parity', gridSize: 50 });
          const q = rates(applyRule(r.rule, s, g), y, g);
          const sels = Object.values(q).map((v) => v.sel);
          expect(Math.max(...sels) - Math.min(...sels)).toBeLessThan(1e-9);
        },
      ),
      { seed: 3, numRuns: 150 },
    );
  });

  it('is at least as accurate as every deterministic pair of thresholds with equal selection rates, and reports its own accuracy (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean(), fc.boolean()), {
          minLength: 4,
          maxLength: 40,
        }),
        (rows) => {
          const g = rows.map((r) => (r[2] ? 'a' : 'b'));
          fc.pre(new Set(g).size === 2);
          const s = rows.map((r) => r[0] / 6);
          const y = rows.map((r) => (r[1] ? 1 : 0));
          const r = thresholdOptimizer(s, y, g, { constraint: 'demographic_parity' });
          const p = applyRule(r.rule, s, g);
          expect(accuracy(p, y)).toBeCloseTo(r.value, 12);
          // Brute force: every threshold t_a, t_b in {0, 1/6, …, 1, +∞}; keep pairs whose selection
          // rates are exactly equal (compared as cross-multiplied integer counts).
          const ts = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => k / 6);
          const na = g.filter((v) => v === 'a').length;
          const nb = g.length - na;
          let best = 0;
          for (const ta of ts)
            for (const tb of ts) {
              let sa = 0;
              let sb = 0;
              let correct = 0;
              for (let i = 0; i < s.length; i++) {
                const d = s[i]! >= (g[i] === 'a' ? ta : tb) ? 1 : 0;
                if (g[i] === 'a') sa += d;
                else sb += d;
                correct += d === y[i] ? 1 : 0;
              }
              if (sa * nb === sb * na) best = Math.max(best, correct / s.length);
            }
          // Randomized rules can only do better; 1e-12 covers the interpolation's rounding.
          expect(r.value).toBeGreaterThanOrEqual(best - 1e-12);
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it('meets equalized odds and TPR parity with heavy ties (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constantFrom('a', 'b', 'c')), {
          minLength: 6,
          maxLength: 60,
        }),
        (rows) => {
          const g = rows.map((r) => r[2]);
          const s = rows.map((r) => r[0] / 3);
          const y = rows.map((r) => (r[1] ? 1 : 0));
          const cells = new Set(rows.map((r) => `${r[2]}${r[1]}`));
          const groups = new Set(g);
          fc.pre(groups.size >= 2 && cells.size === 2 * groups.size);
          for (const constraint of ['equalized_odds', 'true_positive_rate_parity'] as const) {
            const q = rates(applyRule(thresholdOptimizer(s, y, g, { constraint }).rule, s, g), y, g);
            const tprs = Object.values(q).map((v) => v.tpr);
            expect(Math.max(...tprs) - Math.min(...tprs)).toBeLessThan(1e-9);
            if (constraint === 'equalized_odds') {
              const fprs = Object.values(q).map((v) => v.fpr);
              expect(Math.max(...fprs) - Math.min(...fprs)).toBeLessThan(1e-9);
            }
          }
        },
      ),
      { seed: 12, numRuns: 150 },
    );
  });

  it('refuses one group and a group without positives', () => {
    expect(() =>
      thresholdOptimizer([0.1, 0.2], [0, 1], ['a', 'a'], { constraint: 'demographic_parity' }),
    ).toThrow(expect.objectContaining({ code: 'AEQ_MITIGATION_SINGLE_GROUP' }));
    expect(() =>
      thresholdOptimizer([0.1, 0.2, 0.3], [0, 0, 1], ['a', 'a', 'b'], { constraint: 'equalized_odds' }),
    ).toThrow(expect.objectContaining({ code: 'AEQ_MITIGATION_SINGLE_GROUP' }));
  });
});

describe('perGroupThresholds', () => {
  it('selects exactly k rows per group in expectation, ties included', () => {
    const s = [0.9, 0.5, 0.5, 0.5, 0.1, 0.7, 0.7, 0.2];
    const g = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b'];
    const rule = perGroupThresholds(s, null, g, { kind: 'topK', k: 2 });
    const p = applyRule(rule, s, g);
    // a: 0.9 surely, then one of the three 0.5 rows: 1/3 each. b: both 0.7 rows.
    expect(Array.from(p)).toEqual([1, 1 / 3, 1 / 3, 1 / 3, 0, 1, 1, 0]);
  });

  it('reaches a target TPR in every group', () => {
    const rule = perGroupThresholds(data.s, data.y, data.g, { kind: 'targetTpr', target: 0.8 });
    const q = rates(applyRule(rule, data.s, data.g), data.y, data.g);
    expect(q.a!.tpr).toBeCloseTo(0.8, 12);
    expect(q.b!.tpr).toBeCloseTo(0.8, 12);
  });

  it('reaches a target FPR and applies fixed thresholds per group', () => {
    const rule = perGroupThresholds(data.s, data.y, data.g, { kind: 'targetFpr', target: 0.1 });
    const q = rates(applyRule(rule, data.s, data.g), data.y, data.g);
    expect(q.a!.fpr).toBeCloseTo(0.1, 12);
    expect(q.b!.fpr).toBeCloseTo(0.1, 12);
    const fixed = perGroupThresholds([0.3, 0.3], null, ['a', 'b'], {
      kind: 'fixed',
      threshold: { a: 0.2, b: 0.4 },
    });
    expect(Array.from(applyRule(fixed, [0.3, 0.3], ['a', 'b']))).toEqual([1, 0]);
  });
});

describe('rejectOptionClassification', () => {
  it('reports a disparity that matches the rule it returns, within the bound', () => {
    const r = rejectOptionClassification(data.s, data.y, data.g, { bound: 0.05 });
    const q = rates(applyRule(r.rule, data.s, data.g), data.y, data.g);
    expect(Math.abs(q.a!.sel - q.b!.sel)).toBeCloseTo(r.disparity, 12);
    expect(r.withinBound).toBe(true);
    expect(r.disparity).toBeLessThanOrEqual(0.05);
    // b gets higher scores, so it is the privileged group by default.
    expect(r.privileged).toBe('b');
    expect(r.margin).toBeGreaterThan(0);
  });
});

describe('postProcessedModel', () => {
  it('applies the rule to the base model scores and survives a save and load', async () => {
    expect.assertions(3);
    const rng = seededRng(9);
    const x: number[] = [];
    const g: string[] = [];
    const y: string[] = [];
    for (let i = 0; i < 400; i++) {
      const a = i % 3 === 0;
      const xi = normalVariate(rng) - (a ? 1 : 0);
      x.push(xi);
      g.push(a ? 'a' : 'b');
      y.push(xi + normalVariate(rng) > 0 ? 'yes' : 'no');
    }
    const t = fromArrays({ x, g, y });
    const base = await logisticRegression().fit(t, 'y', { features: ['x'], positive: ['yes'] });
    const scores = await base.predictProba(t);
    const yy = y.map((v) => (v === 'yes' ? 1 : 0));
    const r = thresholdOptimizer(scores, yy, g, { constraint: 'demographic_parity' });
    const m = postProcessedModel(base, r.rule, { sensitive: 'g' });
    const p = await m.predictProba(t);
    expect(Array.from(p)).toEqual(Array.from(applyRule(r.rule, scores, g)));
    const back = loadModelJSON(saveModelJSON(m));
    expect(Array.from(await back.predictProba(t))).toEqual(Array.from(p));
    try {
      await m.predictProba(fromArrays({ x: [0], g: ['zz'] }));
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_INVALID_ARGUMENT');
    }
  });
});
