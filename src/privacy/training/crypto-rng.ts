/**
 * @module privacy/training/crypto-rng
 * An `Rng` backed by the platform's cryptographically secure generator (Web Crypto
 * `crypto.getRandomValues`, present in Node ≥ 19 and every browser), for the batch sampling and
 * Gaussian noise of DP-SGD (DESIGN idea 4: DP noise never comes from a seeded generator unless a
 * test asks for it). Draws are buffered 1024 words at a time; `fork` returns an independent stream.
 */
import type { Rng } from '../../core/index.js';

const BUFFER = 1024;

/**
 * A cryptographically secure generator with the `Rng` interface (`seed` is NaN: there is none).
 * @example cryptoRng().nextFloat64() // a uniform double in [0, 1), different on every run
 */
export function cryptoRng(): Rng {
  const buf = new Uint32Array(BUFFER);
  let pos = BUFFER;
  const nextUint32 = (): number => {
    if (pos === BUFFER) {
      globalThis.crypto.getRandomValues(buf);
      pos = 0;
    }
    return buf[pos++]!;
  };
  return {
    seed: Number.NaN,
    nextUint32,
    nextFloat64: () => {
      const hi = nextUint32() >>> 5;
      const lo = nextUint32() >>> 6;
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    fork: () => cryptoRng(),
  };
}
