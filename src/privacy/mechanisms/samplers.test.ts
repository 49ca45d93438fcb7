import { describe, expect, it } from 'vitest';
import { analyticGaussianSigma, gaussianDelta } from './analytic-gaussian.js';
import { bernoulliExp, bernoulliRational } from './bernoulli.js';
import { chiSquare } from './chi-square.fixture.js';
import { discreteGaussianDelta, discreteGaussianSigma, sampleDiscreteGaussian } from './discrete-gaussian.js';
import { sampleDiscreteLaplace } from './discrete-laplace.js';
import { gaussianMechanism, gaussianNoise } from './gaussian.js';
import { laplaceMechanism, laplaceNoise } from './laplace.js';
import { cryptoRandomSource, seededRandomSource, uniformBigInt } from './random-source.js';
import { isqrt, toRational } from './rational.js';

// Every chi-square test below uses a fixed seed, so it is deterministic; the threshold p > 1e-4 is what a
// correct sampler passes with probability 0.9999 over seeds, and a sampler with a wrong parameter (e.g.
// scale off by 5%) fails at these sample sizes by a wide margin (checked by the "detects" test).
const P_MIN = 1e-4;

function histogram(draws: bigint[], lo: number, hi: number): number[] {
  // bins: (−∞, lo], lo+1, …, hi−1, [hi, ∞)
  const out = new Array<number>(hi - lo + 1).fill(0);
  for (const d of draws) {
    const y = Math.min(hi, Math.max(lo, Number(d)));
    out[y - lo]!++;
  }
  return out;
}

function binProbs(pmf: (y: number) => number, lo: number, hi: number, far: number): number[] {
  const out = new Array<number>(hi - lo + 1).fill(0);
  for (let y = -far; y <= far; y++) out[Math.min(hi, Math.max(lo, y)) - lo]! += pmf(y);
  return out;
}

describe('exact rationals and uniform integers', () => {
  it('converts doubles to their exact dyadic value', () => {
    expect(toRational(0.75)).toEqual({ n: 3n, d: 4n });
    const r = toRational(0.1); // 0.1 = 3602879701896397 / 2^55 exactly
    expect(r).toEqual({ n: 3602879701896397n, d: 2n ** 55n });
  });

  it('computes integer square roots exactly', () => {
    expect(isqrt(0n)).toBe(0n);
    expect(isqrt(15n)).toBe(3n);
    expect(isqrt(16n)).toBe(4n);
    const big = 12345678901234567890123n;
    const r = isqrt(big);
    expect(r * r <= big && (r + 1n) * (r + 1n) > big).toBe(true);
  });

  it('draws uniform integers below 7 (chi-square) and below a 70-bit bound', () => {
    const src = seededRandomSource(1);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[Number(uniformBigInt(src, 7n))]!++;
    expect(chiSquare(counts, new Array(7).fill(1 / 7)).p).toBeGreaterThan(P_MIN);
    const n = 2n ** 70n + 12345n;
    const halves = [0, 0];
    for (let i = 0; i < 4000; i++) {
      const u = uniformBigInt(src, n);
      expect(u >= 0n && u < n).toBe(true);
      halves[u < n / 2n ? 0 : 1]!++;
    }
    expect(chiSquare(halves, [0.5, 0.5]).p).toBeGreaterThan(P_MIN);
  });

  it('reads the secure Web Crypto source', () => {
    const src = cryptoRandomSource();
    expect(src.secure).toBe(true);
    const seen = new Set<number>();
    for (let i = 0; i < 600; i++) {
      const u = src.nextUint32();
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
      seen.add(u);
    }
    expect(seen.size).toBeGreaterThan(590); // collisions among 600 draws of 2^32 values: P ≈ 4e-5 each pair sum
  });
});

describe('Bernoulli samplers', () => {
  it('draws Bernoulli(exp(−γ)) exactly for γ ∈ {0.3, 1, 2.7} (binomial z-test, |z| < 4.5)', () => {
    const src = seededRandomSource(2);
    for (const [n, d] of [
      [3n, 10n],
      [1n, 1n],
      [27n, 10n],
    ] as const) {
      const p = Math.exp(-Number(n) / Number(d));
      const N = 20000;
      let k = 0;
      for (let i = 0; i < N; i++) if (bernoulliExp(src, n, d)) k++;
      const z = (k - N * p) / Math.sqrt(N * p * (1 - p));
      expect(Math.abs(z), `γ=${n}/${d}`).toBeLessThan(4.5);
    }
    expect(bernoulliExp(src, 0n, 1n)).toBe(true);
    expect(bernoulliRational(src, 0n, 5n)).toBe(false);
  });
});

