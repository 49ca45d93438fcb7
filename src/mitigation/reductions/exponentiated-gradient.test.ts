import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AequaError, normalVariate, seededRng, withWarnings } from '../../core/index.js';
import { fromArrays, type Table } from '../../data/index.js';
import {
  type Learner,
  loadModelJSON,
  logisticRegression,
  ridgeRegression,
  saveModelJSON,
} from '../../models/index.js';
import { codesFromValues } from '../groups.js';
import { exponentiatedGradient } from './exponentiated-gradient.js';
import { gridSearch } from './grid-search.js';
import { bestMixture, simplex } from './lp.js';
import { boundedGroupLoss, demographicParity, equalizedOdds, truePositiveRateParity } from './moments.js';

/**
 * A biased synthetic population: group "a" (30 %) has its feature shifted down by 1, and the label
 * is 1{x + noise > 0.3}, so an unconstrained classifier selects group a far less often.
 */
function biased(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const x: number[] = [];
  const z: number[] = [];
  const g: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.nextFloat64() < 0.3;
    const xi = normalVariate(rng) - (a ? 1 : 0);
    x.push(xi);
    z.push(normalVariate(rng));
    g.push(a ? 'a' : 'b');
    y.push(xi + 0.8 * normalVariate(rng) > 0.3 ? 'yes' : 'no');
  }
  return fromArrays({ x, z, g, y });
}

/** Expected selection rate per group and overall from P(ŷ = 1), by plain loops (independent of the moments code). */
function selectionRates(p: Float64Array, t: Table): { a: number; b: number; all: number } {
  const col = t.column('g');
  if (col.kind !== 'category') throw new Error('g must be a category');
  const s = { a: 0, b: 0 };
  const c = { a: 0, b: 0 };
  for (let i = 0; i < t.nrows; i++) {
    const k = col.levels[col.codes[i]!] as 'a' | 'b';
    s[k] += p[i]!;
    c[k] += 1;
  }
  return { a: s.a / c.a, b: s.b / c.b, all: (s.a + s.b) / (c.a + c.b) };
}

const train = biased(1500, 1);
const opts = { label: 'y', positive: ['yes'], sensitive: 'g' } as const;

