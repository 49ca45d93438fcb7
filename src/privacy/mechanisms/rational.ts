/**
 * @module privacy/mechanisms/rational
 * Exact rationals over BigInt for the samplers. Every finite double is a dyadic rational m·2^e, so a
 * mechanism's parameters (ε, scale, σ²) enter the samplers exactly, without floating-point rounding
 * (the root of Mironov's 2012 attack, https://doi.org/10.1145/2382196.2382264).
 */
import { InvalidArgumentError } from '../../core/index.js';

/** A non-normalised rational n/d with d > 0. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

/**
 * The exact value of a finite double as a rational with a power-of-two denominator.
 * @example toRational(0.75) // { n: 3n, d: 4n }
 */
export function toRational(x: number): Rational {
  if (!Number.isFinite(x)) throw new InvalidArgumentError('toRational', 'x', x, 'a finite number');
  let d = 1n;
  let v = x;
  while (!Number.isInteger(v)) {
    v *= 2; // exact: doubling only changes the exponent
    d *= 2n;
  }
  return { n: BigInt(v), d };
}

export function ratMul(a: Rational, b: Rational): Rational {
  return { n: a.n * b.n, d: a.d * b.d };
}

export function ratSub(a: Rational, b: Rational): Rational {
  return { n: a.n * b.d - b.n * a.d, d: a.d * b.d };
}

export function ratDiv(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new InvalidArgumentError('ratDiv', 'b', 0, 'a non-zero divisor');
  const n = a.n * b.d;
  const d = a.d * b.n;
  return d < 0n ? { n: -n, d: -d } : { n, d };
}

/** ⌊√m⌋ for a BigInt m ≥ 0 (Newton's method on integers). */
export function isqrt(m: bigint): bigint {
  if (m < 0n) throw new InvalidArgumentError('isqrt', 'm', m, 'a BigInt ≥ 0');
  if (m < 2n) return m;
  let x = BigInt(Math.floor(Math.sqrt(Number(m)))) + 1n;
  for (;;) {
    const y = (x + m / x) / 2n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > m) x -= 1n;
  while ((x + 1n) * (x + 1n) <= m) x += 1n;
  return x;
}
