import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exponentialMechanism } from './exponential.js';
import { laplaceMechanism, laplaceNoise } from './laplace.js';
import { seededRandomSource, uniformBigInt } from './random-source.js';
import { ratDiv, ratMul, ratSub, toRational } from './rational.js';
import { reportNoisyMax } from './report-noisy-max.js';

describe('mechanism invariants (property-based)', () => {
  it('toRational is exact: n / d reproduces the double, and d is a power of two', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), (x) => {
        // Below 2^-900 the denominator itself overflows a double, so the check below cannot be made.
        fc.pre(x === 0 || Math.abs(x) > 2 ** -900);
        const r = toRational(x);
        expect(Number(r.n) / Number(r.d)).toBe(x === 0 ? 0 : x); // both exact in double when |n| < 2^53
        expect(r.d & (r.d - 1n)).toBe(0n);
      }),
      { seed: 41, numRuns: 300 },
    );
  });

  it('rational arithmetic agrees with exact cross-multiplication', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (a, b, c) => {
          const x = { n: BigInt(a), d: BigInt(b) };
          const y = { n: BigInt(c), d: BigInt(b + 1) };
          const q = ratDiv(ratMul(x, y), y); // = x
          expect(q.n * x.d).toBe(x.n * q.d);
          const z = ratSub(x, x);
          expect(z.n).toBe(0n);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('uniformBigInt stays in [0, n) for any bound', () => {
    const src = seededRandomSource(43);
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 130n }), (n) => {
        const u = uniformBigInt(src, n);
        expect(u >= 0n && u < n).toBe(true);
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  it('selection mechanisms return a valid index, and the unique best when the gap is overwhelming', () => {
    const src = seededRandomSource(44);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 20 }),
        fc.nat(19),
        (u, pick) => {
          const i = exponentialMechanism(u, { epsilon: 1, sensitivity: 1, source: src });
          const j = reportNoisyMax(u, { epsilon: 1, sensitivity: 1, source: src });
          expect(i >= 0 && i < u.length && j >= 0 && j < u.length).toBe(true);
          const boosted = u.map((x, k) => (k === pick % u.length ? 10_000 : x));
          expect(exponentialMechanism(boosted, { epsilon: 1, sensitivity: 1, source: src })).toBe(
            pick % u.length,
          );
        },
      ),
      { seed: 44, numRuns: 100 },
    );
  });

  it('laplaceMechanism output is always on its grid', () => {
    const src = seededRandomSource(45);
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (x, sens) => {
          const n = laplaceNoise({ epsilon: 1, sensitivity: sens });
          const v = laplaceMechanism(x, { epsilon: 1, sensitivity: sens, source: src });
          expect(Number.isInteger(v / n.granularity)).toBe(true);
        },
      ),
      { seed: 45, numRuns: 200 },
    );
  });
});
