/**
 * @module privacy/secagg/prg
 * The pseudo-random generator that expands a 32-byte seed into a mask vector over GF(2⁶¹ − 1):
 * the AES-256-CTR keystream (node:crypto) read as 64-bit words, each masked to 61 bits, the one
 * value equal to p rejected, so every element is uniform on [0, p) when AES is a PRF.
 */
import { createCipheriv } from 'node:crypto';
import { InvalidArgumentError } from '../../core/index.js';
import { FIELD_PRIME } from './field.js';

const MASK61 = (1n << 61n) - 1n;

/**
 * `length` field elements from `seed` (32 bytes); the same seed gives the same vector.
 * @example expandSeed(new Uint8Array(32), 2).length // 2
 */
export function expandSeed(seed: Uint8Array, length: number): bigint[] {
  if (seed.length !== 32)
    throw new InvalidArgumentError('expandSeed', 'seed', `${seed.length} bytes`, '32 bytes');
  const cipher = createCipheriv('aes-256-ctr', seed, new Uint8Array(16));
  const out: bigint[] = new Array(length);
  let k = 0;
  // Rejection is needed with probability 2⁻⁶¹ per word: ask for a little slack and loop if short.
  while (k < length) {
    const need = length - k + 4;
    const block = cipher.update(new Uint8Array(need * 8));
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let o = 0; o + 8 <= block.byteLength && k < length; o += 8) {
      const v = view.getBigUint64(o) & MASK61;
      if (v !== FIELD_PRIME) out[k++] = v;
    }
  }
  return out;
}
