import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choleskySolve } from './linalg.js';

/** A·x for a row-major d × d matrix. */
function mul(a: Float64Array, x: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i]! += a[i * d + j]! * x[j]!;
  return out;
}

describe('choleskySolve', () => {
  it('solves a 2 × 2 system solved by hand', () => {
    // [[4, 2], [2, 3]]·x = (2, 1): det 8, x = ((3·2 − 2·1)/8, (4·1 − 2·2)/8) = (0.5, 0).
    const { x, dropped } = choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2);
    expect(Array.from(x)).toEqual([0.5, 0]);
    expect(dropped).toBe(0);
  });

  it('solves random positive definite systems (A = MᵀM + I) to a small residual', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 8 })
          .chain((d) =>
            fc.tuple(
              fc.constant(d),
              fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: d * d, maxLength: d * d }),
              fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: d, maxLength: d }),
            ),
          ),
        ([d, m, b]) => {
          const a = new Float64Array(d * d);
          for (let i = 0; i < d; i++)
            for (let j = 0; j < d; j++) {
              let s = i === j ? 1 : 0;
              for (let k = 0; k < d; k++) s += m[k * d + i]! * m[k * d + j]!;
              a[i * d + j] = s;
            }
          const { x } = choleskySolve(a, Float64Array.from(b), d);
          const r = mul(a, x, d);
          // Condition number ≤ (1 + 8·9·8)² ≈ 3e5 here; residuals stay below 1e-9·(1 + |b|).
          for (let i = 0; i < d; i++)
            expect(Math.abs(r[i]! - b[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(b[i]!)));
        },
      ),
    );
  });

  it('holds a direction with a zero pivot at 0 and still solves a consistent singular system', () => {
    // Columns 1 and 2 are equal (collinear one-hot style): A = [[2, 1, 1], [1, 1, 1], [1, 1, 1]].
    const a = Float64Array.of(2, 1, 1, 1, 1, 1, 1, 1, 1);
    // b = A·(1, 2, 0) = (4, 3, 3) lies in the range of A.
    const { x, dropped } = choleskySolve(a, Float64Array.of(4, 3, 3), 3);
    expect(dropped).toBe(1);
    expect(x[2]).toBe(0);
    const r = mul(a, x, 3);
    for (const [i, v] of [4, 3, 3].entries()) expect(Math.abs(r[i]! - v)).toBeLessThan(1e-14);
  });
});
