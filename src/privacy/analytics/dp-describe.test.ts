import { describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { Budget } from '../accounting/index.js';
import { seededRandomSource } from '../mechanisms/index.js';
import { dpDescribe } from './dp-describe.js';
import { dpFairnessAudit } from './dp-fairness.js';

// 2000 rows. sex: F for even rows, M for odd. y = 1 for F when i mod 8 = 0 (rate 1/4), for M when
// i mod 4 ∈ {1, 3} … i.e. every odd row with i mod 4 = 1 (rate 1/2). age = 20 + i mod 60.
const N = 2000;
const t = fromArrays({
  id: Array.from({ length: N }, (_, i) => `u${Math.floor(i / 2)}`),
  age: Array.from({ length: N }, (_, i) => 20 + (i % 60)),
  sex: Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 'F' : 'M')),
  y: Array.from({ length: N }, (_, i) => (i % 2 === 0 ? (i % 8 === 0 ? 1 : 0) : i % 4 === 1 ? 1 : 0)),
  smoker: Array.from({ length: N }, (_, i) => i % 5 === 0),
  income: Array.from({ length: N }, (_, i) => 1000 * (i % 7)),
});

describe('dpDescribe', () => {
  it('summarises every column and spends exactly the budget, split evenly (basic composition)', () => {
    const d = dpDescribe(t, {
      epsilon: 2,
      delta: 1e-6,
      clamp: { age: [0, 100], y: [0, 1] },
      source: seededRandomSource(31),
    });
    // released: rows + id (thresholded), age, sex (thresholded), y, smoker (boolean) = 1 + 5 parts; income
    // has no clamp → skipped.
    const byName = Object.fromEntries(d.columns.map((c) => [c.name, c]));
    expect(byName.income!.released).toBe(false);
    expect(byName.income!.reason).toMatch(/--clamp income=LOW:HIGH/);
    expect(d.ledger).toHaveLength(1 + 5 + 2); // numeric columns: moments + quantiles entries
    let sum = 0;
    for (const e of d.ledger) sum += 'epsilon' in e.cost ? e.cost.epsilon : Number.NaN;
    expect(sum).toBeCloseTo(2, 12);
    expect(d.spent.epsilon).toBeCloseTo(2, 12);
    expect(d.spent.delta).toBeCloseTo(1e-6, 18); // two thresholded columns, 5e-7 each
    // values: ε per part = 1/3; the mean of age (exact 49.5) has noise sd ≈ 50·√2/(1/6·1/3)/2000… < 2
    expect(Math.abs(byName.age!.mean!.value - 49.5)).toBeLessThan(3);
    expect(Math.abs(d.rows.value - N)).toBeLessThan(60); // b = 3: 60 is 20 scales
    // id has 1000 distinct values, each with count 2 — far below τ = 1 + 3·ln(1/5e-7) = 44.5: none released
    expect(byName.id!.histogram!.bins).toEqual([]);
    expect(byName.id!.histogram!.threshold).toBeCloseTo(1 + 3 * Math.log(1 / 5e-7), 9);
    expect(byName.sex!.histogram!.bins.map((b) => b.level)).toEqual(['F', 'M']);
    expect(byName.smoker!.histogram!.bins.map((b) => b.level)).toEqual(['false', 'true']);
  });

  it('bounds contributions by the id column and multiplies the sensitivity', () => {
    const d = dpDescribe(t, {
      epsilon: 1,
      idColumn: 'id',
      maxRowsPerPerson: 1,
      clamp: { age: [0, 100] },
      levels: { sex: ['F', 'M'] },
      source: seededRandomSource(32),
    });
    expect(d.maxRowsPerPerson).toBe(1);
    expect(Math.abs(d.rows.value - 1000)).toBeLessThan(60); // 1000 people, one row each
    expect(d.columns.find((c) => c.name === 'id')).toBeUndefined();
  });

  it('names a --clamp column that does not exist', () => {
    expect(() => dpDescribe(t, { epsilon: 1, clamp: { agee: [0, 1] } })).toThrow(/Did you mean "age"/);
  });

  it('refuses a clamp range that excludes all values', () => {
    expect(() => dpDescribe(t, { epsilon: 1, clamp: { age: [200, 300] } })).toThrow(
      expect.objectContaining({ code: 'AEQ_PRIVACY_CLAMP_RANGE' }),
    );
  });
});

describe('dpFairnessAudit', () => {
  it('recovers the selection rates 1/4 and 1/2 with intervals that cover them', () => {
    const r = dpFairnessAudit(t, {
      label: 'y',
      positive: ['1'],
      sensitive: 'sex',
      epsilon: 1,
      source: seededRandomSource(33),
    });
    const [f, m] = r.groups;
    expect(f!.group).toBe('F');
    // noise: ε/2 = 0.5 per histogram, b = 2; rate sd ≈ 2√2·√(1+r²)/1000 ≈ 0.003
    expect(Math.abs(f!.selectionRate.value - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(m!.selectionRate.value - 0.5)).toBeLessThan(0.02);
    expect(f!.selectionRate.ci95[0]).toBeLessThan(0.25);
    expect(f!.selectionRate.ci95[1]).toBeGreaterThan(0.25);
    expect(Math.abs(r.demographicParityDifference - 0.25)).toBeLessThan(0.03);
    expect(Math.abs(r.disparateImpactRatio - 0.5)).toBeLessThan(0.05);
  });

  it('covers the true rate in about 95% of 400 seeded audits (noise-only interval)', () => {
    const src = seededRandomSource(34);
    let cover = 0;
    const R = 400;
    for (let i = 0; i < R; i++) {
      const r = dpFairnessAudit(t, {
        label: 'y',
        positive: ['1'],
        sensitive: 'sex',
        epsilon: 0.05,
        source: src,
      });
      const ci = r.groups[0]!.selectionRate.ci95;
      if (ci[0] <= 0.25 && ci[1] >= 0.25) cover++;
    }
    // Binomial SE of the coverage over 400: 0.011; accept 0.91–0.99 (the delta method is approximate).
    expect(cover / R).toBeGreaterThan(0.91);
    expect(cover / R).toBeLessThan(0.99);
  });

  it('spends from a shared budget and is refused when it is exhausted', () => {
    const b = new Budget({ epsilon: 1 });
    dpFairnessAudit(t, { label: 'y', positive: ['1'], sensitive: 'sex', epsilon: 0.7, budget: b });
    expect(() =>
      dpFairnessAudit(t, { label: 'y', positive: ['1'], sensitive: 'sex', epsilon: 0.7, budget: b }),
    ).toThrow(expect.objectContaining({ code: 'AEQ_PRIVACY_BUDGET_EXHAUSTED' }));
  });
});
