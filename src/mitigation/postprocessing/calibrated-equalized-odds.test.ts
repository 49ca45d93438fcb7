import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AequaError, InvalidArgumentError, withWarnings } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { loadModelJSON, logisticRegression, saveModelJSON } from '../../models/index.js';
import {
  applyCalibratedEqOdds,
  CalibratedEqOddsModel,
  calibratedEqOddsModel,
  calibratedEqualizedOdds,
} from './calibrated-equalized-odds.js';

// Group a: μ = 0.5, GFNR = (0.1 + 0.3)/2 = 0.2, GFPR = (0.3 + 0.1)/2 = 0.2.
// Group b: μ = 0.5, GFNR = (0.4 + 0.4)/2 = 0.4, GFPR = (0.4 + 0.4)/2 = 0.4.
const S = [0.9, 0.7, 0.3, 0.1, 0.6, 0.6, 0.4, 0.4];
const Y = [1, 1, 0, 0, 1, 1, 0, 0];
const GR = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];

/** Generalized FNR and FPR per group, straight from the definitions. */
function generalized(scores: ArrayLike<number>, y: readonly number[], g: readonly string[]) {
  const out = new Map<string, { fnr: number; fpr: number }>();
  for (const name of new Set(g)) {
    let fn = 0;
    let p = 0;
    let fp = 0;
    let q = 0;
    for (let i = 0; i < y.length; i++) {
      if (g[i] !== name) continue;
      if (y[i] === 1) {
        fn += 1 - scores[i]!;
        p++;
      } else {
        fp += scores[i]!;
        q++;
      }
    }
    out.set(name, { fnr: fn / p, fpr: fp / q });
  }
  return out;
}

