/**
 * @module privacy/secagg/field
 * Arithmetic in the prime field GF(p) used by secure aggregation, p = 2⁶¹ − 1 (a Mersenne prime),
 * and the fixed-point encoding of floats into it: v ↦ round(v·scale) mod p, decoded by reading
 * residues above (p − 1)/2 as negative. A sum of encodings decodes exactly to the sum of the
 * rounded values as long as |Σ round(v·scale)| < (p − 1)/2, which {@link checkFixedPointCapacity}
 * guarantees for a number of parties from the per-value `bound`. Random elements come from the
 * platform's cryptographically secure generator (Web Crypto).
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';

/** The field modulus p = 2⁶¹ − 1. */
export const FIELD_PRIME: bigint = (1n << 61n) - 1n;

/** a mod p in [0, p). */
export function mod(a: bigint, p: bigint = FIELD_PRIME): bigint {
  const r = a % p;
  return r < 0n ? r + p : r;
}

/** bᵉ mod p by square-and-multiply. */
function powMod(b: bigint, e: bigint, p: bigint = FIELD_PRIME): bigint {
  let r = 1n;
  let x = mod(b, p);
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % p;
    x = (x * x) % p;
    k >>= 1n;
  }
  return r;
}

/** The inverse of a ≠ 0 (Fermat: a^(p−2)). */
export function invMod(a: bigint, p: bigint = FIELD_PRIME): bigint {
  if (mod(a, p) === 0n) throw new InvalidArgumentError('invMod', 'a', '0', 'a non-zero field element');
  return powMod(a, p - 2n, p);
}

/**
 * A uniform element of [0, p) from the secure generator (rejection sampling on 64-bit words).
 * @example randomFieldElement() < FIELD_PRIME // true
 */
export function randomFieldElement(p: bigint = FIELD_PRIME): bigint {
  const bits = BigInt(p.toString(2).length);
  const mask = (1n << bits) - 1n;
  const words = Number((bits + 31n) / 32n);
  const buf = new Uint32Array(words);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    let x = 0n;
    for (let i = 0; i < words; i++) x = (x << 32n) | BigInt(buf[i]!);
    x &= mask;
    if (x < p) return x;
  }
}

/** Fixed-point encoding parameters. */
export interface FixedPoint {
  /** Values are multiplied by this before rounding (resolution 1/scale). @default 2^24 (≈ 6e-8) */
  readonly scale?: number;
  /** Largest |value| accepted. @default 2^24 (≈ 1.7e7) */
  readonly bound?: number;
}

const DEFAULT_SCALE = 2 ** 24;
const DEFAULT_BOUND = 2 ** 24;

/**
 * Encodes floats as field elements.
 * @throws {AEQ_SECAGG_RANGE} for a value that is not finite or exceeds `bound`.
 * @example decodeFixed(encodeFixed(Float64Array.of(-1.5, 2))) // Float64Array [-1.5, 2]
 */
export function encodeFixed(values: ArrayLike<number>, fp: FixedPoint = {}): bigint[] {
  const scale = fp.scale ?? DEFAULT_SCALE;
  const bound = fp.bound ?? DEFAULT_BOUND;
  checkFixedPoint(scale, bound);
  const out: bigint[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || Math.abs(v) > bound)
      throw new AequaError(
        'AEQ_SECAGG_RANGE',
        `Value ${v} at index ${i} is outside the fixed-point range [−${bound}, ${bound}].`,
        {
          hint: 'Clip or rescale the inputs, or raise the bound (and lower the scale to keep bound·scale·parties below 2^60).',
          details: { index: i, value: v, bound },
        },
      );
    out[i] = mod(BigInt(Math.round(v * scale)));
  }
  return out;
}

/** Decodes field elements (residues above (p − 1)/2 are negative) to floats. */
export function decodeFixed(x: readonly bigint[], fp: FixedPoint = {}): Float64Array {
  const scale = fp.scale ?? DEFAULT_SCALE;
  const half = (FIELD_PRIME - 1n) / 2n;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const r = mod(x[i]!);
    out[i] = Number(r > half ? r - FIELD_PRIME : r) / scale;
  }
  return out;
}

/**
 * Checks that the sum of `parties` encodings cannot wrap around the field.
 * @throws {AEQ_SECAGG_RANGE} when parties·bound·scale ≥ (p − 1)/2, or scale·bound ≥ 2^53.
 */
export function checkFixedPointCapacity(parties: number, fp: FixedPoint = {}): void {
  const scale = fp.scale ?? DEFAULT_SCALE;
  const bound = fp.bound ?? DEFAULT_BOUND;
  checkFixedPoint(scale, bound);
  if (BigInt(parties) * BigInt(Math.ceil(bound * scale)) >= (FIELD_PRIME - 1n) / 2n)
    throw new AequaError(
      'AEQ_SECAGG_RANGE',
      `${parties} parties × bound ${bound} × scale ${scale} can exceed the field's range (2^60).`,
      {
        hint: 'Lower the bound or the scale (the resolution is 1/scale).',
        details: { parties, bound, scale },
      },
    );
}

function checkFixedPoint(scale: number, bound: number): void {
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new InvalidArgumentError('encodeFixed', 'scale', scale, 'a finite number > 0');
  if (!(bound > 0 && Number.isFinite(bound)))
    throw new InvalidArgumentError('encodeFixed', 'bound', bound, 'a finite number > 0');
  if (scale * bound >= 2 ** 53)
    throw new AequaError(
      'AEQ_SECAGG_RANGE',
      `scale·bound = ${scale * bound} must stay below 2^53 so that rounding is exact.`,
      {
        hint: 'Lower the scale or the bound.',
      },
    );
}
