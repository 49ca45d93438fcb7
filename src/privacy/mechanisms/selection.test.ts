import { describe, expect, it } from 'vitest';
import { chiSquare } from './chi-square.fixture.js';
import { exponentialMechanism } from './exponential.js';
import { seededRandomSource } from './random-source.js';
import {
  randomizedResponse,
  randomizedResponseBit,
  randomizedResponseEstimate,
} from './randomized-response.js';
import { reportNoisyMax } from './report-noisy-max.js';
import { aboveThreshold } from './sparse-vector.js';

const P_MIN = 1e-4; // fixed seeds: deterministic; a correct sampler passes at 0.9999 over seeds

describe('exponentialMechanism', () => {
  it('picks candidate i with probability ∝ exp(ε·u_i/(2Δ)) (chi-square against the exact weights)', () => {
    const u = [0, 1, 2.5, 4, 4];
    const eps = 1.2;
    const w = u.map((x) => Math.exp((eps * x) / 2));
    const z = w.reduce((a, b) => a + b, 0);
    const src = seededRandomSource(11);
    const counts = new Array<number>(u.length).fill(0);
    for (let i = 0; i < 30000; i++)
      counts[exponentialMechanism(u, { epsilon: eps, sensitivity: 1, source: src })]!++;
    expect(
      chiSquare(
        counts,
        w.map((x) => x / z),
      ).p,
    ).toBeGreaterThan(P_MIN);
  });

  it('uses exp(ε·u/Δ) when the utility is monotonic', () => {
    const u = [0, 1, 2];
    const w = u.map((x) => Math.exp(0.7 * x));
    const z = w.reduce((a, b) => a + b, 0);
    const src = seededRandomSource(12);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++)
      counts[exponentialMechanism(u, { epsilon: 0.7, sensitivity: 1, monotonic: true, source: src })]!++;
    expect(
      chiSquare(
        counts,
        w.map((x) => x / z),
      ).p,
    ).toBeGreaterThan(P_MIN);
  });

  it('rejects an empty candidate list and non-finite utilities', () => {
    expect(() => exponentialMechanism([], { epsilon: 1, sensitivity: 1 })).toThrow(/at least one candidate/);
    expect(() => exponentialMechanism([1, Number.NaN], { epsilon: 1, sensitivity: 1 })).toThrow(
      /utilities\[1\]/,
    );
  });
});

describe('reportNoisyMax (permute-and-flip)', () => {
  it('follows the exact permute-and-flip distribution for two candidates', () => {
    // Two candidates, u = (0, 1), ε = 1, Δ = 1: γ for the worse one is ε·1/(2Δ) = 0.5, a = e^{-0.5}.
    // P(worse) = ½·a + ½·(1−1)… by hand: order (worse, best) w.p. ½ → worse with prob a; order
    // (best, worse) w.p. ½ → best always. So P(worse) = a/2 = 0.30327.
    const a = Math.exp(-0.5);
    const src = seededRandomSource(13);
    const counts = [0, 0];
    for (let i = 0; i < 20000; i++)
      counts[reportNoisyMax([0, 1], { epsilon: 1, sensitivity: 1, source: src })]!++;
    expect(chiSquare(counts, [a / 2, 1 - a / 2]).p).toBeGreaterThan(P_MIN);
  });

  it('finds a clear winner among many', () => {
    const u = Array.from({ length: 50 }, (_, i) => (i === 37 ? 200 : i));
    expect(reportNoisyMax(u, { epsilon: 1, sensitivity: 1, source: seededRandomSource(1) })).toBe(37);
  });
});

