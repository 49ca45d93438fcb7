import { describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { Budget } from '../accounting/index.js';
import { seededRandomSource } from '../mechanisms/index.js';
import { boundContributions } from './contribution.js';
import { dpCount, dpHistogram, dpMean, dpMoments, dpQuantiles, dpSum } from './dp-stats.js';

// 1000 rows: age = 20 + (i mod 50) (mean 44.5, variance (50²−1)/12 = 208.25), sex alternating F/M,
// person id: i div 4 (250 people with 4 rows each).
const N = 1000;
const table = fromArrays({
  age: Array.from({ length: N }, (_, i) => 20 + (i % 50)),
  sex: Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 'F' : 'M')),
  pid: Array.from({ length: N }, (_, i) => `p${Math.floor(i / 4)}`),
  rare: Array.from({ length: N }, (_, i) => (i === 7 ? 'unique' : 'common')),
});

describe('dpCount', () => {
  it('is unbiased with the discrete Laplace variance over 3000 seeded runs', () => {
    // ε = 0.5, k = 1: b = 2; Var = 2r/(1−r)² with r = e^{−1/2} = 0.606531: 1.213061/0.154818 = 7.835
    // (≈ 2b² = 8). Mean within 4.5 SE (SE = √(7.835/3000) = 0.051); sample variance within 8% (its SE
    // for a Laplace-like law is Var·√((κ−1)/R) ≈ Var·√(5/3000) = 4.1%).
    const src = seededRandomSource(21);
    const R = 3000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < R; i++) {
      const b = new Budget({ epsilon: 0.5 });
      const v = dpCount(table, { budget: b, epsilon: 0.5, source: src }).value;
      s += v - N;
      s2 += (v - N) ** 2;
    }
    const r = Math.exp(-0.5);
    const known = (2 * r) / (1 - r) ** 2;
    const mean = s / R;
    const variance = s2 / R - mean * mean;
    expect(Math.abs(mean) / Math.sqrt(known / R)).toBeLessThan(4.5);
    expect(Math.abs(variance / known - 1)).toBeLessThan(0.08);
  });

  it('scales the noise by the rows each person may contribute', () => {
    const b = new Budget({ epsilon: 1 });
    const r = dpCount(table, { budget: b, epsilon: 1, maxRowsPerPerson: 4, source: seededRandomSource(1) });
    expect(r.noiseStd).toBeCloseTo(4 * Math.SQRT2, 1); // b = 4, sd ≈ b√2
    expect(r.ci95![1] - r.ci95![0]).toBeCloseTo(2 * 4 * Math.log(20), 6);
  });

  it('spends from the budget and is refused once it is exhausted', () => {
    const b = new Budget({ epsilon: 1 });
    dpCount(table, { budget: b, epsilon: 0.6 });
    expect(() => dpCount(table, { budget: b, epsilon: 0.6 })).toThrow(/above the budget/);
    expect(b.spent.epsilon).toBeCloseTo(0.6, 15);
  });
});

describe('dpSum, dpMean and dpMoments', () => {
  it('dpSum is unbiased for the clamped sum (ages clamped to [0, 40]) with sensitivity max(|lo|, |hi|)', () => {
    // Clamped sum: ages 20..40 kept (21 values: Σ = 630 per 50-block), 41..69 → 40 (29 values: 1160),
    // per block 1790, 20 blocks → 35800.
    const src = seededRandomSource(22);
    let s = 0;
    const R = 400;
    for (let i = 0; i < R; i++)
      s += dpSum(table, 'age', {
        budget: new Budget({ epsilon: 1 }),
        epsilon: 1,
        lower: 0,
        upper: 40,
        source: src,
      }).value;
    // Laplace b = 40: sd ≈ 56.6, SE over 400 = 2.83; 4.5 SE = 12.7
    expect(Math.abs(s / R - 35800)).toBeLessThan(12.8);
  });

  it('dpMean is close to 44.5 at ε = 1 and its interval covers the truth', () => {
    const r = dpMean(table, 'age', {
      budget: new Budget({ epsilon: 1 }),
      epsilon: 1,
      lower: 0,
      upper: 100,
      source: seededRandomSource(23),
    });
    // noise sd ≈ √((2·50)²·2)/1000 ≈ 0.14 (sum part dominates): |error| < 1 is > 7 sd.
    expect(Math.abs(r.value - 44.5)).toBeLessThan(1);
    expect(r.ci95![0]).toBeLessThan(44.5);
    expect(r.ci95![1]).toBeGreaterThan(44.5);
  });

  it('dpMoments recovers mean 44.5 and variance 208.25 and spends exactly its ε once', () => {
    const b = new Budget({ epsilon: 3 });
    const m = dpMoments(table, 'age', {
      budget: b,
      epsilon: 3,
      lower: 0,
      upper: 100,
      source: seededRandomSource(24),
    });
    expect(Math.abs(m.mean.value - 44.5)).toBeLessThan(1);
    // variance noise: sumsq sensitivity 50² = 2500 at ε=1 → sd ≈ 3536/1000 = 3.5; tolerance 20 (> 5 sd)
    expect(Math.abs(m.variance.value - 208.25)).toBeLessThan(20);
    expect(b.spent.epsilon).toBe(3);
    expect(b.entries).toHaveLength(1);
  });

  it('refuses a clamping range that excludes all the data', () => {
    expect(() =>
      dpMean(table, 'age', { budget: new Budget({ epsilon: 1 }), epsilon: 1, lower: 100, upper: 200 }),
    ).toThrow(expect.objectContaining({ code: 'AEQ_PRIVACY_CLAMP_RANGE' }));
  });

  it('refuses a category column and an empty range', () => {
    const b = new Budget({ epsilon: 1 });
    expect(() => dpSum(table, 'sex', { budget: b, epsilon: 0.1, lower: 0, upper: 1 })).toThrow(
      /number column/,
    );
    expect(() => dpSum(table, 'age', { budget: b, epsilon: 0.1, lower: 1, upper: 1 })).toThrow(
      /lower < upper/,
    );
  });
});