describe('exponentiatedGradient', () => {
  it('brings the training demographic parity gap of each group within eps', async () => {
    const eps = 0.02;
    const r = await exponentiatedGradient(logisticRegression(), demographicParity({ eps }), train, opts);
    const p = await r.model.predictProba(train);
    const rates = selectionRates(p, train);
    // The LP mixture meets γ ≤ eps exactly up to the simplex tolerance (1e-9); 1e-6 leaves room.
    expect(Math.abs(rates.a - rates.all)).toBeLessThanOrEqual(eps + 1e-6);
    expect(Math.abs(rates.b - rates.all)).toBeLessThanOrEqual(eps + 1e-6);
    expect(r.train.disparity).toBeCloseTo(
      Math.max(Math.abs(rates.a - rates.all), Math.abs(rates.b - rates.all)),
      9,
    );
    expect(r.satisfied).toBe(true);
    // The unconstrained fit (first candidate) is clearly unfair here, so the constraint did work.
    expect(r.candidates[0]!.train.disparity).toBeGreaterThan(0.1);
  });

  it('stays within eps plus the statistical slack on held-out data', async () => {
    const eps = 0.02;
    const r = await exponentiatedGradient(logisticRegression(), demographicParity({ eps }), train, opts);
    const test = biased(3000, 2);
    const rates = selectionRates(await r.model.predictProba(test), test);
    // Slack: a group rate from ~900 rows (group a) has sd ≤ 0.5/√900 ≈ 0.017; 3 sd plus eps plus the
    // overall rate's own 3 sd (0.5/√3000 ≈ 0.009) gives a false-failure rate below 1 in 300.
    expect(Math.abs(rates.a - rates.all)).toBeLessThanOrEqual(eps + 3 * 0.017 + 3 * 0.009);
  });

  it('is at least as accurate on the training data as grid search at the same eps', async () => {
    const c = demographicParity({ eps: 0.02 });
    const eg = await exponentiatedGradient(logisticRegression(), c, train, opts);
    // 41 points, spacing 0.1 in [−2, 2]: fine enough for a point within eps to exist.
    const gs = await gridSearch(logisticRegression(), c, train, { ...opts, gridSize: 41 });
    const feasible = gs.candidates.filter((x) => x.train.violation === 0).map((x) => x.train.objective);
    expect(feasible.length).toBeGreaterThan(0);
    // EG's LP optimises over mixtures, a superset of single models; 1e-9 absorbs LP round-off.
    expect(eg.train.objective).toBeLessThanOrEqual(Math.min(...feasible) + 1e-9);
  });

  it('meets equalized odds and true-positive-rate parity on the training data', async () => {
    for (const c of [equalizedOdds({ eps: 0.03 }), truePositiveRateParity({ eps: 0.03 })]) {
      const r = await exponentiatedGradient(logisticRegression(), c, train, opts);
      // Recompute TPR per group from the expected decisions.
      const p = await r.model.predictProba(train);
      const g = train.column('g');
      const y = train.column('y');
      if (g.kind !== 'category' || y.kind !== 'category') throw new Error('categories expected');
      const tp = { a: 0, b: 0 };
      const pos = { a: 0, b: 0 };
      for (let i = 0; i < train.nrows; i++) {
        if (y.levels[y.codes[i]!] !== 'yes') continue;
        const k = g.levels[g.codes[i]!] as 'a' | 'b';
        tp[k] += p[i]!;
        pos[k] += 1;
      }
      const all = (tp.a + tp.b) / (pos.a + pos.b);
      expect(Math.abs(tp.a / pos.a - all)).toBeLessThanOrEqual(0.03 + 1e-6);
      expect(Math.abs(tp.b / pos.b - all)).toBeLessThanOrEqual(0.03 + 1e-6);
    }
  });

  it('gives the same model file for the same seed', async () => {
    const a = await exponentiatedGradient(logisticRegression(), demographicParity({ eps: 0.02 }), train, {
      ...opts,
      seed: 7,
    });
    const b = await exponentiatedGradient(logisticRegression(), demographicParity({ eps: 0.02 }), train, {
      ...opts,
      seed: 7,
    });
    expect(saveModelJSON(a.model)).toBe(saveModelJSON(b.model));
  });

  it('saves and loads the randomized model with the same predictions', async () => {
    const r = await exponentiatedGradient(
      logisticRegression(),
      demographicParity({ eps: 0.02 }),
      train,
      opts,
    );
    const back = loadModelJSON(saveModelJSON(r.model));
    expect(back.kind).toBe('randomized');
    expect(Array.from(await back.predictProba(train))).toEqual(Array.from(await r.model.predictProba(train)));
  });

  it('stops at maxIter and reports the best reachable violation when eps cannot be met in time', async () => {
    expect.assertions(4);
    const { result, warnings } = await withWarnings(() =>
      // One textbook EG step from θ = 0 puts equal weight on every constraint row, which cancels out,
      // so the single iterate is the unconstrained fit: unfair, and the loop must stop anyway.
      exponentiatedGradient(logisticRegression(), demographicParity({ eps: 1e-4 }), train, {
        ...opts,
        maxIter: 1,
        lpStep: false,
      }),
    );
    expect(result.iterations).toBe(1);
    expect(result.satisfied).toBe(false);
    expect(result.train.violation).toBeGreaterThan(0);
    expect(warnings.map((w) => w.code)).toContain('AEQ_W_CONSTRAINT_NOT_MET');
  });

  it('bounds each group loss for regression', async () => {
    const rng = seededRng(3);
    const x: number[] = [];
    const g: string[] = [];
    const y: number[] = [];
    for (let i = 0; i < 800; i++) {
      const a = i % 4 === 0;
      const xi = normalVariate(rng);
      x.push(xi);
      g.push(a ? 'a' : 'b');
      // Group a follows another slope, so a pooled fit serves it worse.
      y.push((a ? -1 : 1) * xi + 0.3 * normalVariate(rng));
    }
    const t = fromArrays({ x, g, y });
    const base = await exponentiatedGradient(ridgeRegression(), boundedGroupLoss({ eps: 10 }), t, {
      label: 'y',
      sensitive: 'g',
      features: ['x'],
    });
    const worstUnconstrained = base.candidates[0]!.train.disparity;
    const eps = 0.8 * worstUnconstrained;
    const r = await exponentiatedGradient(ridgeRegression(), boundedGroupLoss({ eps }), t, {
      label: 'y',
      sensitive: 'g',
      features: ['x'],
    });
    // Each group's expected squared loss under Q is at most eps (LP tolerance 1e-6).
    expect(r.train.disparity).toBeLessThanOrEqual(eps + 1e-6);
  });
});