describe('randomized response', () => {
  it('keeps the true value with probability e^ε/(e^ε+k−1) and spreads the rest uniformly (k = 4)', () => {
    const eps = 1;
    const k = 4;
    const p = Math.exp(eps) / (Math.exp(eps) + k - 1);
    const q = 1 / (Math.exp(eps) + k - 1);
    const src = seededRandomSource(14);
    const counts = new Array<number>(k).fill(0);
    for (let i = 0; i < 40000; i++) counts[randomizedResponse(2, k, eps, src)]!++;
    expect(chiSquare(counts, [q, q, p, q]).p).toBeGreaterThan(P_MIN);
  });

  it('the debiasing estimator is unbiased and its standard error matches the spread over 300 seeded surveys', () => {
    // True population: 10% yes. Each survey: 2000 people answer with binary RR at ε = ln 3 (p = 3/4).
    const eps = Math.log(3);
    const n = 2000;
    const truth = 0.1;
    const est: number[] = [];
    const ses: number[] = [];
    const src = seededRandomSource(15);
    for (let s = 0; s < 300; s++) {
      let yes = 0;
      for (let i = 0; i < n; i++) if (randomizedResponseBit(i < n * truth, eps, src)) yes++;
      const r = randomizedResponseEstimate([n - yes, yes], eps);
      est.push(r.proportions[1]!);
      ses.push(r.standardErrors[1]!);
    }
    const mean = est.reduce((a, b) => a + b, 0) / est.length;
    const sd = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (est.length - 1));
    // Exact variance here (200 fixed yes-people report yes w.p. 3/4, 1800 no-people w.p. 1/4): every
    // report is Bernoulli with variance 3/16, so Var(yes) = 2000·3/16 = 375 and
    // Var(π̂) = 375/(2000²·(p−q)²) = 375/(4e6·0.25) = 3.75e-4 → sd 0.019365. The SE of a sample sd over
    // 300 surveys is ≈ 1/√600 = 4.1%: tolerance 12%. The plug-in standard error treats the population
    // as sampled: λ = 0.3, √(λ(1−λ)/(n(p−q)²)) = √(0.21/500) = 0.020494 (within 5% on average).
    const exactSd = Math.sqrt(375 / (4e6 * 0.25));
    const plugIn = Math.sqrt(0.21 / (2000 * 0.25));
    expect(Math.abs(mean - truth)).toBeLessThan((4.5 * exactSd) / Math.sqrt(300));
    expect(Math.abs(sd / exactSd - 1)).toBeLessThan(0.12);
    expect(Math.abs(ses.reduce((a, b) => a + b, 0) / ses.length / plugIn - 1)).toBeLessThan(0.05);
  });

  it('inverts the expected report frequencies exactly', () => {
    // 10% true yes, ε = ln 3: expected yes reports 0.25 + 0.1·0.5 = 0.3 → 300 of 1000.
    const r = randomizedResponseEstimate([700, 300], Math.log(3));
    expect(r.proportions[1]).toBeCloseTo(0.1, 12);
    expect(r.counts[1]).toBeCloseTo(100, 9);
  });

  it('rejects a value outside 0…k−1', () => {
    expect(() => randomizedResponse(4, 4, 1)).toThrow(/0…3/);
  });
});

describe('aboveThreshold (sparse vector)', () => {
  it('stops at the first query clearly above the threshold and reads no further', () => {
    let asked = 0;
    function* qs() {
      for (const v of [1, 3, 2, 500, 4, 5]) {
        asked++;
        yield v;
      }
    }
    expect(aboveThreshold(qs(), 100, { epsilon: 1, sensitivity: 1, source: seededRandomSource(16) })).toBe(3);
    expect(asked).toBe(4);
  });

  it('returns −1 when every query is far below, and halts on a query exactly at the threshold about half the time', () => {
    const src = seededRandomSource(17);
    expect(aboveThreshold([0, 1, 2], 1000, { epsilon: 1, sensitivity: 1, source: src })).toBe(-1);
    // q = T: P(q + ν ≥ T + ρ) = P(ν − ρ ≥ 0) ≥ ½ by symmetry (ties count as above): between 0.5 and 0.6
    // for these discrete scales (tie probability ≈ 0). Binomial SE over 4000: 0.008.
    let hits = 0;
    for (let i = 0; i < 4000; i++)
      if (aboveThreshold([10], 10, { epsilon: 1, sensitivity: 1, source: src }) === 0) hits++;
    expect(hits / 4000).toBeGreaterThan(0.47);
    expect(hits / 4000).toBeLessThan(0.53);
  });
});
