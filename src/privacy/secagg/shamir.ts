/**
 * @module privacy/secagg/shamir
 * Shamir's t-of-n threshold secret sharing over GF(p) (Shamir 1979, "How to share a secret",
 * https://doi.org/10.1145/359168.359176): the secret is f(0) of a random polynomial of degree t − 1,
 * party i holds f(i); any t shares give f(0) by Lagrange interpolation, any t − 1 are uniform and
 * independent of the secret. Byte strings are shared in 7-byte chunks (56 bits < 61).
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { FIELD_PRIME, invMod, mod, randomFieldElement } from './field.js';

/** One share: the evaluation point x (the party number, 1..n) and f(x). */
export interface ShamirShare {
  readonly x: number;
  readonly y: bigint;
}

/**
 * Splits `secret` into n shares, any `threshold` of which reconstruct it.
 * @example shamirCombine(shamirSplit(42n, 2, 3).slice(1)) // 42n
 */
export function shamirSplit(
  secret: bigint,
  threshold: number,
  n: number,
  p: bigint = FIELD_PRIME,
  rand: (p: bigint) => bigint = randomFieldElement,
): ShamirShare[] {
  if (!(Number.isInteger(n) && n >= 1 && BigInt(n) < p))
    throw new InvalidArgumentError('shamirSplit', 'n', n, 'an integer in [1, p)');
  if (!(Number.isInteger(threshold) && threshold >= 1 && threshold <= n))
    throw new InvalidArgumentError('shamirSplit', 'threshold', threshold, `an integer in [1, ${n}]`);
  const coef = [mod(secret, p)];
  for (let k = 1; k < threshold; k++) coef.push(rand(p));
  const shares: ShamirShare[] = [];
  for (let x = 1; x <= n; x++) {
    // Horner: f(x) = c₀ + x(c₁ + x(c₂ + …)).
    let y = 0n;
    const bx = BigInt(x);
    for (let k = threshold - 1; k >= 0; k--) y = mod(y * bx + coef[k]!, p);
    shares.push({ x, y });
  }
  return shares;
}

/**
 * f(0) by Lagrange interpolation from shares with distinct x (give at least the threshold).
 * @throws {AEQ_INVALID_ARGUMENT} for no shares or repeated x.
 */
export function shamirCombine(shares: readonly ShamirShare[], p: bigint = FIELD_PRIME): bigint {
  if (shares.length === 0)
    throw new InvalidArgumentError('shamirCombine', 'shares', [], 'at least one share');
  const xs = new Set(shares.map((s) => s.x));
  if (xs.size !== shares.length)
    throw new InvalidArgumentError(
      'shamirCombine',
      'shares',
      shares.map((s) => s.x),
      'shares with distinct x',
    );
  let acc = 0n;
  for (let i = 0; i < shares.length; i++) {
    const xi = BigInt(shares[i]!.x);
    let num = 1n;
    let den = 1n;
    for (let j = 0; j < shares.length; j++) {
      if (j === i) continue;
      const xj = BigInt(shares[j]!.x);
      num = mod(num * -xj, p);
      den = mod(den * (xi - xj), p);
    }
    acc = mod(acc + shares[i]!.y * num * invMod(den, p), p);
  }
  return acc;
}

/** A share of a byte string: the evaluation point and one field element per 7-byte chunk. */
export interface ShamirBytesShare {
  readonly x: number;
  readonly ys: readonly bigint[];
}

const CHUNK = 7;

/**
 * Splits a byte string (e.g. a 32-byte key) into n shares, any `threshold` of which reconstruct it.
 * @example shamirCombineBytes(shamirSplitBytes(Uint8Array.of(1, 2, 3), 2, 3).slice(0, 2), 3) // Uint8Array [1, 2, 3]
 */
export function shamirSplitBytes(bytes: Uint8Array, threshold: number, n: number): ShamirBytesShare[] {
  const out = Array.from({ length: n }, (_, i) => ({ x: i + 1, ys: [] as bigint[] }));
  for (let o = 0; o < bytes.length; o += CHUNK) {
    let v = 0n;
    for (let k = o; k < Math.min(o + CHUNK, bytes.length); k++) v = (v << 8n) | BigInt(bytes[k]!);
    const sh = shamirSplit(v, threshold, n);
    for (let i = 0; i < n; i++) out[i]!.ys.push(sh[i]!.y);
  }
  return out;
}

/**
 * Reconstructs a byte string of `length` bytes from at least the threshold of its shares.
 * @throws {AEQ_SECAGG_PROTOCOL} when the shares do not hold the same number of chunks, or the
 *   result does not fit (too few or inconsistent shares).
 */
export function shamirCombineBytes(shares: readonly ShamirBytesShare[], length: number): Uint8Array {
  const chunks = Math.ceil(length / CHUNK);
  if (shares.some((s) => s.ys.length !== chunks))
    throw new AequaError(
      'AEQ_SECAGG_PROTOCOL',
      `A byte-string share holds the wrong number of chunks (expected ${chunks}).`,
      {
        hint: 'A party sent a malformed key share; exclude it and retry.',
      },
    );
  const out = new Uint8Array(length);
  for (let c = 0; c < chunks; c++) {
    let v = shamirCombine(shares.map((s) => ({ x: s.x, y: s.ys[c]! })));
    const lo = c * CHUNK;
    const hi = Math.min(lo + CHUNK, length);
    for (let k = hi - 1; k >= lo; k--) {
      out[k] = Number(v & 0xffn);
      v >>= 8n;
    }
    if (v !== 0n)
      throw new AequaError(
        'AEQ_SECAGG_PROTOCOL',
        'Reconstructed key material does not fit its length: the shares are inconsistent or too few.',
        {
          hint: 'At least the threshold of honest parties must send their shares.',
        },
      );
  }
  return out;
}
