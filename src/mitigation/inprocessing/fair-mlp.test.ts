import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, seededRng } from '../../core/index.js';
import { loadModelJSON, prepareFitData, saveModelJSON } from '../../models/index.js';
import { fairMlp } from './fair-mlp.js';
import { logitGradientSum, penaltyTerms } from './penalty.js';
import { groupEffectData, meanGap } from './synthetic.fixture.js';
import { initialMlp } from './train.js';

const DATA = groupEffectData(400, 11);
const G = Array.from({ length: DATA.nrows }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
const FAST = { hidden: [8], epochs: 25, batchSize: 100, learningRate: 0.01 } as const;

describe('fairMlp', () => {
  it('has a penalised objective gradient (through a hidden layer) that matches finite differences', () => {
    const d = prepareFitData(DATA, 'y', { kind: 'classification', features: ['x1', 'x2'] });
    const net = initialMlp(d, [4], 'tanh', seededRng(1));
    const m0 = net.current();
    const codes = Int32Array.from(G, (g) => (g === 'a' ? 0 : 1));
    for (const penalty of ['gap', 'covariance'] as const) {
      const lambda = 3;
      const obj = (theta: Float64Array) => {
        const m = m0.withParameters(theta);
        return (
          m.loss(d.x, d.y, d.weights) +
          lambda * penaltyTerms(penalty, m.forward(d.x), codes, 2, d.weights).value
        );
      };
      const theta = m0.parameters();
      const terms = penaltyTerms(penalty, m0.forward(d.x), codes, 2, d.weights);
      const pg = logitGradientSum(m0, d.x, terms.dLogit);
      const lg = m0.lossGradient(d.x, d.y, d.weights);
      const h = 1e-5;
      for (let j = 0; j < theta.length; j++) {
        const up = Float64Array.from(theta);
        const dn = Float64Array.from(theta);
        up[j] = up[j]! + h;
        dn[j] = dn[j]! - h;
        const fd = (obj(up) - obj(dn)) / (2 * h);
        // O(h²) truncation (≈1e-10 for these smooth tanh/sigmoid terms) plus rounding ε·|f|/h ≈ 1e-11.
        expect(Math.abs(lg[j]! + lambda * pg[j]! - fd)).toBeLessThan(1e-7);
      }
    }
  });

  it('shrinks the group gap as λ grows (non-increasing up to SGD noise of 0.02)', async () => {
    const gaps: number[] = [];
    for (const lambda of [0, 1, 10, 100]) {
      const m = await fairMlp({ sensitive: 'g', lambda, ...FAST }).fit(DATA, 'y');
      gaps.push(meanGap(await m.predictProba(DATA), G));
    }
    // Mini-batch estimates make the fitted gap noisy at the 0.01 level; 0.02 is twice that.
    for (let k = 1; k < gaps.length; k++) expect(gaps[k]!).toBeLessThanOrEqual(gaps[k - 1]! + 0.02);
    expect(gaps[0]!).toBeGreaterThan(0.3);
    expect(gaps[gaps.length - 1]!).toBeLessThan(0.25 * gaps[0]!);
  });

  it('is reproducible with the seed and saves as an ordinary mlp model', async () => {
    const a = await fairMlp({ sensitive: 'g', lambda: 5, penalty: 'covariance', seed: 3, ...FAST }).fit(
      DATA,
      'y',
    );
    const b = await fairMlp({ sensitive: 'g', lambda: 5, penalty: 'covariance', seed: 3, ...FAST }).fit(
      DATA,
      'y',
    );
    const c = await fairMlp({ sensitive: 'g', lambda: 5, penalty: 'covariance', seed: 4, ...FAST }).fit(
      DATA,
      'y',
    );
    expect(Array.from(a.parameters())).toEqual(Array.from(b.parameters()));
    expect(Array.from(a.parameters())).not.toEqual(Array.from(c.parameters()));
    expect(a.features).toEqual(['x1', 'x2']);
    const back = loadModelJSON(saveModelJSON(a));
    expect(back.kind).toBe('mlp');
    expect(Array.from(await back.predictProba(DATA))).toEqual(Array.from(await a.predictProba(DATA)));
  });

  it('refuses λ < 0 and bad training options', () => {
    expect(() => fairMlp({ sensitive: 'g', lambda: -0.5 })).toThrow(InvalidArgumentError);
    expect(() => fairMlp({ sensitive: 'g', epochs: 0 })).toThrow(InvalidArgumentError);
    expect(() => fairMlp({ sensitive: 'g', hidden: [0] })).toThrow(InvalidArgumentError);
  });
});
