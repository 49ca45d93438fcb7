import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionalDisparities } from './conditional.js';
import { CONVENTIONS } from './conventions.js';
import type { Confusion } from './stats/types.js';

const conf = (tp: number, fp: number, tn: number, fn: number): Confusion => ({
  tp,
  fp,
  tn,
  fn,
  ntp: tp,
  nfp: fp,
  ntn: tn,
  nfn: fn,
});
/** A cell with `acc` accepted and `rej` rejected rows (labels do not matter to CDD). */
const cell = (acc: number, rej: number): Confusion => conf(acc, 0, rej, 0);

const nested = (spec: Record<string, Record<string, Confusion>>) =>
  new Map(Object.entries(spec).map(([g, m]) => [g, new Map(Object.entries(m))] as const));

describe('conditionalDisparities', () => {
  // stratum x: a 2 of 4 accepted, b 1 of 4; stratum y: a 1 of 2, b 0 of 2 (12 rows)
  const cells = nested({
    a: { x: conf(2, 0, 2, 0), y: conf(1, 0, 0, 1) },
    b: { x: conf(1, 0, 3, 0), y: conf(0, 0, 1, 1) },
  });

  it('weights each stratum demographic disparity by stratum size (Wachter et al. 2021)', () => {
    // x: accepted 3 (a: 2/3), rejected 5 (a: 2/5) → DD_a,x = 2/5 − 2/3 = −4/15
    // y: accepted 1 (a: 1),   rejected 3 (a: 1/3) → DD_a,y = 1/3 − 1 = −2/3
    // CDD_a = (8/12)(−4/15) + (4/12)(−2/3) = −8/45 − 10/45 = −2/5; CDD_b = +2/5 (shares sum to 1)
    const r = conditionalDisparities(cells, CONVENTIONS.aequa, 'a', ['dept']);
    // Tolerance 1e-15: a few additions of fractions of magnitude < 1.
    expect(r.conditionalDemographicDisparity.a).toBeCloseTo(-2 / 5, 15);
    expect(r.conditionalDemographicDisparity.b).toBeCloseTo(2 / 5, 15);
    expect(r.control).toEqual(['dept']);
  });

  it('reports the demographic parity difference and row count inside each stratum', () => {
    const r = conditionalDisparities(cells, CONVENTIONS.aequa, 'a');
    // x: SR a 0.5, b 0.25 → 0.25; y: SR a 0.5, b 0 → 0.5
    expect(r.byStratum).toEqual({
      x: { count: 8, demographicParityDifference: 0.25 },
      y: { count: 4, demographicParityDifference: 0.5 },
    });
    // signed to the privileged reference under aif360: x: 0.25 − 0.5; y: 0 − 0.5
    const s = conditionalDisparities(cells, CONVENTIONS.aif360, 'a');
    expect(s.byStratum.x!.demographicParityDifference).toBe(-0.25);
    expect(s.byStratum.y!.demographicParityDifference).toBe(-0.5);
  });

  it('is 0 when the control explains the whole gap (Simpson-style mix of strata)', () => {
    // Selection rates are equal inside each stratum (x: 0.5, y: 0.25) but a is mostly in x:
    // overall a 5/12 vs b 4/12, yet CDD = 0.
    const r = conditionalDisparities(
      nested({ a: { x: cell(4, 4), y: cell(1, 3) }, b: { x: cell(2, 2), y: cell(2, 6) } }),
      CONVENTIONS.aequa,
      'a',
    );
    expect(Math.abs(r.conditionalDemographicDisparity.a as number)).toBeLessThan(1e-15);
    expect(Math.abs(r.conditionalDemographicDisparity.b as number)).toBeLessThan(1e-15);
  });

  it('leaves out strata where nobody or everybody is accepted and renormalises', () => {
    // z: everyone accepted → DD undefined there; x as above (−4/15 for a) is the only stratum left.
    const r = conditionalDisparities(
      nested({ a: { x: conf(2, 0, 2, 0), z: cell(5, 0) }, b: { x: conf(1, 0, 3, 0), z: cell(5, 0) } }),
      CONVENTIONS.aequa,
      'a',
    );
    expect(r.conditionalDemographicDisparity.a).toBeCloseTo(-4 / 15, 15);
    expect(r.byStratum.z).toEqual({ count: 10, demographicParityDifference: 0 });
  });

  it('is null for every group when no stratum has both accepted and rejected rows', () => {
    const r = conditionalDisparities(
      nested({ a: { x: cell(3, 0) }, b: { x: cell(1, 0) } }),
      CONVENTIONS.aequa,
      'a',
    );
    expect(r.conditionalDemographicDisparity).toEqual({ a: null, b: null });
  });

  it('skips groups absent from a stratum and gives null where the reference is absent (to-reference conventions)', () => {
    const c = nested({ a: { x: cell(1, 1) }, b: { x: cell(1, 3), y: cell(1, 1) }, c: { y: cell(0, 2) } });
    expect(conditionalDisparities(c, CONVENTIONS.aequa, 'a').byStratum.y!.demographicParityDifference).toBe(
      0.5,
    );
    expect(
      conditionalDisparities(c, CONVENTIONS.aequitas, 'a').byStratum.y!.demographicParityDifference,
    ).toBeNull();
    // fairlearn's zero rule must not invent a 0 rate for a group with no rows in the stratum
    expect(
      conditionalDisparities(c, CONVENTIONS.fairlearn, 'a').byStratum.x!.demographicParityDifference,
    ).toBe(0.25);
  });

  it('has conditional disparities that sum to 0 over the groups', () => {
    const cellArb = fc
      .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }))
      .map(([a, r]) => cell(a, r));
    const arb = fc.array(fc.array(cellArb, { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(arb, (gs) => {
        const c = new Map(
          gs.map((ss, i) => [`g${i}`, new Map(ss.map((x, j) => [`s${j}`, x] as const))] as const),
        );
        const r = conditionalDisparities(c, CONVENTIONS.aequa, 'g0');
        const vals = Object.values(r.conditionalDemographicDisparity);
        if (vals[0] === null) return;
        let s = 0;
        for (const x of vals) s += x as number;
        // ≤ 4 terms of magnitude ≤ 1: 1e-12 absolute
        expect(Math.abs(s)).toBeLessThan(1e-12);
      }),
    );
  });
});
