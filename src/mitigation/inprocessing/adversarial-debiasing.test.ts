import { describe, expect, it } from 'vitest';
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { loadModelJSON, saveModelJSON } from '../../models/index.js';
import { adversarialDebiasing } from './adversarial-debiasing.js';
import { fairMlp } from './fair-mlp.js';
import { groupAuc, groupEffectData, meanGap } from './synthetic.fixture.js';

const DATA = groupEffectData(600, 5);
const G = Array.from({ length: DATA.nrows }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
const COMMON = { hidden: [8], epochs: 40, batchSize: 100, learningRate: 0.01, seed: 2 } as const;

describe('adversarialDebiasing', () => {
  it('drives the adversary AUC toward 0.5 and shrinks the parity gap compared with the same network unmitigated', async () => {
    // The unmitigated predictor: the same network, seed and schedule with no fairness term.
    const plain = await fairMlp({ sensitive: 'g', lambda: 0, ...COMMON }).fit(DATA, 'y');
    const pPlain = await plain.predictProba(DATA);
    const fair = await adversarialDebiasing({ sensitive: 'g', alpha: 3, ...COMMON }).fit(DATA, 'y');
    const pFair = await fair.predictProba(DATA);
    // AUC of the predictions for telling the groups apart bounds any adversary monotone in the logit.
    const aucPlain = Math.abs(groupAuc(pPlain, G, 'b') - 0.5);
    const aucFair = Math.abs(groupAuc(pFair, G, 'b') - 0.5);
    expect(aucPlain).toBeGreaterThan(0.25);
    expect(aucFair).toBeLessThan(0.1);
    expect(meanGap(pFair, G)).toBeLessThan(0.3 * meanGap(pPlain, G));
  });

  it('with equalized odds (adversary sees the label too) still shrinks the gap', async () => {
    const plain = await fairMlp({ sensitive: 'g', lambda: 0, ...COMMON }).fit(DATA, 'y');
    const fair = await adversarialDebiasing({
      sensitive: 'g',
      constraint: 'equalized-odds',
      alpha: 1,
      ...COMMON,
    }).fit(DATA, 'y');
    expect(meanGap(await fair.predictProba(DATA), G)).toBeLessThan(
      0.7 * meanGap(await plain.predictProba(DATA), G),
    );
  });

  it('is reproducible with the seed and saves and loads as an mlp model', async () => {
    const a = await adversarialDebiasing({ sensitive: 'g', ...COMMON, epochs: 5 }).fit(DATA, 'y');
    const b = await adversarialDebiasing({ sensitive: 'g', ...COMMON, epochs: 5 }).fit(DATA, 'y');
    expect(Array.from(a.parameters())).toEqual(Array.from(b.parameters()));
    const back = loadModelJSON(saveModelJSON(a));
    expect(back.kind).toBe('mlp');
    expect(Array.from(await back.predictProba(DATA))).toEqual(Array.from(await a.predictProba(DATA)));
  });

  it('refuses a sensitive column with three groups, α < 0 and an unknown constraint', async () => {
    expect.assertions(4);
    expect(() => adversarialDebiasing({ sensitive: 'g', alpha: -1 })).toThrow(InvalidArgumentError);
    expect(() => adversarialDebiasing({ sensitive: 'g', constraint: 'eo' as never })).toThrow(
      InvalidArgumentError,
    );
    const t = fromArrays({ x: [1, 2, 3, 4, 5, 6], g: ['a', 'b', 'c', 'a', 'b', 'c'], y: [0, 1, 0, 1, 0, 1] });
    const err = await adversarialDebiasing({ sensitive: 'g' })
      .fit(t, 'y')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AequaError);
    expect((err as AequaError).message).toMatchInlineSnapshot(
      `"adversarialDebiasing: the sensitive attribute "g" has 3 groups (a, b, c); the adversary is a logistic model that predicts one of two groups."`,
    );
  });
});
