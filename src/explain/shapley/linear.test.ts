import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import { fromArrays, type Table } from '../../data/index.js';
import { logisticRegression, ridgeRegression } from '../../models/index.js';
import { exactShapley } from './exact.js';
import { linearShap } from './linear.js';

function data(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const age = new Float64Array(n);
  const hours = new Float64Array(n);
  const job: string[] = [];
  const y: number[] = [];
  const label: string[] = [];
  for (let i = 0; i < n; i++) {
    age[i] = 20 + 40 * rng.nextFloat64();
    hours[i] = 10 + 50 * rng.nextFloat64();
    const j = ['a', 'b', 'c'][Math.floor(3 * rng.nextFloat64())]!;
    job.push(j);
    const s =
      0.05 * (age[i]! - 40) - 0.03 * (hours[i]! - 35) + (j === 'b' ? 0.8 : 0) + rng.nextFloat64() - 0.5;
    y.push(s);
    label.push(s > 0 ? 'hi' : 'lo');
  }
  return fromArrays({ age, hours, job, y, label });
}

describe('linearShap', () => {
  const t = data(200, 3);
  const background = t.take(Uint32Array.from({ length: 40 }, (_, i) => i));
  const rows = [50, 51, 52];

  it('equals coefficient × (x − background mean) for a logistic regression on raw features, in log-odds', async () => {
    const model = await logisticRegression({ standardize: false }).fit(t, 'label', {
      features: ['age', 'hours'],
    });
    const e = await linearShap(model, t, { background, rows });
    expect(e.link).toBe('logit');
    const beta = model.coefficients(0);
    // The background means, computed directly from the columns.
    const mean = (name: string): number => {
      const c = background.column(name);
      if (c.kind !== 'number') throw new Error('number column expected');
      return c.values.reduce((s, v) => s + v, 0) / c.values.length;
    };
    const ageCol = t.column('age');
    const hoursCol = t.column('hours');
    if (ageCol.kind !== 'number' || hoursCol.kind !== 'number') throw new Error('number columns expected');
    rows.forEach((r, i) => {
      const phi = e.rows[i]!.attributions;
      // Tolerance 1e-12: one product of numbers below ~100 against a 40-term mean.
      expect(Math.abs(phi[0]! - beta[0]! * (ageCol.values[r]! - mean('age')))).toBeLessThan(1e-12);
      expect(Math.abs(phi[1]! - beta[1]! * (hoursCol.values[r]! - mean('hours')))).toBeLessThan(1e-12);
      // The prediction is the log-odds: intercept + β·x.
      const z = model.intercept[0]! + beta[0]! * ageCol.values[r]! + beta[1]! * hoursCol.values[r]!;
      expect(Math.abs(e.rows[i]!.prediction - z)).toBeLessThan(1e-12);
    });
  });

  it('equals exact interventional Shapley values for a ridge regression with a one-hot category', async () => {
    const model = await ridgeRegression({ alpha: 0.1 }).fit(t, 'y', { features: ['age', 'hours', 'job'] });
    const e = await linearShap(model, t, { background, rows });
    const ref = await exactShapley(model, t, { background, rows });
    expect(e.featureNames).toEqual(['age', 'hours', 'job']);
    rows.forEach((_, i) => {
      for (let j = 0; j < 3; j++)
        expect(Math.abs(e.rows[i]!.attributions[j]! - ref.rows[i]!.attributions[j]!)).toBeLessThan(1e-10);
      expect(Math.abs(e.rows[i]!.baseValue - ref.rows[i]!.baseValue)).toBeLessThan(1e-10);
      expect(Math.abs(e.rows[i]!.prediction - ref.rows[i]!.prediction)).toBeLessThan(1e-10);
    });
  });

  it('refuses the identity link on a logistic model, pointing to --link logit', async () => {
    const model = await logisticRegression().fit(t, 'label', { features: ['age', 'hours'] });
    const err = await linearShap(model, t, { background, rows, link: 'identity' }).catch((x) => x);
    expect(err.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(err.hint).toContain('--link logit');
  });
});