describe('errors of the reductions', () => {
  it('refuses a sensitive attribute with a single group', async () => {
    expect.assertions(2);
    const t = fromArrays({ x: [1, 2, 3, 4], g: ['a', 'a', 'a', 'a'], y: ['yes', 'no', 'yes', 'no'] });
    try {
      await exponentiatedGradient(logisticRegression(), demographicParity(), t, opts);
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_MITIGATION_SINGLE_GROUP');
      expect((e as AequaError).message).toMatchInlineSnapshot(
        `"exponentiatedGradient: the sensitive attribute "g" has 1 group ("a"); a fairness constraint compares at least two."`,
      );
    }
  });

  it('refuses eps ≤ 0 in the constraint and in the options', async () => {
    expect.assertions(3);
    expect(() => demographicParity({ eps: 0 })).toThrow(
      expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }),
    );
    expect(() => equalizedOdds({ eps: -0.1 })).toThrow(
      expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }),
    );
    await expect(
      exponentiatedGradient(logisticRegression(), demographicParity(), train, { ...opts, eps: -1 }),
    ).rejects.toMatchObject({ code: 'AEQ_INVALID_ARGUMENT' });
  });

  it('refuses a learner that ignores sample weights', async () => {
    expect.assertions(2);
    // A fake learner that fits logistic regression but drops the weights it is given.
    const inner = logisticRegression();
    const ignoring: Learner = {
      kind: 'ignores-weights',
      fit: (table, target, o = {}) => {
        const { sampleWeight: _dropped, ...rest } = o;
        return inner.fit(table, target, rest);
      },
    };
    try {
      await gridSearch(ignoring, demographicParity(), train, opts);
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_MITIGATION_WEIGHTS_IGNORED');
      expect((e as AequaError).message).toContain('"ignores-weights"');
    }
  });

  it('refuses true-positive-rate parity when a group has no positive label', async () => {
    const t = fromArrays({
      x: [1, 2, 3, 4, 5, 6],
      g: ['a', 'a', 'b', 'b', 'b', 'b'],
      y: ['no', 'no', 'yes', 'no', 'yes', 'no'],
    });
    await expect(
      exponentiatedGradient(logisticRegression(), truePositiveRateParity(), t, {
        ...opts,
        checkWeights: false,
      }),
    ).rejects.toMatchObject({ code: 'AEQ_MITIGATION_SINGLE_GROUP' });
  });
});