describe('discrete Laplace sampler', () => {
  it('matches the exact pmf (1−r)/(1+r)·r^|y|, r = e^{−1/b}, for b = 1.5 and b = 0.4 (chi-square)', () => {
    for (const [b, seed] of [
      [1.5, 3],
      [0.4, 4],
    ] as const) {
      const src = seededRandomSource(seed);
      const draws = Array.from({ length: 40000 }, () => sampleDiscreteLaplace(b, src));
      const r = Math.exp(-1 / b);
      const pmf = (y: number) => ((1 - r) / (1 + r)) * r ** Math.abs(y);
      const { p } = chiSquare(histogram(draws, -8, 8), binProbs(pmf, -8, 8, 400));
      expect(p, `b=${b}`).toBeGreaterThan(P_MIN);
    }
  });

  it('detects a wrong scale: samples of b = 1.5 fail against the pmf of b = 1.575 (+5%)', () => {
    const src = seededRandomSource(3);
    const draws = Array.from({ length: 40000 }, () => sampleDiscreteLaplace(1.5, src));
    const r = Math.exp(-1 / 1.575);
    const pmf = (y: number) => ((1 - r) / (1 + r)) * r ** Math.abs(y);
    expect(chiSquare(histogram(draws, -8, 8), binProbs(pmf, -8, 8, 400)).p).toBeLessThan(1e-6);
  });
});

describe('discrete Gaussian sampler', () => {
  it('matches the exact pmf ∝ exp(−y²/(2σ²)) for σ = 2.3 and σ = 0.6 (chi-square)', () => {
    for (const [sigma, seed] of [
      [2.3, 5],
      [0.6, 6],
    ] as const) {
      const src = seededRandomSource(seed);
      const draws = Array.from({ length: 40000 }, () => sampleDiscreteGaussian(sigma, src));
      let z = 0;
      for (let y = -200; y <= 200; y++) z += Math.exp(-(y * y) / (2 * sigma * sigma));
      const pmf = (y: number) => Math.exp(-(y * y) / (2 * sigma * sigma)) / z;
      const lim = Math.ceil(3 * sigma);
      const { p } = chiSquare(histogram(draws, -lim, lim), binProbs(pmf, -lim, lim, 200));
      expect(p, `σ=${sigma}`).toBeGreaterThan(P_MIN);
    }
  });

  it('computes the exact δ(ε) of CKS Thm 7 (reference: direct NumPy sums over ±60σ)', () => {
    const ref: [number, number, number, number][] = [
      [10, 1, 0.5, 6.934370347517809e-9],
      [3, 1, 1, 2.177830522631045e-4],
      [4.4, 1, 1, 4.165059628189595e-7],
      [2, 2, 0.3, 0.2970543451283955],
      [50, 3, 0.2, 7.42835028934247e-6],
      [0.7, 1, 1, 0.2002825993073761],
    ];
    for (const [s, d, e, v] of ref)
      expect(Math.abs(discreteGaussianDelta(s, d, e) / v - 1), `σ=${s}`).toBeLessThan(1e-9);
  });

  it('calibrates σ as the smallest value whose exact δ(ε) is within the target', () => {
    const s = discreteGaussianSigma(1, 1e-6, 1);
    expect(discreteGaussianDelta(s, 1, 1)).toBeLessThanOrEqual(1e-6);
    expect(discreteGaussianDelta(s * (1 - 1e-6), 1, 1)).toBeGreaterThan(1e-6);
    // and it tracks the continuous analytic σ within 2% at this scale
    expect(Math.abs(s / analyticGaussianSigma(1, 1e-6, 1) - 1)).toBeLessThan(0.02);
  });
});