describe('calibratedEqualizedOdds', () => {
  it('mixes the cheaper group with the paper’s rate α = (c* − c)/(c(μ) − c), computed by hand', () => {
    // fnr: target 0.4 (b); a's trivial GFNR = 1 − 0.5 = 0.5; α_a = (0.4 − 0.2)/(0.5 − 0.2) = 2/3.
    const fnr = calibratedEqualizedOdds(S, Y, GR, { cost: 'fnr' });
    expect(fnr.targetCost).toBeCloseTo(0.4, 14);
    expect(fnr.rule.groups.a!.mixRate).toBeCloseTo(2 / 3, 14);
    expect(fnr.rule.groups.b!.mixRate).toBe(0);
    expect(fnr.groups[0]!.generalizedFnrAfter).toBeCloseTo(0.4, 14);
    expect(fnr.feasible).toBe(true);
    // weighted (1:1) with different base rates. a: μ 1/2, GFPR 0.2, GFNR 0.2 → c = (½·0.2 + ½·0.2)/2 = 6/60;
    // c: scores 0.8 | 0.3, 0.2 → μ 1/3, GFPR 0.25, GFNR 0.2 → c = (⅔·0.25 + ⅓·0.2)/2 = 7/60.
    // a's trivial cost μ(1 − μ) = 1/4 = 15/60, so α_a = (7/60 − 6/60)/(15/60 − 6/60) = 1/9.
    const w = calibratedEqualizedOdds(
      [0.9, 0.7, 0.3, 0.1, 0.8, 0.3, 0.2],
      [1, 1, 0, 0, 1, 0, 0],
      ['a', 'a', 'a', 'a', 'c', 'c', 'c'],
    );
    expect(w.rule.cost).toBe('weighted');
    expect(w.targetCost).toBeCloseTo(7 / 60, 14);
    expect(w.rule.groups.a!.mixRate).toBeCloseTo(1 / 9, 14);
    expect(w.groups[0]!.costAfter).toBeCloseTo(7 / 60, 14);
  });

  it('uses each group’s own base rate for the fpr cost', () => {
    // Group c: μ = 1/3, GFPR = (0.3 + 0.2)/2 = 0.25 is the target; a: trivial GFPR = μ_a = 0.5,
    // α_a = (0.25 − 0.2)/(0.5 − 0.2) = 1/6.
    const r = calibratedEqualizedOdds(
      [0.9, 0.7, 0.3, 0.1, 0.8, 0.3, 0.2],
      [1, 1, 0, 0, 1, 0, 0],
      ['a', 'a', 'a', 'a', 'c', 'c', 'c'],
      {
        cost: 'fpr',
      },
    );
    expect(r.rule.groups.a!.mixRate).toBeCloseTo(1 / 6, 14);
    expect(r.rule.groups.c!.baseRate).toBeCloseTo(1 / 3, 15);
    expect(r.rule.groups.c!.mixRate).toBe(0);
  });

  it('reports an unreachable target (flag and warning) instead of mixing beyond α = 1', async () => {
    // Group d's scores are worse than its base rate: GFNR 0.6 > a's trivial 0.5.
    const { result: r, warnings } = await withWarnings(() =>
      calibratedEqualizedOdds(
        [0.9, 0.7, 0.3, 0.1, 0.4, 0.4, 0.6, 0.6],
        Y,
        ['a', 'a', 'a', 'a', 'd', 'd', 'd', 'd'],
        {
          cost: 'fnr',
        },
      ),
    );
    expect(warnings.map((w) => w.code)).toEqual(['AEQ_W_CONSTRAINT_NOT_MET']);
    expect(r.feasible).toBe(false);
    expect(r.rule.groups.a!.mixRate).toBe(1);
    expect(r.groups[0]!.generalizedFnrAfter).toBeCloseTo(0.5, 14);
  });

  it('equalises the chosen generalized rate across groups on the fitting data (property)', () => {
    const row = fc.tuple(
      fc.constantFrom('a', 'b', 'c'),
      fc.integer({ min: 0, max: 1 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    );
    const rowsArb = fc
      .array(row, { minLength: 6, maxLength: 80 })
      .filter((rows) => new Set(rows.map((r) => `${r[0]}${r[1]}`)).size === 6);
    fc.assert(
      fc.property(rowsArb, fc.constantFrom('fnr' as const, 'fpr' as const), (rows, cost) => {
        const s = rows.map((r) => r[2]);
        const y = rows.map((r) => r[1]);
        const g = rows.map((r) => r[0]);
        const res = calibratedEqualizedOdds(s, y, g, { cost });
        const after = generalized(applyCalibratedEqOdds(res.rule, s, g), y, g);
        for (const q of res.groups) {
          const v = cost === 'fnr' ? after.get(q.group)!.fnr : after.get(q.group)!.fpr;
          // A group held at α = 1 sits at its trivial cost, below the target; every other group
          // reaches it exactly (mixing is linear): equality up to roundings of ≤ 80-term sums.
          if (q.mixRate === 1) expect(v).toBeLessThanOrEqual(res.targetCost + 1e-12);
          else expect(Math.abs(v - res.targetCost)).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it('randomizes reproducibly: the drawn scores match the expected rates within sampling error', () => {
    const n = 4000;
    const s = Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000);
    const y = s.map((v, i) => (((i * 104729) % 1000) / 1000 < v ? 1 : 0));
    const g = s.map((_, i) => (i % 2 === 0 ? 'a' : 'b'));
    for (let i = 0; i < n; i += 2) s[i] = 0.5 + 0.5 * (s[i]! - 0.5) * 0.3; // group a: flatter scores, higher GFNR
    const res = calibratedEqualizedOdds(s, y, g, { cost: 'fnr' });
    const r1 = applyCalibratedEqOdds(res.rule, s, g, { seed: 9 });
    const r2 = applyCalibratedEqOdds(res.rule, s, g, { seed: 9 });
    expect(Array.from(r1)).toEqual(Array.from(r2));
    const after = generalized(r1, y, g);
    // ≈1000 positives per group; the per-row variance of a mix draw is ≤ 0.25, so the GFNR's sd is
    // ≤ 0.5/√1000 ≈ 0.016; 0.05 is about 3 sd.
    expect(Math.abs(after.get('a')!.fnr - after.get('b')!.fnr)).toBeLessThan(0.05);
  });

  it('wraps a model that saves, loads and predicts the same randomized scores', async () => {
    const t = fromArrays({
      x: [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.7, 0.6, 0.3, 0.5],
      g: ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'],
      y: [0, 0, 1, 1, 0, 1, 1, 0, 0, 1],
    });
    const base = await logisticRegression().fit(t, 'y', { features: ['x'] });
    const scores = await base.predictProba(t);
    const yy = [0, 0, 1, 1, 0, 1, 1, 0, 0, 1];
    const gg = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'];
    const res = calibratedEqualizedOdds(scores, yy, gg, { cost: 'weighted', sensitive: 'g' });
    const model = calibratedEqOddsModel(base, res.rule, { sensitive: 'g', seed: 5 });
    expect(model.features).toEqual(['x', 'g']);
    const p = await model.predictProba(t);
    expect(Array.from(p)).toEqual(Array.from(applyCalibratedEqOdds(res.rule, scores, gg, { seed: 5 })));
    const back = loadModelJSON(saveModelJSON(model));
    expect(back).toBeInstanceOf(CalibratedEqOddsModel);
    expect(Array.from(await back.predictProba(t))).toEqual(Array.from(p));
    const expected = calibratedEqOddsModel(base, res.rule, { sensitive: 'g', seed: null });
    expect(Array.from(await expected.predictProba(t))).toEqual(
      Array.from(applyCalibratedEqOdds(res.rule, scores, gg)),
    );
  });

  it('refuses a single group, a group without negatives, scores outside [0, 1], an unknown cost and unseen groups', () => {
    expect(() => calibratedEqualizedOdds([0.2, 0.8], [0, 1], ['a', 'a'])).toThrow(
      expect.objectContaining({ code: 'AEQ_MITIGATION_SINGLE_GROUP' }),
    );
    const err = (() => {
      try {
        calibratedEqualizedOdds([0.2, 0.8, 0.7], [0, 1, 1], ['a', 'a', 'b']);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AequaError);
    expect((err as AequaError).message).toMatchInlineSnapshot(
      `"calibratedEqualizedOdds: group "b" has no rows with a negative label, so calibrated equalized odds cannot compare it with the other groups."`,
    );
    expect(() => calibratedEqualizedOdds([1.5, 0.8], [0, 1], ['a', 'b'])).toThrow(InvalidArgumentError);
    expect(() => calibratedEqualizedOdds(S, Y, GR, { cost: 'tpr' as never })).toThrow(InvalidArgumentError);
    const { rule } = calibratedEqualizedOdds(S, Y, GR);
    expect(() => applyCalibratedEqOdds(rule, [0.5], ['z'])).toThrow(InvalidArgumentError);
  });

  it('rejects a corrupted model file', async () => {
    const t = fromArrays({ x: [0, 1, 2, 3], g: ['a', 'a', 'b', 'b'], y: [0, 1, 0, 1] });
    const base = await logisticRegression().fit(t, 'y', { features: ['x'] });
    const { rule } = calibratedEqualizedOdds(await base.predictProba(t), [0, 1, 0, 1], ['a', 'a', 'b', 'b']);
    const file = calibratedEqOddsModel(base, rule, { sensitive: 'g' }).toJSON();
    const bad = JSON.parse(JSON.stringify(file));
    bad.parameters.rule.groups.a.mixRate = 2;
    expect(() => loadModelJSON(JSON.stringify(bad))).toThrow(
      expect.objectContaining({ code: 'AEQ_MODEL_FORMAT' }),
    );
  });
});
