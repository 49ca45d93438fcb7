import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/index.js';
import { benjaminiHochberg, chiSquareTest, holm, twoProportionZTest } from './significance.js';

describe('twoProportionZTest', () => {
  it('gives z = 1.633, p = 0.1025 for 30/100 vs 20/100', () => {
    // pooled p̂ = 50/200 = 0.25; se = √(0.25·0.75·(1/100 + 1/100)) = √0.00375 = 0.0612372;
    // z = 0.1 / 0.0612372 = 1.6329931618554523; p = 2Φ(−z) = 0.10247043485974938 (mpmath).
    const r = twoProportionZTest(30, 100, 20, 100)!;
    expect(r.statistic).toBeCloseTo(1.6329931618554523, 14);
    // p-value: Φ is good to ~1e-15 relative; z carries ~2 ulps → 1e-14 absolute.
    expect(Math.abs(r.pValue - 0.10247043485974938)).toBeLessThanOrEqual(1e-14);
  });

  it('is antisymmetric in the two groups', () => {
    const a = twoProportionZTest(7, 40, 19, 55)!;
    const b = twoProportionZTest(19, 55, 7, 40)!;
    expect(a.statistic).toBe(-b.statistic);
    expect(a.pValue).toBe(b.pValue);
  });

  it('returns z = 0, p = 1 when both rates are 0 (or both 1)', () => {
    expect(twoProportionZTest(0, 10, 0, 20)).toEqual({ statistic: 0, pValue: 1 });
    expect(twoProportionZTest(10, 10, 20, 20)).toEqual({ statistic: 0, pValue: 1 });
  });

  it('returns null when a group is empty', () => {
    expect(twoProportionZTest(0, 0, 3, 10)).toBeNull();
    expect(twoProportionZTest(3, 10, 0, 0)).toBeNull();
  });

  it('rejects x > n and negative counts', () => {
    expect(() => twoProportionZTest(11, 10, 1, 10)).toThrow(/"x1".*\[0, 10\]/);
    expect(() => twoProportionZTest(1, -10, 1, 10)).toThrow(InvalidArgumentError);
  });
});

