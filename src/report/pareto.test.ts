import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFront, paretoKnee, type TradeoffPoint } from './pareto.js';

const beats = (q: TradeoffPoint, p: TradeoffPoint) => {
  const qa = q.accuracy as number;
  const pa = p.accuracy as number;
  const qd = Math.abs(q.disparity as number);
  const pd = Math.abs(p.disparity as number);
  return qa >= pa && qd <= pd && (qa > pa || qd < pd);
};

const point = fc.record({
  accuracy: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(null)),
  disparity: fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constant(null)),
});

describe('paretoFront', () => {
  it('keeps the points no other point beats and drops the beaten ones (by hand)', () => {
    const pts = [
      { accuracy: 0.85, disparity: 0.18 },
      { accuracy: 0.83, disparity: -0.01 },
      { accuracy: 0.8, disparity: 0.05 }, // beaten by #1 on both axes
      { accuracy: 0.9, disparity: null }, // not measurable
    ];
    expect(paretoFront(pts)).toEqual([0, 1]);
  });

  it('is exactly the set of usable points that no usable point beats (property)', () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 12 }), (pts) => {
        const front = new Set(paretoFront(pts));
        const usable = pts.map((p) => p.accuracy !== null && p.disparity !== null);
        pts.forEach((p, i) => {
          const beaten = usable[i] && pts.some((q, j) => usable[j] && j !== i && beats(q, p));
          expect(front.has(i)).toBe(usable[i]! && !beaten);
        });
      }),
    );
  });
});

describe('paretoKnee', () => {
  it('picks the front point nearest the ideal corner after scaling (by hand)', () => {
    const pts = [
      { accuracy: 0.85, disparity: 0.18 },
      { accuracy: 0.84, disparity: 0.02 },
      { accuracy: 0.8, disparity: 0 },
    ];
    // Scaled distances to (0.85, 0): #0 → 1, #1 → hypot(0.2, 0.111) = 0.229, #2 → 1.
    expect(paretoKnee(pts, [0, 1, 2])).toBe(1);
    expect(paretoKnee(pts, [0, 2])).toBe(0); // a tie goes to the earlier index
    expect(paretoKnee([{ accuracy: null, disparity: 0 }], [0])).toBeNull();
  });

  it('always returns a Pareto-optimal candidate (property)', () => {
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 10 }), (pts) => {
        const cands = pts.map((_, i) => i);
        const k = paretoKnee(pts, cands);
        const usable = pts.filter((p) => p.accuracy !== null && p.disparity !== null);
        if (usable.length === 0) expect(k).toBeNull();
        else expect(paretoFront(pts)).toContain(k);
      }),
    );
  });
});
