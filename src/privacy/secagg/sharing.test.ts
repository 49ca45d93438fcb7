import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomInt, seededRng } from '../../core/index.js';
import { additiveReconstruct, additiveShare } from './additive.js';
import { checkFixedPointCapacity, decodeFixed, encodeFixed, FIELD_PRIME, invMod, mod } from './field.js';
import { shamirCombine, shamirCombineBytes, shamirSplit, shamirSplitBytes } from './shamir.js';

/** χ² statistic of observed counts against a uniform expectation. */
function chiSquare(counts: number[], total: number): number {
  const e = total / counts.length;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}
/** 0.999 quantile of χ² with 120 degrees of freedom (Wilson–Hilferty: 120·(1 − 2/1080 + 3.09·√(2/1080))³). */
const CHI2_120_999 = 173.7;

const field = fc.bigInt({ min: 0n, max: FIELD_PRIME - 1n });

describe('field and fixed point', () => {
  it('inverts every non-zero element (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: FIELD_PRIME - 1n }), (a) => mod(a * invMod(a)) === 1n));
  });

  it('round-trips values on the 2^-24 grid exactly, negatives included', () => {
    const v = Float64Array.of(-3.5, 0, 2 ** -24, 1234.125, -(2 ** 24));
    expect(Array.from(decodeFixed(encodeFixed(v)))).toEqual(Array.from(v));
  });

  it('refuses a value beyond the bound and a capacity that could wrap the field', () => {
    expect(() => encodeFixed([2 ** 25])).toThrow(/outside the fixed-point range/);
    expect(() => encodeFixed([Number.NaN])).toThrow(/outside the fixed-point range/);
    // 2^13 parties × 2^24 × 2^24 = 2^61 ≥ 2^60.
    expect(() => checkFixedPointCapacity(2 ** 13)).toThrow(/exceed the field's range/);
  });
});

describe('additive sharing', () => {
  it('reconstructs the secret vector exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), fc.integer({ min: 2, max: 6 }), (x, n) => {
        expect(additiveReconstruct(additiveShare(x, n))).toEqual(x);
      }),
    );
  });

  it('makes any n − 1 shares uniform whatever the secret (χ² over GF(11)², 12 100 draws)', () => {
    const p = 11n;
    const rng = seededRng(1);
    const rand = (q: bigint) => BigInt(randomInt(rng, Number(q)));
    for (const secret of [0n, 7n])
      for (const [a, b] of [
        [0, 2],
        [1, 2],
      ] as const) {
        const counts = new Array<number>(121).fill(0);
        for (let r = 0; r < 12100; r++) {
          const s = additiveShare([secret], 3, p, rand);
          counts[Number(s[a]![0]!) * 11 + Number(s[b]![0]!)]!++;
        }
        expect(chiSquare(counts, 12100)).toBeLessThan(CHI2_120_999);
      }
  });
});

describe('Shamir sharing', () => {
  it('reconstructs from any t of n shares (property)', () => {
    fc.assert(
      fc.property(
        field,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer(),
        (s, t, extra, seed) => {
          const n = t + extra;
          const shares = shamirSplit(s, t, n);
          // A seeded choice of t distinct shares.
          const rng = seededRng(seed);
          const pick = [...shares];
          for (let i = pick.length - 1; i > 0; i--) {
            const j = randomInt(rng, i + 1);
            [pick[i], pick[j]] = [pick[j]!, pick[i]!];
          }
          expect(shamirCombine(pick.slice(0, t))).toBe(s);
        },
      ),
    );
  });

  it('makes any t − 1 shares uniform whatever the secret (χ² over GF(11)², t = 3, n = 5)', () => {
    const p = 11n;
    const rng = seededRng(2);
    const rand = (q: bigint) => BigInt(randomInt(rng, Number(q)));
    for (const secret of [0n, 9n])
      for (const [a, b] of [
        [0, 3],
        [2, 4],
      ] as const) {
        const counts = new Array<number>(121).fill(0);
        for (let r = 0; r < 12100; r++) {
          const sh = shamirSplit(secret, 3, 5, p, rand);
          counts[Number(sh[a]!.y) * 11 + Number(sh[b]!.y)]!++;
        }
        expect(chiSquare(counts, 12100)).toBeLessThan(CHI2_120_999);
      }
  });

  it('shares a 32-byte key and rebuilds it from t shares', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 255) & 0xff);
    const shares = shamirSplitBytes(key, 3, 5);
    expect(Array.from(shamirCombineBytes([shares[4]!, shares[0]!, shares[2]!], 32))).toEqual(Array.from(key));
  });
});