describe('analytic Gaussian calibration (Balle & Wang 2018)', () => {
  it('matches σ from SciPy brentq on Φ(Δ/2σ − εσ/Δ) − e^ε Φ(−Δ/2σ − εσ/Δ) = δ to 1e-9', () => {
    // Reference: scipy.optimize.brentq with scipy.stats.norm.cdf, xtol = rtol = 1e-15, run offline.
    const ref: [number, number, number, number][] = [
      [1, 1e-5, 1, 3.730631634815946],
      [0.1, 1e-6, 1, 36.30469042619545],
      [5, 1e-3, 2, 1.3796846540007153],
      [0.5, 1e-10, 3.5, 40.026839982821805],
      [2, 0.3, 1, 0.5208454012576722], // δ above δ0: the B+ branch
    ];
    for (const [e, d, D, s] of ref) {
      const got = analyticGaussianSigma(e, d, D);
      expect(Math.abs(got / s - 1), `ε=${e} δ=${d}`).toBeLessThan(1e-9);
      expect(gaussianDelta(got, D, e)).toBeLessThanOrEqual(d * (1 + 1e-9));
    }
  });

  it('is smaller than the classic √(2 ln(1.25/δ))·Δ/ε', () => {
    expect(analyticGaussianSigma(0.5, 1e-5, 1)).toBeLessThan(
      (Math.sqrt(2 * Math.log(1.25 / 1e-5)) * 1) / 0.5,
    );
  });

  it('rejects ε ≤ 0 and δ outside (0, 1)', () => {
    expect(() => analyticGaussianSigma(0, 1e-5)).toThrow(/epsilon/);
    expect(() => analyticGaussianSigma(1, 1)).toThrow(/delta/);
  });
});

describe('discretised Laplace and Gaussian mechanisms', () => {
  it('Laplace: outputs lie on the power-of-two grid, are unbiased and have the stated variance', () => {
    const src = seededRandomSource(8);
    const o = { epsilon: 0.5, sensitivity: 3, source: src };
    const noise = laplaceNoise(o);
    expect(noise.granularity).toBe(2 ** (1 - 24));
    expect(noise.scale).toBeCloseTo(6, 6); // Δ/ε = 6, up to the grid ceil (none here: 3/g is integral)
    // Var of discrete Laplace at grid scale b ≈ 2b² for large b: std ≈ 6√2 = 8.485.
    expect(noise.std).toBeCloseTo(6 * Math.SQRT2, 5);
    const N = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const v = laplaceMechanism(100.3, o);
      expect(Number.isInteger(v / noise.granularity)).toBe(true);
      s += v - 100.3;
      s2 += (v - 100.3) ** 2;
    }
    const mean = s / N;
    const sd = Math.sqrt(s2 / N);
    // mean: |z| < 4.5 with SE = std/√N = 0.06; sd: relative error of a Laplace sample sd over 20000 draws
    // has SE ≈ √((kurtosis−1)/(4N)) = √(5/80000) = 0.0079, so 4% is > 5 SE.
    expect(Math.abs(mean) / (noise.std / Math.sqrt(N))).toBeLessThan(4.5);
    expect(Math.abs(sd / noise.std - 1)).toBeLessThan(0.04);
  });

  it('Gaussian: σ follows the discrete calibration on the grid and the empirical sd matches it', () => {
    const src = seededRandomSource(9);
    const o = { epsilon: 1, delta: 1e-5, sensitivity: 1, source: src };
    const noise = gaussianNoise(o);
    expect(noise.gridSigma).toBeGreaterThanOrEqual(2 ** 13 * 0.99);
    expect(Math.abs(noise.sigma / analyticGaussianSigma(1, 1e-5, 1) - 1)).toBeLessThan(1e-3);
    const N = 8000;
    let s2 = 0;
    let s = 0;
    for (let i = 0; i < N; i++) {
      const v = gaussianMechanism(0, o);
      s += v;
      s2 += v * v;
    }
    // SE of the sample sd of a Gaussian ≈ σ/√(2N): relative 0.0079; tolerance 4% > 5 SE.
    expect(Math.abs(Math.sqrt(s2 / N) / noise.sigma - 1)).toBeLessThan(0.04);
    expect(Math.abs(s / N) / (noise.sigma / Math.sqrt(N))).toBeLessThan(4.5);
  });

  it('Gaussian with ρ uses σ = Δ/√(2ρ) on the grid', () => {
    const n = gaussianNoise({ rho: 0.125, sensitivity: 2 });
    expect(n.sigma).toBeCloseTo(n.gridSensitivity * n.granularity * 2, 9); // 1/√(0.25) = 2
    expect(Math.abs(n.sigma / 4 - 1)).toBeLessThan(1e-3);
  });

  it('rejects a granularity that is not a power of two', () => {
    expect(() => laplaceMechanism(1, { epsilon: 1, sensitivity: 1, granularity: 0.3 })).toThrow(
      /power of two/,
    );
  });
});
