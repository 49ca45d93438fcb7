import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../metrics/index.js';
import { convolveReal, fft } from './fft.js';
import { pldDelta, prvAccountant } from './pld.js';
import { dpSgdEpsilon } from './rdp.js';

/** Exact δ(ε) of the Gaussian mechanism with μ = Δ/σ (Balle & Wang 2018, Thm 8): Φ(μ/2 − ε/μ) − e^ε Φ(−μ/2 − ε/μ). */
function gaussianDelta(mu: number, eps: number): number {
  return normalCdf(mu / 2 - eps / mu) - Math.exp(eps) * normalCdf(-mu / 2 - eps / mu);
}

describe('fft and convolveReal', () => {
  it('transforms [1, 1, 0, 0] to [2, 1 − i, 0, 1 + i]', () => {
    const re = Float64Array.of(1, 1, 0, 0);
    const im = new Float64Array(4);
    fft(re, im, false);
    // by hand: X_k = 1 + e^{−2πik/4}; tolerance 1e-15 for the rounding of cos/sin at π/2 multiples
    const want = [
      [2, 0],
      [1, -1],
      [0, 0],
      [1, 1],
    ];
    for (let k = 0; k < 4; k++) {
      expect(Math.abs(re[k]! - want[k]![0]!)).toBeLessThan(1e-15);
      expect(Math.abs(im[k]! - want[k]![1]!)).toBeLessThan(1e-15);
    }
  });

  it('convolves like the direct double sum, to 1e-12 (round-off of an FFT of ≤ 128 points)', () => {
    const arr = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(arr, arr, (a, b) => {
        const got = convolveReal(Float64Array.from(a), Float64Array.from(b));
        expect(got.length).toBe(a.length + b.length - 1);
        for (let k = 0; k < got.length; k++) {
          let s = 0;
          for (let i = 0; i < a.length; i++) if (k - i >= 0 && k - i < b.length) s += a[i]! * b[k - i]!;
          expect(Math.abs(got[k]! - s)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('prvAccountant', () => {
  it('pldDelta of two masses is the hockey-stick sum by hand', () => {
    // masses ½ at losses 0 and 1, ε = 0: ½·(1 − e^0) + ½·(1 − e^{−1}) = 0.5·0.6321205588 = 0.3160602794
    expect(pldDelta({ h: 1, kmin: 0, mass: Float64Array.of(0.5, 0.5), infinity: 0 }, 0)).toBeCloseTo(
      0.3160602794,
      10,
    );
  });

  it('for T = 1 and q = 1 matches the exact Gaussian δ(ε) to 1e-6 and its upper bound lies above it', () => {
    for (const sigma of [0.8, 1, 2]) {
      const a = prvAccountant({ sampleRate: 1, noiseMultiplier: sigma, steps: 1, gridStep: 1e-3 });
      for (const eps of [0, 0.5, 1, 2]) {
        const exact = gaussianDelta(1 / sigma, eps);
        // mean-preserving rounding errs by O(h²·e^{ε−y}) ≈ 1e-7 here
        expect(Math.abs(a.deltaEstimate(eps) - exact)).toBeLessThan(1e-6);
        expect(a.deltaUpper(eps)).toBeGreaterThanOrEqual(exact);
      }
    }
  });

  it('composes by FFT: 16 steps of σ = 4 equal one step of σ = 1 (Gaussians compose as √T)', () => {
    const a = prvAccountant({ sampleRate: 1, noiseMultiplier: 4, steps: 16, gridStep: 5e-4 });
    for (const eps of [0.25, 1, 3]) {
      const exact = gaussianDelta(1, eps);
      // 16 rounding errors of O(h²) each, plus FFT round-off ≈ 1e-13
      expect(Math.abs(a.deltaEstimate(eps) - exact)).toBeLessThan(1e-5);
      expect(a.deltaUpper(eps)).toBeGreaterThanOrEqual(exact);
    }
  });

  it('on the DP-SGD MNIST setting, ε falls monotonically as the grid is refined and beats RDP', () => {
    const setting = { sampleRate: 256 / 60000, noiseMultiplier: 1.1, steps: 14063 };
    const eps = [4e-4, 2e-4, 1e-4].map((h) => prvAccountant({ ...setting, gridStep: h }).epsilon(1e-5));
    const rdp = dpSgdEpsilon({ ...setting, delta: 1e-5 }).epsilon; // 2.5966 (rdp.test.ts)
    expect(eps[0]!).toBeGreaterThan(eps[1]!);
    expect(eps[1]!).toBeGreaterThan(eps[2]!);
    // the steps shrink: the bound converges (Hoeffding shift ∝ h)
    expect(eps[1]! - eps[2]!).toBeLessThan(eps[0]! - eps[1]!);
    expect(eps[2]!).toBeLessThan(rdp);
    // measured 2.6873, 2.5301, 2.4548 (limit ≈ 2.38 from h = 2.5e-5: 2.3999); published PRV figures 2.3–2.5
    expect(eps[2]!).toBeGreaterThan(2.3);
    expect(eps[2]!).toBeLessThan(2.5);
  });

  it('refuses a sampling rate, noise multiplier, step count or δ out of range', () => {
    expect(() => prvAccountant({ sampleRate: 0, noiseMultiplier: 1, steps: 1 })).toThrow(/sampleRate/);
    expect(() => prvAccountant({ sampleRate: 0.1, noiseMultiplier: 0, steps: 1 })).toThrow(/noiseMultiplier/);
    expect(() => prvAccountant({ sampleRate: 0.1, noiseMultiplier: 1, steps: 1.5 })).toThrow(/steps/);
    const a = prvAccountant({ sampleRate: 1, noiseMultiplier: 1, steps: 1, gridStep: 1e-2 });
    expect(() => a.epsilon(1)).toThrow(/delta/);
  });
});
