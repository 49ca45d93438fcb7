import { describe, expect, it } from 'vitest';
import { binomial, multinomialInto, seededRng } from './rng.js';

/** Sample mean and (n−1) variance. */
function moments(xs: Float64Array): { mean: number; variance: number } {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - m) * (x - m);
  return { mean: m, variance: v / (xs.length - 1) };
}

// Monte-Carlo tolerances: with B draws, the sample mean has sd √(Var/B) and the sample variance
// has sd ≈ Var·√(2/(B−1)) (near-normal counts). Every check allows 5 sd, a false-failure rate
// below 1e-6 per assertion; seeds are fixed, so the outcome is deterministic anyway.
const B = 20_000;

describe('binomial', () => {
  it.each([
    [10, 0.3],
    [64, 0.5],
    [1000, 0.02],
    [100_000, 0.37],
    [3_000_000_000, 0.5], // above 2^31: the recursion must not wrap
  ])('has mean n·p and variance n·p·(1−p) for n = %d, p = %d', (n, p) => {
    const rng = seededRng(11);
    const xs = new Float64Array(B);
    for (let i = 0; i < B; i++) xs[i] = binomial(rng, n, p);
    const { mean, variance } = moments(xs);
    const v = n * p * (1 - p);
    expect(Math.abs(mean - n * p)).toBeLessThanOrEqual(5 * Math.sqrt(v / B));
    expect(Math.abs(variance - v)).toBeLessThanOrEqual(5 * v * Math.sqrt(2 / (B - 1)));
    let invalid = 0;
    for (const x of xs) if (!(Number.isInteger(x) && x >= 0 && x <= n)) invalid++;
    expect(invalid).toBe(0);
  });

  it('follows the Binomial(100, 0.3) probability mass function (chi-square goodness of fit)', () => {
    // n = 100 > 64 exercises the beta-splitting recursion. Bins: ≤ 20, 21…39 one each, ≥ 40
    // (21 bins, each expected count ≥ 300). The 99.9% point of χ²(20) is 45.3147 (scipy chi2.ppf).
    const n = 100;
    const p = 0.3;
    const pmf: number[] = [];
    let lp = n * Math.log(1 - p); // log P(X = 0)
    for (let k = 0; k <= n; k++) {
      pmf.push(Math.exp(lp));
      lp += Math.log(((n - k) / (k + 1)) * (p / (1 - p)));
    }
    const bin = (k: number): number => (k <= 20 ? 0 : k >= 40 ? 20 : k - 20);
    const expected = new Array<number>(21).fill(0);
    pmf.forEach((q, k) => {
      expected[bin(k)]! += q * B;
    });
    const observed = new Array<number>(21).fill(0);
    const rng = seededRng(2024);
    for (let i = 0; i < B; i++) observed[bin(binomial(rng, n, p))]!++;
    let x2 = 0;
    for (let b = 0; b < 21; b++) x2 += (observed[b]! - expected[b]!) ** 2 / expected[b]!;
    expect(x2).toBeLessThan(45.3147);
  });

  it('follows the Binomial(40, 0.2) probability mass function in the inversion regime', () => {
    // n·p = 8 < 16: pure CDF inversion. Bins: ≤ 3, 4…12 one each, ≥ 13 (11 bins, each expected
    // count ≥ 380 at B = 20000). The 99.9% point of χ²(10) is 29.5883 (scipy chi2.ppf).
    const n = 40;
    const p = 0.2;
    const pmf: number[] = [];
    let lp = n * Math.log(1 - p);
    for (let k = 0; k <= n; k++) {
      pmf.push(Math.exp(lp));
      lp += Math.log(((n - k) / (k + 1)) * (p / (1 - p)));
    }
    const bin = (k: number): number => (k <= 3 ? 0 : k >= 13 ? 10 : k - 3);
    const expected = new Array<number>(11).fill(0);
    pmf.forEach((q, k) => {
      expected[bin(k)]! += q * B;
    });
    const observed = new Array<number>(11).fill(0);
    const rng = seededRng(99);
    for (let i = 0; i < B; i++) observed[bin(binomial(rng, n, p))]!++;
    let x2 = 0;
    for (let b = 0; b < 11; b++) x2 += (observed[b]! - expected[b]!) ** 2 / expected[b]!;
    expect(x2).toBeLessThan(29.5883);
  });

  it('returns 0 for p ≤ 0 and n for p ≥ 1', () => {
    const rng = seededRng(1);
    expect(binomial(rng, 50, 0)).toBe(0);
    expect(binomial(rng, 50, 1)).toBe(50);
  });
});

