/**
 * @module privacy/mechanisms/random-source
 * Where differential-privacy noise gets its randomness: by default the platform's cryptographically
 * secure generator (`globalThis.crypto.getRandomValues`, Web Crypto, https://w3c.github.io/webcrypto/),
 * buffered; tests may inject a deterministic source built on the seeded `Rng` of `core/rng`, which must
 * never be used for a real release. All samplers draw only uniform 32-bit words from a source.
 */
import { InvalidArgumentError, seededRng } from '../../core/index.js';

/** A source of uniform 32-bit unsigned integers. */
export interface RandomSource {
  nextUint32(): number;
  /** True for a cryptographically secure source. */
  readonly secure: boolean;
}

/**
 * The default source: Web Crypto's CSPRNG, read 1 KiB at a time.
 * @example cryptoRandomSource().nextUint32() // e.g. 2739821374
 */
export function cryptoRandomSource(): RandomSource {
  const c = (globalThis as { crypto?: { getRandomValues<T extends ArrayBufferView>(a: T): T } }).crypto;
  if (c === undefined || typeof c.getRandomValues !== 'function')
    throw new InvalidArgumentError(
      'cryptoRandomSource',
      'globalThis.crypto',
      undefined,
      'a Web Crypto implementation (Node ≥ 19 or a browser)',
    );
  const buf = new Uint32Array(256);
  let pos = buf.length;
  return {
    secure: true,
    nextUint32: () => {
      if (pos === buf.length) {
        c.getRandomValues(buf);
        pos = 0;
      }
      return buf[pos++]!;
    },
  };
}

/**
 * A deterministic source for tests and reproducible simulations only: it is NOT secure, and a
 * release made with it is not differentially private against anyone who knows the seed.
 * @example seededRandomSource(1).nextUint32() // the same number on every run
 */
export function seededRandomSource(seed: number): RandomSource {
  const rng = seededRng(seed);
  return { secure: false, nextUint32: () => rng.nextUint32() };
}

let shared: RandomSource | undefined;

/** The process-wide secure source (created on first use). */
export function defaultRandomSource(): RandomSource {
  shared ??= cryptoRandomSource();
  return shared;
}

/**
 * A uniform integer in [0, n) for a BigInt n ≥ 1, by rejection on the smallest number of bits
 * (no modulo bias; expected fewer than two rounds).
 * @example uniformBigInt(seededRandomSource(1), 10n) // 0n … 9n
 */
export function uniformBigInt(src: RandomSource, n: bigint): bigint {
  if (n <= 0n) throw new InvalidArgumentError('uniformBigInt', 'n', n, 'a BigInt ≥ 1');
  if (n <= 0x100000000n) {
    const m = Number(n);
    if (m === 1) return 0n;
    // Rejection on the top multiple of m below 2^32.
    const limit = 0x100000000 - (0x100000000 % m);
    for (;;) {
      const u = src.nextUint32();
      if (u < limit) return BigInt(u % m);
    }
  }
  const bits = (n - 1n).toString(2).length;
  const words = Math.ceil(bits / 32);
  const topMask = (1n << BigInt(bits - 32 * (words - 1))) - 1n;
  for (;;) {
    let r = BigInt(src.nextUint32()) & topMask;
    for (let w = 1; w < words; w++) r = (r << 32n) | BigInt(src.nextUint32());
    if (r < n) return r;
  }
}