describe('moments', () => {
  // 6 rows: groups a = rows 0–1, b = rows 2–5; labels y = [1, 0, 1, 1, 0, 0].
  const groups = codesFromValues(['a', 'a', 'b', 'b', 'b', 'b'], 'g', 'test');
  const y = Float64Array.of(1, 0, 1, 1, 0, 0);

  it('computes demographic parity gaps and the error by hand', () => {
    const b = demographicParity({ eps: 0.1 }).bind({ y, groups });
    const v = b.evaluate(Float64Array.of(1, 1, 1, 0, 0, 0));
    // P(ŷ=1|a) = 1, P(ŷ=1|b) = 1/4, P(ŷ=1) = 3/6 = 0.5 → γ(+a) = 0.5, γ(+b) = −0.25.
    expect(v.gamma[0]).toBeCloseTo(0.5, 15);
    expect(v.gamma[1]).toBeCloseTo(-0.5, 15);
    expect(v.gamma[2]).toBeCloseTo(-0.25, 15);
    expect(v.gamma[3]).toBeCloseTo(0.25, 15);
    // Errors: row 1 (ŷ=1, y=0) and row 3 (ŷ=0, y=1) → 2/6.
    expect(v.objective).toBeCloseTo(2 / 6, 15);
  });

  it('builds the relabelled, reweighted problem from per-cell coefficients', () => {
    const b = demographicParity({ eps: 0.1 }).bind({ y, groups });
    const w = new Float64Array(6);
    const lab = new Float64Array(6);
    // λ⁺_a = 1: cost_i·n = (1 − 2y_i) + n·(1/n_a − 1/n) for a, n·(0 − 1/n) for b
    // a: 6·(1/2 − 1/6) = 2; b: −1. Costs: a: [−1 + 2, 1 + 2] = [1, 3]; b: [−1 − 1, −2, 1 − 1, 0] = [−2, −2, 0, 0].
    b.reducedProblem(Float64Array.of(1, 0, 0, 0), w, lab);
    expect(Array.from(lab)).toEqual([0, 0, 1, 1, 0, 0]);
    // |costs| = [1, 3, 2, 2, 0, 0], sum 8, scaled to sum 6.
    const expected = [1, 3, 2, 2, 0, 0].map((c) => (c * 6) / 8);
    for (let i = 0; i < 6; i++) expect(w[i]).toBeCloseTo(expected[i]!, 14);
  });

  it('minimises the Lagrangian: the relabelled optimum equals the brute-force best decision vector', () => {
    // Property: for random λ, the decisions ŷ_i = label_i minimise L(ŷ, λ) over all 2^6 decision vectors.
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (lam) => {
          const b = demographicParity({ eps: 0.05 }).bind({ y, groups });
          const lambda = Float64Array.from(lam);
          const L = (d: Float64Array): number => {
            const v = b.evaluate(d);
            let s = v.objective;
            for (let k = 0; k < 4; k++) s += lambda[k]! * (v.gamma[k]! - 0.05);
            return s;
          };
          const w = new Float64Array(6);
          const lab = new Float64Array(6);
          b.reducedProblem(lambda, w, lab);
          let best = Number.POSITIVE_INFINITY;
          for (let m = 0; m < 64; m++)
            best = Math.min(best, L(Float64Array.from({ length: 6 }, (_, i) => (m >> i) & 1)));
          expect(L(lab)).toBeLessThanOrEqual(best + 1e-12);
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });
});

describe('the LP step', () => {
  it('solves a textbook LP with its duals', () => {
    // min −x − y s.t. x + 2y + s1 = 4, 3x + y + s2 = 6: optimum x = 1.6, y = 1.2, value −2.8;
    // duals y1 = −0.4, y2 = −0.2 (solve [1 3; 2 1]ᵀ… by hand: y1 + 3y2 = −1, 2y1 + y2 = −1).
    const r = simplex([-1, -1, 0, 0], [1, 2, 1, 0, 3, 1, 0, 1], 2, 4, [4, 6]);
    expect(r.status).toBe('optimal');
    expect(r.x[0]).toBeCloseTo(1.6, 12);
    expect(r.x[1]).toBeCloseTo(1.2, 12);
    expect(r.value).toBeCloseTo(-2.8, 12);
    expect(r.y[0]).toBeCloseTo(-0.4, 12);
    expect(r.y[1]).toBeCloseTo(-0.2, 12);
  });

  it('mixes two hypotheses to meet the constraint exactly', () => {
    // err 0.1 with γ = 0.2, err 0.3 with γ = −0.2; γ(Q) ≤ 0.01 → Q₁ ≤ (0.01 + 0.2)/0.4 = 0.525.
    const s = bestMixture([0.1, 0.3], [Float64Array.of(0.2), Float64Array.of(-0.2)], 0.01, 100)!;
    expect(s.weights[0]).toBeCloseTo(0.525, 12);
    expect(s.value).toBeCloseTo(0.525 * 0.1 + 0.475 * 0.3, 12);
    // λ = d value / d eps = −(0.1 − 0.3)/0.4 = 0.5.
    expect(s.lambda[0]).toBeCloseTo(0.5, 12);
  });
});