describe('multinomialInto', () => {
  it('has mean n·p, variance n·p(1−p) and covariance −n·p·q', () => {
    const n = 1000;
    const probs = [0.5, 0.3, 0.15, 0.05];
    const rng = seededRng(7);
    const draws = probs.map(() => new Float64Array(B));
    const out = new Float64Array(probs.length);
    for (let i = 0; i < B; i++) {
      multinomialInto(rng, n, probs, out);
      let s = 0;
      for (let k = 0; k < probs.length; k++) {
        draws[k]![i] = out[k]!;
        s += out[k]!;
      }
      expect(s).toBe(n);
    }
    probs.forEach((p, k) => {
      const { mean, variance } = moments(draws[k]!);
      const v = n * p * (1 - p);
      expect(Math.abs(mean - n * p)).toBeLessThanOrEqual(5 * Math.sqrt(v / B));
      expect(Math.abs(variance - v)).toBeLessThanOrEqual(5 * v * Math.sqrt(2 / (B - 1)));
    });
    // Cov(X₀, X₁) = −n·p₀·p₁ = −150. The sample covariance has sd ≈ √((σ₀²σ₁² + c²)/B) = √((250·210 + 150²)/B).
    const m0 = moments(draws[0]!).mean;
    const m1 = moments(draws[1]!).mean;
    let c = 0;
    for (let i = 0; i < B; i++) c += (draws[0]![i]! - m0) * (draws[1]![i]! - m1);
    c /= B - 1;
    expect(Math.abs(c - -150)).toBeLessThanOrEqual(5 * Math.sqrt((250 * 210 + 150 * 150) / B));
  });

  it('treats the probabilities as weights that need not sum to 1', () => {
    // weights 2, 6, 2 ≡ probabilities 0.2, 0.6, 0.2
    const n = 500;
    const rng = seededRng(3);
    const out = new Float64Array(3);
    const first = new Float64Array(B);
    for (let i = 0; i < B; i++) {
      multinomialInto(rng, n, [2, 6, 2], out);
      first[i] = out[0]!;
    }
    const { mean } = moments(first);
    expect(Math.abs(mean - 100)).toBeLessThanOrEqual(5 * Math.sqrt((500 * 0.2 * 0.8) / B));
  });

  it('never puts trials in zero-probability categories, also the last one', () => {
    const rng = seededRng(5);
    const out = new Float64Array(4);
    for (let i = 0; i < 1000; i++) {
      multinomialInto(rng, 37, [0, 0.5, 0.5, 0], out);
      expect(out[0]).toBe(0);
      expect(out[3]).toBe(0);
      expect(out[1]! + out[2]!).toBe(37);
    }
  });

  it('gives tiny categories their share among a huge n', () => {
    // p = (1 − 2e-9, 1e-9, 1e-9), n = 1e9: the last two have mean 1 each.
    const rng = seededRng(9);
    const out = new Float64Array(3);
    let a = 0;
    let b = 0;
    const draws = 4000;
    for (let i = 0; i < draws; i++) {
      multinomialInto(rng, 1e9, [1 - 2e-9, 1e-9, 1e-9], out);
      a += out[1]!;
      b += out[2]!;
    }
    // Each sum is Poisson(≈ 4000): sd ≈ 63; 5 sd ≈ 316.
    expect(Math.abs(a - 4000)).toBeLessThanOrEqual(316);
    expect(Math.abs(b - 4000)).toBeLessThanOrEqual(316);
  });

  it('is reproducible for a seed', () => {
    const draw = (seed: number): number[] => {
      const rng = seededRng(seed);
      const out = new Float64Array(3);
      multinomialInto(rng, 1234, [0.2, 0.3, 0.5], out);
      return [...out];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('rejects a non-integer n, negative weights and all-zero weights', () => {
    const rng = seededRng(1);
    const out = new Float64Array(2);
    expect(() => multinomialInto(rng, 2.5, [1, 1], out)).toThrow(RangeError);
    expect(() => multinomialInto(rng, 2, [1, -1], out)).toThrow(/probs\[1\]/);
    expect(() => multinomialInto(rng, 2, [0, 0], out)).toThrow(/all zero/);
    multinomialInto(rng, 0, [0, 0], out);
    expect([...out]).toEqual([0, 0]);
  });
});
