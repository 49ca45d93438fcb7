import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import type { LogisticModel } from '../../models/index.js';
import { dpSgdEpsilon, dpSgdNoise } from '../accounting/index.js';
import { chiSquare } from '../mechanisms/chi-square.fixture.js';
import { planDiscreteNoise, sampleDiscreteGaussianInt } from './discrete-noise.js';
import { clippedLogisticSumKernel, dpSgd } from './dp-sgd.js';
import { separable } from './separable.fixture.js';

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, variance: v / (xs.length - 1) };
}

describe('sampleDiscreteGaussianInt', () => {
  it('matches the exact pmf exp(−y²/8)/Z for σ² = 4 (chi-square, 20,000 seeded draws, p > 0.001)', () => {
    // Cells −6…6 and the two tails; probabilities from the normalising sum over |y| ≤ 60 (the rest < e^-450).
    const w = (y: number) => Math.exp(-(y * y) / 8);
    let z = 0;
    for (let y = -60; y <= 60; y++) z += w(y);
    const probs: number[] = [];
    let tailP = 0;
    for (let y = 7; y <= 60; y++) tailP += w(y) / z;
    probs.push(tailP);
    for (let y = -6; y <= 6; y++) probs.push(w(y) / z);
    probs.push(tailP);
    const counts = new Array<number>(probs.length).fill(0);
    const rng = seededRng(2024);
    for (let i = 0; i < 20000; i++) {
      const y = sampleDiscreteGaussianInt(rng, 4);
      const cell = y < -6 ? 0 : y > 6 ? 14 : y + 7;
      counts[cell] = counts[cell]! + 1;
    }
    expect(chiSquare(counts, probs).p).toBeGreaterThan(0.001);
  });

  it('has variance σ² and mean 0 at the DP-SGD scale σ² = 1555² (20,000 draws, within 4 standard errors)', () => {
    // For σ ≥ 1 the discrete Gaussian's variance equals σ² up to O(σ²·e^{−2π²σ²}) (Poisson summation).
    const s2 = 1555 * 1555;
    const n = 20000;
    const rng = seededRng(7);
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = sampleDiscreteGaussianInt(rng, s2);
    const { mean, variance } = moments(xs);
    // SE(mean) = σ/√n; SE(sample variance) ≈ σ²·√(2/(n−1)) (Gaussian kurtosis).
    expect(Math.abs(mean)).toBeLessThan((4 * 1555) / Math.sqrt(n));
    expect(Math.abs(variance / s2 - 1)).toBeLessThan(4 * Math.sqrt(2 / (n - 1)));
  });

  it('stays exact past 2^53 intermediates through the BigInt fallback (σ² = 2^40, variance within 4 SE)', () => {
    const s2 = 2 ** 40; // t = 2^20 + 1: 2σ²t² ≈ 2^81, beyond doubles' exact integers
    const n = 2000;
    const rng = seededRng(3);
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = sampleDiscreteGaussianInt(rng, s2);
    for (const x of xs) expect(Number.isInteger(x)).toBe(true);
    expect(Math.abs(moments(xs).variance / s2 - 1)).toBeLessThan(4 * Math.sqrt(2 / (n - 1)));
  });

  it('returns the same draws for the same seed', () => {
    const a = seededRng(9);
    const b = seededRng(9);
    for (let i = 0; i < 200; i++)
      expect(sampleDiscreteGaussianInt(a, 1000)).toBe(sampleDiscreteGaussianInt(b, 1000));
  });
});