describe('chiSquareTest', () => {
  it('equals the squared z statistic for a 2×2 table, with the same p-value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n1, n2, f1, f2) => {
          const x1 = Math.round(f1 * n1);
          const x2 = Math.round(f2 * n2);
          const z = twoProportionZTest(x1, n1, x2, n2)!;
          const t = chiSquareTest([
            [x1, n1 - x1],
            [x2, n2 - x2],
          ]);
          if (x1 + x2 === 0 || x1 + x2 === n1 + n2) {
            expect(t).toBeNull(); // one outcome never seen: the test is undefined
            return;
          }
          expect(t!.df).toBe(1);
          // Two algebraically equal formulas evaluated differently: ~10 roundings each.
          expect(Math.abs(t!.statistic - z.statistic ** 2)).toBeLessThanOrEqual(
            1e-11 * Math.max(1, t!.statistic),
          );
          expect(Math.abs(t!.pValue - z.pValue)).toBeLessThanOrEqual(1e-11);
        },
      ),
    );
  });

  it('computes a 3×2 table by hand', () => {
    // rows [10,20] [20,20] [30,10]: row totals 30, 40, 40; column totals 60, 50; N = 110.
    // X² = Σ (O·N − R·C)² / (R·C·N) = 451/36 = 12.527777…; df = 2; p = e^(−X²/2) = 0.0019038276076954956.
    const t = chiSquareTest([
      [10, 20],
      [20, 20],
      [30, 10],
    ])!;
    expect(t.statistic).toBeCloseTo(451 / 36, 13);
    expect(t.df).toBe(2);
    expect(Math.abs(t.pValue - 0.0019038276076954956)).toBeLessThanOrEqual(1e-16);
  });

  it('leaves out empty groups and returns null with fewer than two informative rows or columns', () => {
    const withEmpty = chiSquareTest([
      [10, 20],
      [0, 0],
      [20, 20],
    ])!;
    const without = chiSquareTest([
      [10, 20],
      [20, 20],
    ])!;
    expect(withEmpty).toEqual(without);
    expect(
      chiSquareTest([
        [0, 20],
        [0, 30],
      ]),
    ).toBeNull();
    expect(chiSquareTest([[3, 4]])).toBeNull();
    expect(chiSquareTest([])).toBeNull();
  });

  it('rejects ragged tables and negative counts', () => {
    expect(() => chiSquareTest([[1, 2], [3]])).toThrow(/"table\[1\]"/);
    expect(() =>
      chiSquareTest([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(/"table\[0\]\[1\]"/);
  });
});

// Benjamini & Hochberg (1995), section 4: fifteen p-values from a trial; at q = 0.05 the
// step-up procedure rejects the four smallest, Bonferroni-type procedures (Holm) only three.
const BH_EXAMPLE = [
  0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528,
  0.759, 1,
];

describe('holm', () => {
  it('adjusts a hand example', () => {
    // sorted 0.01 (×3 = 0.03), 0.03 (×2 = 0.06), 0.04 (×1 = 0.04 → max so far 0.06)
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    // capped at 1: 0.5 × 2 = 1, 0.6 × 1 → max(1, 0.6) = 1
    expect(holm([0.6, 0.5])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });

  it('rejects three of the Benjamini–Hochberg example at 0.05', () => {
    // 15 × 0.0001 = 0.0015, 14 × 0.0004 = 0.0056, 13 × 0.0019 = 0.0247, 12 × 0.0095 = 0.114
    const adj = holm(BH_EXAMPLE);
    expect(adj.filter((p) => p <= 0.05).length).toBe(3);
    expect(adj[2]).toBeCloseTo(0.0247, 15);
    expect(adj[3]).toBeCloseTo(0.114, 15);
  });
});

describe('benjaminiHochberg', () => {
  it('adjusts a hand example', () => {
    // m = 3: rank 3: 0.04·3/3 = 0.04; rank 2: 0.03·3/2 = 0.045 → min 0.04; rank 1: 0.01·3 = 0.03
    expect(benjaminiHochberg([0.01, 0.04, 0.03])).toEqual([0.03, 0.04, expect.closeTo(0.04, 16)]);
  });

  it('rejects four of the Benjamini–Hochberg example at 0.05', () => {
    // rank 4: 15·0.0095/4 = 0.035625; rank 5: 15·0.0201/5 = 0.0603, and every later m·p/j is larger.
    const adj = benjaminiHochberg(BH_EXAMPLE);
    expect(adj.filter((p) => p <= 0.05).length).toBe(4);
    expect(adj[3]).toBeCloseTo(0.035625, 15);
    expect(adj[4]).toBeCloseTo(0.0603, 15);
  });

  it('throws AEQ_INVALID_ARGUMENT for a p-value outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.2, 1.5])).toThrow(/"pValues\[1\]".*p-value in \[0, 1\]/);
    expect(() => holm([Number.NaN])).toThrow(InvalidArgumentError);
  });
});

describe('adjustments (properties)', () => {
  const pArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 });

  it('are ≥ the raw p-values, ≤ 1, order-preserving, and BH ≤ Holm', () => {
    fc.assert(
      fc.property(pArb, (p) => {
        const h = holm(p);
        const b = benjaminiHochberg(p);
        for (let i = 0; i < p.length; i++) {
          expect(h[i]).toBeGreaterThanOrEqual(p[i]!);
          expect(b[i]).toBeGreaterThanOrEqual(p[i]! * (1 - 1e-15)); // m·p/j ≥ p, up to one rounding
          expect(h[i]).toBeLessThanOrEqual(1);
          expect(b[i]).toBeLessThanOrEqual(1);
          expect(b[i]).toBeLessThanOrEqual(h[i]! * (1 + 1e-15));
          for (let j = 0; j < p.length; j++) {
            if (p[i]! <= p[j]!) {
              expect(h[i]).toBeLessThanOrEqual(h[j]!);
              expect(b[i]).toBeLessThanOrEqual(b[j]!);
            }
          }
        }
      }),
    );
  });

  it('do not depend on the order of the input', () => {
    fc.assert(
      fc.property(pArb, (p) => {
        const rev = p.slice().reverse();
        expect(holm(rev)).toEqual(holm(p).reverse());
        expect(benjaminiHochberg(rev)).toEqual(benjaminiHochberg(p).reverse());
      }),
    );
  });
});
