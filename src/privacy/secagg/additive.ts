/**
 * @module privacy/secagg/additive
 * Additive secret sharing over GF(p): a vector x is split into n shares, the first n − 1 uniform
 * and independent, the last x − Σ others, so that the shares sum to x and any n − 1 of them are
 * uniform and independent of x (they reveal nothing). The textbook construction (e.g. Evans,
 * Kolesnikov & Rosulek, "A Pragmatic Introduction to Secure Multi-Party Computation", 2018, §3.2).
 */
import { InvalidArgumentError } from '../../core/index.js';
import { FIELD_PRIME, mod, randomFieldElement } from './field.js';

/**
 * Splits `x` into `n` additive shares mod p.
 * @example additiveReconstruct(additiveShare([5n, 7n], 3)) // [5n, 7n]
 */
export function additiveShare(
  x: readonly bigint[],
  n: number,
  p: bigint = FIELD_PRIME,
  rand: (p: bigint) => bigint = randomFieldElement,
): bigint[][] {
  if (!(Number.isInteger(n) && n >= 2))
    throw new InvalidArgumentError('additiveShare', 'n', n, 'an integer ≥ 2');
  const shares: bigint[][] = Array.from({ length: n }, () => new Array<bigint>(x.length));
  for (let j = 0; j < x.length; j++) {
    let rest = mod(x[j]!, p);
    for (let i = 0; i < n - 1; i++) {
      const r = rand(p);
      shares[i]![j] = r;
      rest = mod(rest - r, p);
    }
    shares[n - 1]![j] = rest;
  }
  return shares;
}

/**
 * Adds shares element-wise mod p.
 * @throws {AEQ_INVALID_ARGUMENT} when the shares have different lengths.
 */
export function additiveReconstruct(
  shares: readonly (readonly bigint[])[],
  p: bigint = FIELD_PRIME,
): bigint[] {
  const len = shares[0]?.length ?? 0;
  const out = new Array<bigint>(len).fill(0n);
  for (const s of shares) {
    if (s.length !== len)
      throw new InvalidArgumentError(
        'additiveReconstruct',
        'shares',
        `a share of length ${s.length}`,
        `shares of length ${len}`,
      );
    for (let j = 0; j < len; j++) out[j] = mod(out[j]! + s[j]!, p);
  }
  return out;
}
