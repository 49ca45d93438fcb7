import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AequaError } from '../../core/index.js';
import { Budget } from './budget.js';
import { DEFAULT_RDP_ORDERS, rdpSubsampledGaussian, rdpToEpsilon } from './rdp.js';

describe('Budget (basic composition)', () => {
  it('sums ε and δ over releases and reports what remains', () => {
    const b = new Budget({ epsilon: 1, delta: 1e-6 });
    b.spend({ epsilon: 0.25 }, 'count');
    b.spend({ epsilon: 0.5, delta: 4e-7 }, 'mean');
    expect(b.spent.epsilon).toBeCloseTo(0.75, 15);
    expect(b.spent.delta).toBeCloseTo(4e-7, 20);
    expect(b.remaining.epsilon).toBeCloseTo(0.25, 15);
    expect(b.remaining.delta).toBeCloseTo(6e-7, 20);
    expect(b.entries.map((e) => e.label)).toEqual(['count', 'mean']);
  });

  it('refuses a release that would exceed the budget, says what was asked and what remains, and records nothing', () => {
    const b = new Budget({ epsilon: 1 });
    b.spend({ epsilon: 0.7 }, 'a');
    let err: unknown;
    try {
      b.spend({ epsilon: 0.5 }, 'histogram of age');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AequaError);
    const e = err as AequaError;
    expect(e.code).toBe('AEQ_PRIVACY_BUDGET_EXHAUSTED');
    expect(e.message).toContain('"histogram of age" asks for ε=0.5');
    expect(e.message).toMatch(/left ε=0\.3/);
    expect(e.hint).toMatch(/smaller ε/);
    expect(b.entries).toHaveLength(1);
    expect(b.canSpend({ epsilon: 0.3 })).toBe(true);
  });

  it('spends a budget in exact parts (0.1 + 0.2 + 0.7 = 1) despite floating-point sums', () => {
    const b = new Budget({ epsilon: 1 });
    b.spend({ epsilon: 0.1 });
    b.spend({ epsilon: 0.2 });
    b.spend({ epsilon: 0.7 });
    expect(() => b.spend({ epsilon: 1e-9 })).toThrow(/budget/);
  });

  it('refuses δ > 0 when the budget is pure', () => {
    expect(() => new Budget({ epsilon: 1 }).spend({ epsilon: 0.1, delta: 1e-9 })).toThrow(
      /AEQ|δ|above the budget/,
    );
  });

  it('rejects a non-positive ε and δ ≥ 1', () => {
    expect(() => new Budget({ epsilon: 0 })).toThrow(/epsilon/);
    expect(() => new Budget({ epsilon: 1, delta: 1 })).toThrow(/delta/);
  });

  it('spent ε under basic composition is the sum of the releases (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { maxLength: 20 }), (eps) => {
        const b = new Budget({ epsilon: 10 });
        for (const e of eps) b.spend({ epsilon: e });
        let s = 0;
        for (const e of eps) s += e;
        expect(b.spent.epsilon).toBeCloseTo(s, 12);
      }),
      { seed: 3, numRuns: 50 },
    );
  });
});

describe('Budget (advanced composition)', () => {
  it('allows 89 releases of ε = 0.05 under ε = 2.5, δ = 1e-5 (not 90), where basic composition stops at 50', () => {
    // By hand: √(2·100·ln(1e5))·0.05 + 100·0.05·(e^0.05 − 1) = √(2302.585)·0.05 + 5·0.051271
    // = 47.9853·0.05 + 0.256355 = 2.399265 + 0.256355 = 2.655620. That exceeds 2.5, so 100 would fail;
    // 90 releases: √(2·90·11.512925)·0.05 + 90·0.05·0.051271 = 45.5228·0.05 + 0.230720 = 2.506861 — also
    // fails; 89: √(2049.3007)·0.05 + 89·0.05·0.0512711 = 45.269202·0.05 + 0.228156 = 2.491616 fits.
    const b = new Budget({ epsilon: 2.5, delta: 1e-5, composition: 'advanced' });
    for (let i = 0; i < 89; i++) b.spend({ epsilon: 0.05 });
    expect(b.spent.epsilon).toBeCloseTo(2.491616, 5);
    expect(() => b.spend({ epsilon: 0.05 })).toThrow(/AEQ|budget/);
    const basic = new Budget({ epsilon: 2.5 });
    expect(() => {
      for (let i = 0; i < 89; i++) basic.spend({ epsilon: 0.05 });
    }).toThrow(/above the budget/);
  });
});

describe('Budget (zCDP and RDP composition)', () => {
  it('composes Gaussian releases by adding ρ and converts at least as tightly as ρ + 2√(ρ ln(1/δ))', () => {
    const b = new Budget({ epsilon: 5, delta: 1e-6, composition: 'zcdp' });
    for (let i = 0; i < 10; i++) b.spend({ rho: 0.02 });
    const rho = 0.2;
    const bunSteinke = rho + 2 * Math.sqrt(rho * Math.log(1e6)); // 0.2 + 2·√(2.763102) = 3.524520
    expect(b.spent.epsilon).toBeLessThan(bunSteinke);
    // Independent: the improved conversion at the orders of the budget, curve α·ρ, minimised by hand code.
    const best = Math.min(
      ...b.orders.map((a) => a * rho + Math.log((a - 1) / a) - (Math.log(1e-6) + Math.log(a)) / (a - 1)),
    );
    expect(b.spent.epsilon).toBeCloseTo(Math.max(0, best), 12);
  });

  it('composes DP-SGD RDP curves to the same ε as the accountant run over all steps at once', () => {
    const orders = [...DEFAULT_RDP_ORDERS];
    const b = new Budget({ epsilon: 10, delta: 1e-5, composition: 'rdp', orders });
    const one = rdpSubsampledGaussian(0.01, 1, 500, orders);
    b.spend({ orders, rdp: one }, 'epoch 1');
    b.spend({ orders, rdp: one }, 'epoch 2');
    const all = rdpToEpsilon(orders, rdpSubsampledGaussian(0.01, 1, 1000, orders), 1e-5).epsilon;
    expect(b.spent.epsilon).toBeCloseTo(all, 10);
  });

  it('refuses ρ under basic composition with a hint to switch', () => {
    expect(() => new Budget({ epsilon: 1, delta: 1e-6 }).spend({ rho: 0.1 })).toThrow(/zCDP cost/);
  });
});