describe('dpQuantiles', () => {
  it('finds the median and quartiles of ages 20…69 within a grid step or two', () => {
    // Exact: ranks q·1000 at 250/500/750 → x ≈ 32.5, 45, 57.5 (20 rows per age). Grid: 100 bins of 1 on
    // [0,100]. ε = 3 over 3 quantiles → ε = 1 each, weights exp(u/2): each grid step away from the
    // exact rank costs 20 in utility (20 rows per age), so an edge 3 steps away has weight ≤ e^{−30}
    // relative to the best; over ≤ 100 edges, P(|error| > 2) < 1e-11.
    const r = dpQuantiles(table, 'age', [0.25, 0.5, 0.75], {
      budget: new Budget({ epsilon: 3 }),
      epsilon: 3,
      lower: 0,
      upper: 100,
      bins: 100,
      source: seededRandomSource(25),
    });
    expect(Math.abs(r[0]!.value - 32.5)).toBeLessThanOrEqual(2);
    expect(Math.abs(r[1]!.value - 45)).toBeLessThanOrEqual(2);
    expect(Math.abs(r[2]!.value - 57.5)).toBeLessThanOrEqual(2);
  });
});

describe('dpHistogram', () => {
  it('releases declared levels, including absent ones, with noise sd ≈ √2/ε', () => {
    const h = dpHistogram(table, 'sex', {
      budget: new Budget({ epsilon: 1 }),
      epsilon: 1,
      levels: ['F', 'M', 'X'],
      source: seededRandomSource(26),
    });
    expect(h.bins.map((b) => b.level)).toEqual(['F', 'M', 'X']);
    expect(Math.abs(h.bins[0]!.count - 500)).toBeLessThan(15);
    expect(Math.abs(h.bins[2]!.count)).toBeLessThan(15);
    expect(h.threshold).toBeNull();
  });

  it('suppresses a category held by a single row when the levels are not declared (partition selection)', () => {
    const b = new Budget({ epsilon: 1, delta: 1e-6 });
    const h = dpHistogram(table, 'rare', {
      budget: b,
      epsilon: 1,
      delta: 1e-6,
      source: seededRandomSource(27),
    });
    // τ = 1 + ln(1e6) = 14.8: 'unique' (count 1) is released only with probability ≤ 1e-6
    expect(h.threshold).toBeCloseTo(1 + Math.log(1e6), 10);
    expect(h.bins.map((x) => x.level)).toEqual(['common']);
    expect(b.spent).toEqual({ epsilon: 1, delta: 1e-6 });
  });

  it('bins a number column over the clamping range', () => {
    const h = dpHistogram(table, 'age', {
      budget: new Budget({ epsilon: 1 }),
      epsilon: 1,
      lower: 0,
      upper: 100,
      bins: 4,
      source: seededRandomSource(28),
    });
    expect(h.bins.map((b) => b.level)).toEqual(['[0, 25)', '[25, 50)', '[50, 75)', '[75, 100]']);
    // exact: 20..24 → 100 rows; 25..49 → 500; 50..69 → 400; none above
    [100, 500, 400, 0].forEach((c, j) => {
      expect(Math.abs(h.bins[j]!.count - c)).toBeLessThan(15);
    });
  });

  it('needs δ or declared levels for a category column', () => {
    expect(() => dpHistogram(table, 'sex', { budget: new Budget({ epsilon: 1 }), epsilon: 1 })).toThrow(
      /declared levels/,
    );
  });
});

describe('boundContributions', () => {
  it('keeps at most k rows per person, chosen among that person’s rows', () => {
    const b = boundContributions(table, {
      idColumn: 'pid',
      maxRowsPerPerson: 2,
      source: seededRandomSource(29),
    });
    expect(b.table.nrows).toBe(500);
    expect(b.people).toBe(250);
    expect(b.dropped).toBe(500);
    const pid = b.table.column('pid');
    const seen = new Map<number, number>();
    if (pid.kind !== 'category') throw new Error('pid should be a category column');
    for (let i = 0; i < b.table.nrows; i++) seen.set(pid.codes[i]!, (seen.get(pid.codes[i]!) ?? 0) + 1);
    expect(Math.max(...seen.values())).toBe(2);
  });
});
