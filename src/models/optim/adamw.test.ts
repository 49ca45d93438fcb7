import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adamw } from './adamw.js';

describe('adamw', () => {
  it('matches a hand-computed two-step update with decoupled decay and a decay mask', () => {
    // lr 0.1, β₁ 0.9, β₂ 0.999, ε 1e-8, λ 0.1; θ₀ = [1, −2]; parameter 1 is not decayed.
    // Parameter 0, g = 2 then −1:
    //   t=1: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, θ = 1 − 0.1·(2/(2+1e-8) + 0.1·1) = 0.8900000005
    //   t=2: m = 0.18 − 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996,
    //        m̂ = 0.08/0.19, v̂ = 0.004996/0.001999,
    //        θ = 0.8900000005 − 0.1·(m̂/(√v̂+ε) + 0.1·0.8900000005) = 0.85446629669743135787
    //        (evaluated in 40-digit decimal arithmetic).
    // Parameter 1, g = 0.5 twice: m̂ = 0.5, v̂ = 0.25 each step, so each step moves by
    //   0.1·0.5/(0.5+1e-8) = 0.099999998: θ = −2.099999998, then −2.199999996.
    const opt = adamw(2, {
      learningRate: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0.1,
      decayMask: new Uint8Array([1, 0]),
    });
    const theta = new Float64Array([1, -2]);
    opt.updateInPlace(theta, new Float64Array([2, 0.5]));
    // Tolerance 1e-15 absolute: a handful of float64 roundings on numbers of order 1.
    expect(theta[0]).toBeCloseTo(0.8900000005, 15);
    expect(theta[1]).toBeCloseTo(-2.099999998, 15);
    const m1 = opt.moments();
    expect(m1.m[0]).toBeCloseTo(0.2, 15);
    expect(m1.v[0]).toBeCloseTo(0.004, 15);
    opt.updateInPlace(theta, new Float64Array([-1, 0.5]));
    expect(opt.steps).toBe(2);
    expect(theta[0]).toBeCloseTo(0.8544662966974313, 14);
    expect(theta[1]).toBeCloseTo(-2.199999996, 14);
    const m2 = opt.moments();
    expect(m2.m[0]).toBeCloseTo(0.08, 15);
    expect(m2.v[0]).toBeCloseTo(0.004996, 15);
  });

  it('shrinks parameters by exactly lr·λ·θ when the gradient is zero', () => {
    // g = 0 gives m = v = 0, so the Adam part is 0/(0 + ε) = 0 and θ ← θ(1 − lr·λ) = 3·(1 − 0.01·0.5).
    const opt = adamw(1, { learningRate: 0.01, weightDecay: 0.5 });
    const theta = new Float64Array([3]);
    opt.updateInPlace(theta, new Float64Array([0]));
    expect(theta[0]).toBe(3 - 0.01 * (0 + 0.5 * 3));
  });

  it('first step moves each parameter by about lr against the sign of its gradient, whatever its scale', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.boolean(),
        fc.double({ min: -10, max: 10, noNaN: true }),
        (mag, neg, start) => {
          const g = neg ? -mag : mag;
          const opt = adamw(1, { learningRate: 0.05, weightDecay: 0 });
          const theta = new Float64Array([start]);
          opt.updateInPlace(theta, new Float64Array([g]));
          // |g|/(|g| + 1e-8) differs from 1 by at most 1e-5 for |g| ≥ 1e-3, so the step is 0.05·(1 ± 1e-5).
          const moved = start - theta[0]!;
          expect(Math.sign(moved)).toBe(Math.sign(g));
          expect(Math.abs(Math.abs(moved) - 0.05)).toBeLessThan(0.05 * 1e-5 + 1e-12);
        },
      ),
    );
  });

  it('reset forgets the moments and the step count', () => {
    const opt = adamw(1, { learningRate: 0.1, weightDecay: 0 });
    const a = new Float64Array([1]);
    opt.updateInPlace(a, new Float64Array([1]));
    opt.updateInPlace(a, new Float64Array([-3]));
    opt.reset();
    expect(opt.steps).toBe(0);
    const b = new Float64Array([1]);
    const fresh = adamw(1, { learningRate: 0.1, weightDecay: 0 });
    const c = new Float64Array([1]);
    opt.updateInPlace(b, new Float64Array([2]));
    fresh.updateInPlace(c, new Float64Array([2]));
    expect(Object.is(b[0], c[0])).toBe(true);
  });

  it('rejects a β of 1, a negative decay and a mask of the wrong length', () => {
    expect(() => adamw(2, { beta1: 1 })).toThrow(/beta1.*\[0, 1\)/);
    expect(() => adamw(2, { weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => adamw(2, { decayMask: new Uint8Array(3) })).toThrow(/decayMask.*length 2/);
    const opt = adamw(2);
    expect(() => opt.updateInPlace(new Float64Array(2), new Float64Array(3))).toThrow(/grad.*length 2/);
  });
});