describe('planDiscreteNoise', () => {
  it('picks g = 2^-10 for σ·C = 1 and inflates C by g√P/2 for per-example rounding (by hand)', () => {
    // g: largest power of two ≤ 1/1024 = 2^-10. C' = 1 + 2^-10·√100/2 = 1 + 5/1024 = 1.0048828125.
    // Grid σ = 1·C'/g = 1029, σ² = 1058841; multiplier = 1029·2^-10 / C' = 1 exactly.
    const p = planDiscreteNoise(1, 1, 100, true);
    expect(p.granularity).toBe(2 ** -10);
    expect(p.accountedGradNorm).toBe(1.0048828125);
    expect(p.gridSigma2).toBe(1058841);
    expect(p.noiseMultiplier).toBe(1);
  });

  it('inflates C by g√P when the sum is rounded and rounds σ² up (σ = 0.7, C = 2, P = 16, by hand)', () => {
    // σ·C/1024 = 0.001367 → g = 2^-10; C' = 2 + 4/1024 = 2.00390625; grid σ = 0.7·2052 = 1436.4,
    // σ² = 2063244.96 → 2063245; multiplier = √2063245/1024/2.00390625 = 0.70000002 ≥ 0.7.
    const p = planDiscreteNoise(0.7, 2, 16, false);
    expect(p.granularity).toBe(2 ** -10);
    expect(p.accountedGradNorm).toBe(2.00390625);
    expect(p.gridSigma2).toBe(2063245);
    expect(p.noiseMultiplier).toBeGreaterThanOrEqual(0.7);
    expect(p.noiseMultiplier).toBeLessThan(0.7 * (1 + 1e-6));
  });

  it('never gives less noise than asked relative to the inflated norm (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 20, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 100000 }),
        fc.boolean(),
        (sigma, C, P, per) => {
          const p = planDiscreteNoise(sigma, C, P, per);
          const g = p.granularity;
          expect(2 ** Math.round(Math.log2(g))).toBe(g);
          expect(g).toBeLessThanOrEqual((sigma * C) / 1024);
          expect(2 * g).toBeGreaterThan((sigma * C) / 1024);
          expect(p.accountedGradNorm).toBeCloseTo(C + (per ? 0.5 : 1) * g * Math.sqrt(P), 12);
          // The actual noise sd (√σ²_grid·g) covers σ times the inflated norm.
          expect(Math.sqrt(p.gridSigma2) * g).toBeGreaterThanOrEqual(
            sigma * p.accountedGradNorm * (1 - 1e-15),
          );
        },
      ),
    );
  });
});

describe('clippedLogisticSumKernel on a grid', () => {
  it('adds each clipped row rounded to the grid: within ½ grid step of the unrounded contribution (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.constantFrom(0, 1),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        fc.integer({ min: -12, max: -4 }),
        (x, y, C, e) => {
          const grid = 2 ** e;
          const theta = Float64Array.from([0.3, -0.2, 0.5, 0.1]);
          const xs = Float64Array.from(x);
          const norm2 = Float64Array.of(1 + x.reduce((s, v) => s + v * v, 0));
          const ys = Float64Array.of(y);
          const batch = Uint32Array.of(0);
          const exact = new Float64Array(4);
          const rounded = new Float64Array(4);
          clippedLogisticSumKernel(theta, xs, 3, ys, 1, batch, 1, norm2, C, new Float64Array(1), exact);
          clippedLogisticSumKernel(
            theta,
            xs,
            3,
            ys,
            1,
            batch,
            1,
            norm2,
            C,
            new Float64Array(1),
            rounded,
            grid,
          );
          for (let j = 0; j < 4; j++) {
            expect(Number.isInteger(rounded[j]!)).toBe(true);
            expect(Math.abs(rounded[j]! - exact[j]! / grid)).toBeLessThanOrEqual(0.5 + 1e-9);
          }
        },
      ),
    );
  });
});

