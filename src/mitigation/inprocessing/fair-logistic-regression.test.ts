import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { loadModelJSON, logisticRegression, prepareFitData, saveModelJSON } from '../../models/index.js';
import { fairLogisticObjective, fairLogisticRegression } from './fair-logistic-regression.js';
import { logitGradientSum, penaltyTerms } from './penalty.js';
import { groupEffectData, meanGap } from './synthetic.fixture.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const DATA = groupEffectData(400, 7);
const G = Array.from({ length: DATA.nrows }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));

describe('penaltyTerms', () => {
  it('gives the squared gap of group means for two groups, computed by hand', () => {
    // group 0: (0.2 + 0.4)/2 = 0.3, group 1: 0.9; gap² = 0.36
    const t = penaltyTerms(
      'gap',
      Float64Array.of(0.2, 0.4, 0.9),
      Int32Array.of(0, 0, 1),
      2,
      Float64Array.of(1, 1, 1),
    );
    expect(t.value).toBeCloseTo(0.36, 14);
  });

  it('gives the sum of squared deviations from the overall mean for three groups', () => {
    // means 0.2, 0.5, 0.8; overall 0.5; 0.09 + 0 + 0.09 = 0.18
    const t = penaltyTerms(
      'gap',
      Float64Array.of(0.2, 0.5, 0.8),
      Int32Array.of(0, 1, 2),
      3,
      Float64Array.of(1, 1, 1),
    );
    expect(t.value).toBeCloseTo(0.18, 14);
  });

  it('gives the squared covariance of the group-1 indicator and the logit for two groups', () => {
    // z = 0, 1, 2; s = 0, 1, 1; s̄ = 2/3; cov = (0 + 1/3 + 2/3)/3 = 1/3; cov² = 1/9
    const p = Float64Array.of(0, 1, 2).map(sigmoid);
    const t = penaltyTerms('covariance', p, Int32Array.of(0, 1, 1), 2, Float64Array.of(1, 1, 1));
    expect(t.value).toBeCloseTo(1 / 9, 12);
  });

  it('has a logit derivative that matches central finite differences', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('gap' as const, 'covariance' as const),
        fc.integer({ min: 2, max: 4 }),
        fc.array(
          fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0.2, max: 2, noNaN: true })),
          {
            minLength: 4,
            maxLength: 12,
          },
        ),
        (kind, groups, rows) => {
          const n = rows.length;
          const z = Float64Array.from(rows, (r) => r[0]);
          const w = Float64Array.from(rows, (r) => r[1]);
          const codes = Int32Array.from({ length: n }, (_, i) => i % groups);
          const f = (zz: Float64Array) => penaltyTerms(kind, zz.map(sigmoid), codes, groups, w).value;
          const { dLogit } = penaltyTerms(kind, z.map(sigmoid), codes, groups, w);
          const h = 1e-5;
          for (let i = 0; i < n; i++) {
            const up = Float64Array.from(z);
            const dn = Float64Array.from(z);
            up[i] = up[i]! + h;
            dn[i] = dn[i]! - h;
            const fd = (f(up) - f(dn)) / (2 * h);
            // Central differences err by O(h²·f''') ≈ 1e-10 here, plus rounding ε·f/h ≈ 1e-11.
            expect(Math.abs(fd - dLogit[i]!)).toBeLessThan(1e-7 + 1e-6 * Math.abs(fd));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('logitGradientSum', () => {
  it('equals Σ aᵢ·(1, xᵢ) for a logistic model, whose logit is θ₀ + xβ', async () => {
    const model = await logisticRegression().fit(DATA, 'y', { features: ['x1', 'x2'] });
    const x = model.preprocessor.transform(DATA);
    const a = Float64Array.from({ length: x.rows }, (_, i) => Math.sin(i));
    const got = logitGradientSum(model, x, a);
    const want = new Float64Array(3);
    for (let i = 0; i < x.rows; i++) {
      want[0] = want[0]! + a[i]!;
      want[1] = want[1]! + a[i]! * x.data[i * 2]!;
      want[2] = want[2]! + a[i]! * x.data[i * 2 + 1]!;
    }
    // Difference of two gradient passes scaled by Σ|a| ≈ 250: rounding ≈ 250·1e-16 per term.
    for (let j = 0; j < 3; j++)
      expect(Math.abs(got[j]! - want[j]!)).toBeLessThan(1e-9 * (1 + Math.abs(want[j]!)));
  });
});

describe('fairLogisticRegression', () => {
  it('has an objective whose value equals loss + λ·penalty and whose gradient matches finite differences', async () => {
    const plain = await logisticRegression().fit(DATA, 'y', { features: ['x1', 'x2'] });
    const d = prepareFitData(DATA, 'y', { kind: 'classification', features: ['x1', 'x2'] });
    const codes = Int32Array.from(G, (g) => (g === 'a' ? 0 : 1));
    for (const penalty of ['gap', 'covariance'] as const) {
      const lambda = 5;
      const f = fairLogisticObjective({
        x: d.x,
        y: d.y,
        weights: d.weights,
        codes,
        groups: 2,
        penalty,
        lambda,
        l2: plain.settings.lambda,
        fitIntercept: true,
      });
      const theta = Float64Array.of(0.3, 1.1, -0.4);
      const grad = new Float64Array(3);
      const value = f(theta, grad);
      // Independent route: the model's own loss (with its L2 term) plus λ × the penalty of its probabilities.
      const m = plain.withParameters(theta);
      const want =
        m.loss(d.x, d.y, d.weights) +
        lambda * penaltyTerms(penalty, m.forward(d.x), codes, 2, d.weights).value;
      expect(Math.abs(value - want)).toBeLessThan(1e-12);
      // And the generic gradient route (model gradient + logitGradientSum) agrees with the sparse one.
      const terms = penaltyTerms(penalty, m.forward(d.x), codes, 2, d.weights);
      const pg = logitGradientSum(m, d.x, terms.dLogit);
      const lg = m.lossGradient(d.x, d.y, d.weights);
      const h = 1e-5;
      const scratch = new Float64Array(3);
      for (let j = 0; j < 3; j++) {
        const up = Float64Array.from(theta);
        const dn = Float64Array.from(theta);
        up[j] = up[j]! + h;
        dn[j] = dn[j]! - h;
        const fd = (f(up, scratch) - f(dn, scratch)) / (2 * h);
        // O(h²) truncation ≈ 1e-10 and rounding ε·|f|/h ≈ 1e-11: 1e-7 leaves a wide margin.
        expect(Math.abs(grad[j]! - fd)).toBeLessThan(1e-7);
        expect(Math.abs(lg[j]! + lambda * pg[j]! - grad[j]!)).toBeLessThan(1e-9);
      }
    }
  });

  it('reproduces the plain logistic coefficients at λ = 0 (and λ = 1e-9) to 1e-6', async () => {
    const plain = await logisticRegression().fit(DATA, 'y', { features: ['x1', 'x2'] });
    for (const lambda of [0, 1e-9]) {
      const fair = await fairLogisticRegression({ sensitive: 'g', lambda }).fit(DATA, 'y');
      expect(fair.features).toEqual(['x1', 'x2']);
      const a = plain.parameters();
      const b = fair.parameters();
      for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThan(1e-6);
    }
  });

  it('shrinks the gap between the groups monotonically as λ grows (gap penalty)', async () => {
    const gaps: number[] = [];
    for (const lambda of [0, 0.3, 1, 3, 10, 30, 100]) {
      const m = await fairLogisticRegression({ sensitive: 'g', lambda }).fit(DATA, 'y');
      gaps.push(meanGap(await m.predictProba(DATA), G));
    }
    // The penalised optimum's gap is non-increasing in λ (exchange argument); 1e-6 allows solver tolerance.
    for (let k = 1; k < gaps.length; k++) expect(gaps[k]!).toBeLessThanOrEqual(gaps[k - 1]! + 1e-6);
    expect(gaps[0]!).toBeGreaterThan(0.3);
    expect(gaps[gaps.length - 1]!).toBeLessThan(0.1 * gaps[0]!);
  });

  it('shrinks the covariance between group and logit monotonically as λ grows (covariance penalty)', async () => {
    const covs: number[] = [];
    const codes = Int32Array.from(G, (g) => (g === 'a' ? 0 : 1));
    for (const lambda of [0, 0.1, 1, 10, 100]) {
      const m = await fairLogisticRegression({ sensitive: 'g', lambda, penalty: 'covariance' }).fit(
        DATA,
        'y',
      );
      const p = await m.predictProba(DATA);
      covs.push(penaltyTerms('covariance', p, codes, 2, new Float64Array(p.length).fill(1)).value);
    }
    for (let k = 1; k < covs.length; k++) expect(covs[k]!).toBeLessThanOrEqual(covs[k - 1]! + 1e-9);
    expect(covs[covs.length - 1]!).toBeLessThan(0.05 * covs[0]!);
  });

  it('handles three groups and gives a model that saves and loads with the same predictions', async () => {
    const t = groupEffectData(300, 3, ['a', 'b', 'c']);
    const g3 = Array.from({ length: 300 }, (_, i) => ['a', 'b', 'c'][i % 3]!);
    const plain = await fairLogisticRegression({ sensitive: 'g', lambda: 0 }).fit(t, 'y');
    const fair = await fairLogisticRegression({ sensitive: 'g', lambda: 30 }).fit(t, 'y');
    const before = meanGap(await plain.predictProba(t), g3);
    const p = await fair.predictProba(t);
    expect(meanGap(p, g3)).toBeLessThan(0.3 * before);
    const back = loadModelJSON(saveModelJSON(fair));
    expect(back.kind).toBe('logistic');
    expect(Array.from(await back.predictProba(t))).toEqual(Array.from(p));
  });

  it('refuses λ < 0, an unknown penalty, a single group and a multiclass target', async () => {
    expect.assertions(6);
    expect(() => fairLogisticRegression({ sensitive: 'g', lambda: -1 })).toThrow(InvalidArgumentError);
    expect(() => fairLogisticRegression({ sensitive: 'g', penalty: 'l2' as never })).toThrow(
      InvalidArgumentError,
    );
    const one = fromArrays({ x: [1, 2, 3, 4], g: ['a', 'a', 'a', 'a'], y: [0, 1, 0, 1] });
    await expect(fairLogisticRegression({ sensitive: 'g' }).fit(one, 'y')).rejects.toMatchObject({
      code: 'AEQ_MITIGATION_SINGLE_GROUP',
    });
    const multi = fromArrays({ x: [1, 2, 3, 4], g: ['a', 'b', 'a', 'b'], y: ['u', 'v', 'w', 'u'] });
    const err = await fairLogisticRegression({ sensitive: 'g' })
      .fit(multi, 'y')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AequaError);
    expect((err as AequaError).code).toBe('AEQ_DATA_NOT_BINARY');
    expect((err as AequaError).message).toMatchInlineSnapshot(
      `"fairLogisticRegression: the target "y" has 3 classes (u, v, w); the fairness penalty is defined for a binary decision."`,
    );
  });
});
