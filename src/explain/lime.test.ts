import { describe, expect, it } from 'vitest';
import { seededRng } from '../core/index.js';
import { cellString, fromArrays, type Table } from '../data/index.js';
import type { Model } from '../models/index.js';
import { explain } from './explain.js';
import { topAttributions } from './explanation.js';
import { lime, limeText } from './lime.js';
import { toyModel } from './toy-models.fixture.js';

function uniform(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const col = (): Float64Array => Float64Array.from({ length: n }, () => rng.nextFloat64());
  return fromArrays({ a: col(), b: col(), c: col(), d: col() });
}

describe('lime (tabular)', () => {
  // f = 3a − 2b + 0.5c (d ignored); the features share one spread, so the ranking of the true
  // effects is |a| > |b| > |c| > |d| = 0 with signs +, −, +.
  const model = toyModel(['a', 'b', 'c', 'd'], (x) => 3 * x[0]! - 2 * x[1]! + 0.5 * x[2]!);
  const background = uniform(400, 1);
  const row = fromArrays({ a: [0.9], b: [0.9], c: [0.9], d: [0.5] });

  const ranking = (phi: Float64Array): number[] =>
    [0, 1, 2, 3].sort((p, q) => Math.abs(phi[q]!) - Math.abs(phi[p]!));

  it('recovers the signs and ranking of a linear model’s coefficients (continuous sampling)', async () => {
    const e = await lime(model, row, { background, sampling: 'continuous', seed: 2, nsamples: 2000 });
    const r = e.rows[0]!;
    expect(Math.sign(r.attributions[0]!)).toBe(1);
    expect(Math.sign(r.attributions[1]!)).toBe(-1);
    expect(Math.sign(r.attributions[2]!)).toBe(1);
    expect(ranking(r.attributions)).toEqual([0, 1, 2, 3]);
    // A linear model is fitted almost perfectly by a linear surrogate (ridge α = 1 shrinks a little).
    expect(r.diagnostics!.r2).toBeGreaterThan(0.99);
    expect(Math.abs(r.diagnostics!.localPrediction! - r.prediction)).toBeLessThan(0.05);
  });

  it('recovers the signs and ranking with quartile discretisation', async () => {
    const e = await lime(model, row, { background, seed: 3, nsamples: 3000 });
    const r = e.rows[0]!;
    expect(Math.sign(r.attributions[0]!)).toBe(1);
    expect(Math.sign(r.attributions[1]!)).toBe(-1);
    expect(Math.sign(r.attributions[2]!)).toBe(1);
    expect(ranking(r.attributions)).toEqual([0, 1, 2, 3]);
    // baseValue + Σφ is the surrogate's prediction at the row.
    const s = r.attributions.reduce((x, y) => x + y, 0);
    expect(r.baseValue + s).toBeCloseTo(r.diagnostics!.localPrediction!, 12);
  });

  it('keeps only topK features and is reproducible by seed; explain() runs it as method lime', async () => {
    const a = await lime(model, row, { background, topK: 2, seed: 9, nsamples: 1000 });
    const b = await explain(model, row, { method: 'lime', background, topK: 2, seed: 9, nsamples: 1000 });
    expect(Array.from(a.rows[0]!.attributions).filter((v) => v !== 0)).toHaveLength(2);
    expect(b.method).toBe('lime');
    expect(Array.from(b.rows[0]!.attributions)).toEqual(Array.from(a.rows[0]!.attributions));
  });
});

describe('limeText', () => {
  // P(toxic) = 0.1 + 0.7·[contains "terrible"] + 0.1·[contains "food"].
  const textModel: Model = {
    task: 'binary',
    features: ['review'],
    classes: ['ok', 'toxic'],
    async predictProba(rows: Table) {
      const col = rows.column('review');
      return Float64Array.from({ length: rows.nrows }, (_, i) => {
        const words = (cellString(col, i) ?? '').split(/\W+/);
        return 0.1 + (words.includes('terrible') ? 0.7 : 0) + (words.includes('food') ? 0.1 : 0);
      });
    },
  };
  const data = fromArrays({ review: ['The food was terrible, and the terrible waiter was slow.'] });

  it('gives the word the model keys on the largest weight, the minor word the second', async () => {
    const e = await limeText(textModel, data, { row: 0, seed: 1, nsamples: 2000 });
    expect(e.featureNames).toEqual(['The', 'food', 'was', 'terrible', 'and', 'the', 'waiter', 'slow']);
    const top = topAttributions(e, 0, 2);
    expect(top[0]!.feature).toBe('terrible');
    expect(top[0]!.attribution).toBeGreaterThan(0.5);
    expect(top[1]!.feature).toBe('food');
    expect(e.rows[0]!.prediction).toBeCloseTo(0.9, 12);
  });
});