describe('dpSgd with discrete noise', () => {
  it('adds per-coordinate noise of variance σ²_grid·g² (1,200 one-step fits, pooled variance within 4 SE)', async () => {
    // n = 10 rows, batch ≥ n (q = 1: every step uses all rows), one plain SGD step from θ = 0:
    // θ = −lr·(S + Z)·g/n, S the same rounded clipped sum on every run, Z ~ N_Z(0, σ²_grid) per coordinate.
    // σ = 1, C = 1, P = 3: g = 2^-10, C' = 1 + 2^-10·√3/2, σ²_grid = ⌈(1024·C')²⌉ = ⌈(1024 + √3/2)²⌉.
    const t = separable(10, 5);
    const lr = 0.5;
    const fits = 1200;
    const theta = [new Float64Array(fits), new Float64Array(fits), new Float64Array(fits)];
    for (let s = 0; s < fits; s++) {
      const m = await dpSgd({
        noiseMultiplier: 1,
        maxGradNorm: 1,
        epochs: 1,
        batchSize: 10,
        optimizer: 'sgd',
        learningRate: lr,
        insecureSeed: s,
      }).fit(t, 'y');
      const p = (m.inner as LogisticModel).parameters();
      for (let j = 0; j < 3; j++) theta[j]![s] = p[j]!;
    }
    const s2 = Math.ceil((1024 + Math.sqrt(3) / 2) ** 2);
    const expected = ((lr * 2 ** -10) / 10) ** 2 * s2;
    const pooled =
      (moments(theta[0]!).variance + moments(theta[1]!).variance + moments(theta[2]!).variance) / 3;
    // Pooled over 3 independent coordinates: SE ≈ √(2/(3·(fits − 1))) ≈ 2.4 %.
    expect(Math.abs(pooled / expected - 1)).toBeLessThan(4 * Math.sqrt(2 / (3 * (fits - 1))));
  });

  it('records the inflated norm C + g√P/2 and the ε for σ relative to it (at most the target)', async () => {
    const t = separable(400, 8);
    const m = await dpSgd({
      epsilon: 3,
      delta: 1e-5,
      maxGradNorm: 1,
      epochs: 3,
      batchSize: 50,
      insecureSeed: 4,
      noise: 'discrete',
    }).fit(t, 'y');
    const pr = m.privacy;
    // Independently: q = 50/400, T = round(3/q) = 24, σ from the accountant for ε = 3, P = 3.
    const sigma = dpSgdNoise({ sampleRate: 0.125, steps: 24, delta: 1e-5, epsilon: 3 });
    const g = 2 ** Math.floor(Math.log2(sigma / 1024));
    const cPrime = 1 + (g * Math.sqrt(3)) / 2;
    const gridSigma2 = Math.ceil(((sigma * cPrime) / g) ** 2);
    expect(pr.noise).toBe('discrete');
    expect(pr.granularity).toBe(g);
    expect(pr.maxGradNorm).toBe(1);
    expect(pr.accountedGradNorm).toBe(cPrime);
    expect(pr.noiseMultiplier).toBeCloseTo((Math.sqrt(gridSigma2) * g) / cPrime, 12);
    expect(pr.noiseMultiplier).toBeGreaterThanOrEqual(sigma);
    const eps = dpSgdEpsilon({
      sampleRate: 0.125,
      noiseMultiplier: pr.noiseMultiplier,
      steps: 24,
      delta: 1e-5,
    });
    expect(pr.epsilon).toBe(eps.epsilon);
    expect(pr.epsilon!).toBeLessThanOrEqual(3);
    // Accounting σ against the un-inflated C would have overstated the protection: σ·C'/C' vs σ·C/C'.
    const naive = dpSgdEpsilon({
      sampleRate: 0.125,
      noiseMultiplier: sigma / cPrime,
      steps: 24,
      delta: 1e-5,
    });
    expect(naive.epsilon).toBeGreaterThan(3);
  });

  it('reproduces the same parameters for the same seed and different ones for another seed', async () => {
    const t = separable(200, 9);
    const opts = { epsilon: 2, epochs: 2, batchSize: 40, noise: 'discrete' } as const;
    const a = (await dpSgd({ ...opts, insecureSeed: 21 }).fit(t, 'y')).parameters();
    const b = (await dpSgd({ ...opts, insecureSeed: 21 }).fit(t, 'y')).parameters();
    const c = (await dpSgd({ ...opts, insecureSeed: 22 }).fit(t, 'y')).parameters();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('keeps a logistic model ≥ 0.9 accurate on the separable set at ε = 3', async () => {
    const train = separable(2000, 1);
    const test = separable(1000, 2);
    const m = await dpSgd({
      epsilon: 3,
      delta: 1e-5,
      epochs: 5,
      batchSize: 100,
      noise: 'discrete',
      insecureSeed: 1,
    }).fit(train, 'y');
    const p = await m.predictProba(test);
    const y = test.column('y');
    let ok = 0;
    for (let i = 0; i < test.nrows; i++)
      if (p[i]! >= 0.5 === (y.kind === 'category' && y.levels[y.codes[i]!] === 'yes')) ok++;
    expect(ok / test.nrows).toBeGreaterThanOrEqual(0.9);
  });

  it("records noise 'float' with no grid and the plain C when asked, and refuses an unknown kind", async () => {
    const t = separable(200, 3);
    const m = await dpSgd({ epsilon: 3, epochs: 1, batchSize: 40, noise: 'float', insecureSeed: 1 }).fit(
      t,
      'y',
    );
    expect(m.privacy.noise).toBe('float');
    expect(m.privacy.granularity).toBeNull();
    expect(m.privacy.accountedGradNorm).toBe(1);
    expect(() => dpSgd({ epsilon: 3, noise: 'snapped' as 'float' })).toThrow(/noise/);
  });
});
