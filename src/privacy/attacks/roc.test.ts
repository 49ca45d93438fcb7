import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attackRoc, tprAtFpr } from './roc.js';

describe('attackRoc', () => {
  it('builds the ROC of a hand example with a tied pair', () => {
    // members 3, 2; non-members 2, 1. Sorted: 3(m) | 2(m), 2(n) tied | 1(n).
    // Vertices: (0,0) → (0, ½) → (½, 1) → (1, 1). Pairs: 3>2, 3>1, 2=2 (½), 2>1 → AUC 3.5/4.
    const roc = attackRoc(Float64Array.of(3, 2), Float64Array.of(2, 1));
    expect(Array.from(roc.fpr)).toEqual([0, 0, 0.5, 1]);
    expect(Array.from(roc.tpr)).toEqual([0, 0.5, 1, 1]);
    expect(roc.auc).toBe(0.875);
  });

  it('interpolates TPR at a fixed FPR between the vertices around it', () => {
    const roc = attackRoc(Float64Array.of(3, 2), Float64Array.of(2, 1));
    // On the segment (0, ½) → (½, 1): TPR = ½ + (1 − ½)·(f − 0)/(½ − 0).
    expect(tprAtFpr(roc, 0.25)).toBe(0.75);
    expect(tprAtFpr(roc, 0.1)).toBeCloseTo(0.6, 15);
    // At FPR 0 the vertical step from (0,0) to (0,½) is taken: the best attack reaches ½.
    expect(tprAtFpr(roc, 0)).toBe(0.5);
    expect(tprAtFpr(roc, 1)).toBe(1);
  });

  it('reads TPR at 0.1%, 1% and 10% FPR off a 1000-non-member curve exactly', () => {
    // Non-members score 0..999; members score 999.5, 998.5, …: member j beats 1000 − j non-members.
    // With 100 members scoring 999.5 − 10j the member at rank j has exactly 10j non-members above it.
    const non = Float64Array.from({ length: 1000 }, (_, i) => i);
    const mem = Float64Array.from({ length: 100 }, (_, j) => 999.5 - 10 * j);
    const roc = attackRoc(mem, non);
    // At FPR = 10/1000 the threshold passes member 0 and 1 (the second has 10 above it): TPR 2/100.
    expect(tprAtFpr(roc, 0.01)).toBeCloseTo(0.02, 15);
    // At FPR 1/1000 only member 0 is above (the next member needs 10 FP): TPR 1/100.
    expect(tprAtFpr(roc, 0.001)).toBeCloseTo(0.01, 15);
    // At FPR 100/1000: members 0..10 → 11/100.
    expect(tprAtFpr(roc, 0.1)).toBeCloseTo(0.11, 15);
  });

  it('gives AUC ½ exactly when every score ties', () => {
    expect(attackRoc(new Float64Array(7).fill(2), new Float64Array(5).fill(2)).auc).toBe(0.5);
  });

  it('equals the Mann–Whitney pair count for any scores (property)', () => {
    const scores = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(scores, scores, (a, b) => {
        let wins = 0;
        for (const x of a) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
        const roc = attackRoc(Float64Array.from(a), Float64Array.from(b));
        // Counts are integers and halves: the trapezoid sum is exact, the division rounds once.
        expect(roc.auc).toBe(wins / (a.length * b.length));
        expect(roc.fpr[roc.fpr.length - 1]).toBe(1);
        expect(roc.tpr[roc.tpr.length - 1]).toBe(1);
      }),
    );
  });

  it('refuses an empty side with a clear error', () => {
    expect(() => attackRoc(new Float64Array(0), Float64Array.of(1))).toThrow(/members.*at least one score/);
  });
});
