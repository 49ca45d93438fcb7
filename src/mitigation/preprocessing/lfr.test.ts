import { describe, expect, it } from 'vitest';
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { fitPreprocessor, loadModelJSON, prepareFitData, saveModelJSON } from '../../models/index.js';
import { groupEffectData } from '../inprocessing/synthetic.fixture.js';
import { LfrModel, lfr, lfrObjective } from './lfr.js';

const DATA = groupEffectData(300, 21);

describe('lfr', () => {
  it('computes memberships and scores from the formulas, by hand on one feature', async () => {
    const t = fromArrays({ x: [0, 1] });
    const pre = fitPreprocessor(t, ['x'], { standardize: false });
    const m = new LfrModel({
      preprocessor: pre,
      classes: ['0', '1'],
      target: 'y',
      prototypes: Float64Array.of(0, 1),
      probs: Float64Array.of(0.2, 0.8),
      sensitive: 'g',
    });
    // x = 0: distances² 0 and 1 → M = (1, e⁻¹)/(1 + e⁻¹) = (0.731059, 0.268941);
    // score = 0.2·0.731059 + 0.8·0.268941 = 0.361365 (x = 1 is the mirror image: 0.638635).
    const a = 1 / (1 + Math.exp(-1));
    const p = await m.predictProba(t);
    expect(p[0]!).toBeCloseTo(0.2 * a + 0.8 * (1 - a), 14);
    expect(p[1]!).toBeCloseTo(0.8 * a + 0.2 * (1 - a), 14);
  });

  it('has an analytic gradient that matches finite differences (two and three groups)', () => {
    for (const G of [2, 3]) {
      const base = groupEffectData(40, 4, G === 2 ? ['a', 'b'] : ['a', 'b', 'c']);
      // A one-hot column (zeros in most encoded cells) exercises the sparse paths of the objective.
      const t = fromArrays({
        x1: (base.column('x1') as { values: Float64Array }).values,
        x2: (base.column('x2') as { values: Float64Array }).values,
        c: Array.from({ length: 40 }, (_, i) => ['u', 'v', 'w'][(i * 7) % 3]!),
        y: Array.from((base.column('y') as { values: Float64Array }).values),
      });
      const d = prepareFitData(t, 'y', { kind: 'classification', features: ['x1', 'x2', 'c'] });
      const codes = Int32Array.from({ length: 40 }, (_, i) => i % G);
      const counts = Float64Array.from({ length: G }, (_, g) => codes.filter((c) => c === g).length);
      const K = 3;
      const f = lfrObjective({
        x: d.x,
        y: d.y,
        codes,
        counts,
        groups: G,
        prototypes: K,
        ax: 0.5,
        ay: 1,
        az: 2,
      });
      const theta = Float64Array.from({ length: K * d.x.cols + K }, (_, j) => Math.sin(1.7 * j + 0.3));
      const grad = new Float64Array(theta.length);
      f(theta, grad);
      const h = 1e-6;
      for (let j = 0; j < theta.length; j++) {
        const up = Float64Array.from(theta);
        const dn = Float64Array.from(theta);
        up[j] = up[j]! + h;
        dn[j] = dn[j]! - h;
        const fd = (f(up, null).total - f(dn, null).total) / (2 * h);
        // Truncation O(h²·f''') with the smooth |·| curvature ≤ 1/δ = 1e4 → ≲ 1e-8; rounding ε·f/h ≈ 1e-10.
        expect(Math.abs(fd - grad[j]!)).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
      }
    }
  });

  it('lowers the parity term below its value at initialisation and brings group mean memberships close', () => {
    const r = lfr(DATA, { label: 'y', sensitive: 'g', prototypes: 5, seed: 1 });
    expect(r.report.lossAfter.parity).toBeLessThan(0.2 * r.report.lossBefore.parity);
    expect(r.report.maxMembershipGapBefore).toBeGreaterThan(0.1);
    expect(r.report.maxMembershipGapAfter).toBeLessThan(0.03);
    const [a, b] = r.report.groups;
    for (let k = 0; k < 5; k++)
      expect(Math.abs(a!.meanMembershipAfter[k]! - b!.meanMembershipAfter[k]!)).toBeLessThan(0.03);
    expect(r.report.lossAfter.total).toBeLessThan(r.report.lossBefore.total);
  });

  it('transforms rows into K memberships that sum to 1, the score, and the carried label and group', async () => {
    const r = lfr(DATA, { label: 'y', sensitive: 'g', prototypes: 4, seed: 2, maxIter: 50 });
    const out = r.transform(DATA);
    expect(out.names).toEqual(['lfr_1', 'lfr_2', 'lfr_3', 'lfr_4', 'lfr_score', 'y', 'g']);
    const cols = [1, 2, 3, 4].map((k) => out.column(`lfr_${k}`));
    for (let i = 0; i < out.nrows; i += 37) {
      let s = 0;
      for (const c of cols) s += (c as { values: Float64Array }).values[i]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    }
    const score = (out.column('lfr_score') as { values: Float64Array }).values;
    expect(Array.from(score)).toEqual(Array.from(await r.model.predictProba(DATA)));
    const back = loadModelJSON(saveModelJSON(r.model));
    expect(back.kind).toBe('lfr');
    expect(Array.from(await back.predictProba(DATA))).toEqual(Array.from(score));
  });

  it('is reproducible with the seed', () => {
    const a = lfr(DATA, { label: 'y', sensitive: 'g', prototypes: 3, seed: 5, maxIter: 20 });
    const b = lfr(DATA, { label: 'y', sensitive: 'g', prototypes: 3, seed: 5, maxIter: 20 });
    expect(Array.from(a.model.prototypes)).toEqual(Array.from(b.model.prototypes));
  });

  it('refuses K < 2, negative weights, a single group and a multiclass label', () => {
    expect(() => lfr(DATA, { label: 'y', sensitive: 'g', prototypes: 1 })).toThrow(InvalidArgumentError);
    expect(() => lfr(DATA, { label: 'y', sensitive: 'g', az: -1 })).toThrow(InvalidArgumentError);
    const one = fromArrays({ x: [1, 2, 3, 4], g: ['a', 'a', 'a', 'a'], y: [0, 1, 0, 1] });
    expect(() => lfr(one, { label: 'y', sensitive: 'g', prototypes: 2 })).toThrow(
      expect.objectContaining({ code: 'AEQ_MITIGATION_SINGLE_GROUP' }),
    );
    const multi = fromArrays({ x: [1, 2, 3, 4], g: ['a', 'b', 'a', 'b'], y: ['u', 'v', 'w', 'u'] });
    let err: unknown;
    try {
      lfr(multi, { label: 'y', sensitive: 'g', prototypes: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AequaError);
    expect((err as AequaError).code).toBe('AEQ_DATA_NOT_BINARY');
  });
});
