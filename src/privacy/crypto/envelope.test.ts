import { createDecipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAequaError } from '../../core/index.js';
import {
  decryptBytes,
  encryptBytes,
  HEADER_LEN,
  type KeySource,
  parseHeader,
  rewrapHeader,
  TAG_LEN,
} from './envelope.js';

const KEY: KeySource = { key: new Uint8Array(randomBytes(32)) };
// log2N = 10 keeps each scrypt call near 1 ms; the default (15) is tested once in file.test.ts.
const FAST = { log2N: 10, r: 8, p: 1 } as const;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAequaError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7 + 3) & 0xff;
  return out;
}

describe('encryptBytes / decryptBytes', () => {
  it('round-trips every size from 0 through several chunk boundaries, and the length follows the layout', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 80 }), fc.constantFrom(1, 7, 16), async (n, chunkSize) => {
        const plain = bytes(n, n);
        const sealed = await encryptBytes(plain, KEY, { chunkSize });
        // layout: header + plaintext + one tag per chunk, with floor(n / chunkSize) + 1 chunks
        expect(sealed.length).toBe(HEADER_LEN + n + (Math.floor(n / chunkSize) + 1) * TAG_LEN);
        expect(await decryptBytes(sealed, KEY)).toEqual(plain);
      }),
      { numRuns: 120 },
    );
  });

  it('round-trips under a passphrase through scrypt', async () => {
    const plain = bytes(100, 1);
    const sealed = await encryptBytes(
      plain,
      { passphrase: 'correct horse battery staple' },
      { chunkSize: 32, scrypt: FAST },
    );
    expect(parseHeader(sealed)).toEqual({ version: 1, chunkSize: 32, kdf: 'scrypt', scrypt: FAST });
    expect(await decryptBytes(sealed, { passphrase: 'correct horse battery staple' })).toEqual(plain);
  });

  it('writes the documented layout: an independent AES-GCM decryption with the raw key recovers the plaintext', async () => {
    const key = new Uint8Array(randomBytes(32));
    const plain = new TextEncoder().encode('hello, aequa');
    const sealed = await encryptBytes(plain, { key }, { chunkSize: 64 });
    expect(new TextDecoder().decode(sealed.subarray(0, 8))).toBe('AEQUAENC');
    expect(sealed[8]).toBe(1);
    // unwrap the data key by hand: nonce at 41, wrapped key at 53, tag at 85, AAD = bytes 0..40
    const w = createDecipheriv('aes-256-gcm', key, sealed.subarray(41, 53));
    w.setAAD(sealed.subarray(0, 41));
    w.setAuthTag(sealed.subarray(85, 101));
    const dataKey = Buffer.concat([w.update(sealed.subarray(53, 85)), w.final()]);
    // chunk 0, final: nonce = prefix (13..20) ‖ u32(0); AAD = bytes 0..20 ‖ u32(0) ‖ u8(1)
    const nonce = Buffer.concat([sealed.subarray(13, 21), Buffer.from([0, 0, 0, 0])]);
    const d = createDecipheriv('aes-256-gcm', dataKey, nonce);
    d.setAAD(Buffer.concat([sealed.subarray(0, 21), Buffer.from([0, 0, 0, 0, 1])]));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const out = Buffer.concat([d.update(sealed.subarray(101, sealed.length - 16)), d.final()]);
    expect(out.toString('utf8')).toBe('hello, aequa');
  });

  it('uses a fresh data key and nonce for every encryption of the same plaintext', async () => {
    const plain = bytes(40, 2);
    const a = await encryptBytes(plain, KEY, { chunkSize: 16 });
    const b = await encryptBytes(plain, KEY, { chunkSize: 16 });
    expect(Buffer.from(a.subarray(13)).equals(Buffer.from(b.subarray(13)))).toBe(false);
  });

  it('fails authentication when any single byte of a raw-key file is flipped, at every position', async () => {
    // 50 bytes in 16-byte chunks: 4 chunks, 101 + 50 + 64 = 215 bytes; every position tried with one bit flip
    const sealed = await encryptBytes(bytes(50, 3), KEY, { chunkSize: 16 });
    expect(sealed.length).toBe(215);
    for (let pos = 0; pos < sealed.length; pos++) {
      const bad = sealed.slice();
      bad[pos] = bad[pos]! ^ (1 << (pos % 8));
      const code = await codeOf(decryptBytes(bad, KEY));
      // bytes 0..8 (magic, version) are rejected as a format error before any key is used
      expect(code, `position ${pos}`).toBe(pos <= 8 ? 'AEQ_CRYPTO_FORMAT' : 'AEQ_CRYPTO_AUTH');
    }
  });

  it('fails when any byte of a passphrase file is changed to any other value (property)', async () => {
    const pass = { passphrase: 'p4ss' };
    const sealed = await encryptBytes(bytes(30, 4), pass, { chunkSize: 8, scrypt: FAST });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sealed.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (pos, x) => {
          const bad = sealed.slice();
          bad[pos] = bad[pos]! ^ x;
          const code = await codeOf(decryptBytes(bad, pass));
          // magic and version (0..8) fail as format errors; a changed KDF id (21) may read as the
          // other kind of key; everything else fails authentication
          if (pos <= 8) expect(code).toBe('AEQ_CRYPTO_FORMAT');
          else if (pos === 21) expect(['AEQ_CRYPTO_AUTH', 'AEQ_CRYPTO_KEY']).toContain(code);
          else expect(code).toBe('AEQ_CRYPTO_AUTH');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails on truncation at every chunk boundary and at every byte', async () => {
    const sealed = await encryptBytes(bytes(48, 5), KEY, { chunkSize: 16 }); // 3 full chunks + empty final
    const boundaries: number[] = [];
    for (let c = 0; c <= 3; c++) boundaries.push(HEADER_LEN + c * (16 + TAG_LEN));
    for (const cut of boundaries)
      expect(await codeOf(decryptBytes(sealed.subarray(0, cut), KEY))).toBe('AEQ_CRYPTO_AUTH');
    for (let cut = 0; cut < sealed.length; cut++) {
      const code = await codeOf(decryptBytes(sealed.subarray(0, cut), KEY));
      expect(code, `cut at ${cut}`).toBe(cut < HEADER_LEN ? 'AEQ_CRYPTO_FORMAT' : 'AEQ_CRYPTO_AUTH');
    }
  });

  it('fails when two chunks are swapped or a chunk is dropped', async () => {
    const sealed = await encryptBytes(bytes(40, 6), KEY, { chunkSize: 16 }); // chunks of 32, 32, 24 bytes
    const c0 = sealed.subarray(101, 133);
    const c1 = sealed.subarray(133, 165);
    const rest = sealed.subarray(165);
    const swapped = Buffer.concat([sealed.subarray(0, 101), c1, c0, rest]);
    const dropped = Buffer.concat([sealed.subarray(0, 101), c1, rest]);
    expect(await codeOf(decryptBytes(swapped, KEY))).toBe('AEQ_CRYPTO_AUTH');
    expect(await codeOf(decryptBytes(dropped, KEY))).toBe('AEQ_CRYPTO_AUTH');
  });

  it('rejects a wrong key, a wrong passphrase, and the wrong kind of key with clear codes', async () => {
    const sealedK = await encryptBytes(bytes(10, 7), KEY);
    const sealedP = await encryptBytes(bytes(10, 7), { passphrase: 'right' }, { scrypt: FAST });
    expect(await codeOf(decryptBytes(sealedK, { key: new Uint8Array(32) }))).toBe('AEQ_CRYPTO_AUTH');
    expect(await codeOf(decryptBytes(sealedP, { passphrase: 'wrong' }))).toBe('AEQ_CRYPTO_AUTH');
    expect(await codeOf(decryptBytes(sealedP, KEY))).toBe('AEQ_CRYPTO_KEY');
    expect(await codeOf(decryptBytes(sealedK, { passphrase: 'x' }))).toBe('AEQ_CRYPTO_KEY');
  });

  it('refuses an empty passphrase and a key that is not 32 bytes', async () => {
    expect(await codeOf(encryptBytes(bytes(1, 0), { passphrase: '' }))).toBe('AEQ_CRYPTO_KEY');
    expect(await codeOf(encryptBytes(bytes(1, 0), { key: new Uint8Array(16) }))).toBe('AEQ_CRYPTO_KEY');
  });

  it('says the format is unknown for plain data and for a newer version byte', async () => {
    expect(await codeOf(decryptBytes(new TextEncoder().encode('a,b\n1,2\n'), KEY))).toBe('AEQ_CRYPTO_FORMAT');
    const sealed = await encryptBytes(bytes(5, 8), KEY);
    sealed[8] = 2;
    await expect(decryptBytes(sealed, KEY)).rejects.toThrow(/format version 2; this aequa reads version 1/);
  });
});

describe('rewrapHeader', () => {
  it('keeps the data decryptable with the new key only, without touching the body', async () => {
    const plain = bytes(70, 9);
    const old: KeySource = { passphrase: 'old secret' };
    const next: KeySource = { key: new Uint8Array(randomBytes(32)) };
    const sealed = await encryptBytes(plain, old, { chunkSize: 32, scrypt: FAST });
    const header = await rewrapHeader(sealed.subarray(0, HEADER_LEN), old, next, { scrypt: FAST });
    const rotated = Buffer.concat([header, sealed.subarray(HEADER_LEN)]);
    // the fixed header (bytes 0..20) and the body are unchanged
    expect(Buffer.from(rotated.subarray(0, 21)).equals(Buffer.from(sealed.subarray(0, 21)))).toBe(true);
    expect(await decryptBytes(rotated, next)).toEqual(plain);
    expect(await codeOf(decryptBytes(rotated, old))).toBe('AEQ_CRYPTO_KEY');
    // rotate once more, passphrase to passphrase: the previous passphrase no longer opens it
    const again = await rewrapHeader(header, next, { passphrase: 'newer' }, { scrypt: FAST });
    const rotated2 = Buffer.concat([again, sealed.subarray(HEADER_LEN)]);
    expect(await decryptBytes(rotated2, { passphrase: 'newer' })).toEqual(plain);
    expect(await codeOf(decryptBytes(rotated2, { passphrase: 'old secret' }))).toBe('AEQ_CRYPTO_AUTH');
  });

  it('refuses to rotate with a wrong current key', async () => {
    const sealed = await encryptBytes(bytes(3, 1), KEY);
    expect(await codeOf(rewrapHeader(sealed.subarray(0, HEADER_LEN), { key: new Uint8Array(32) }, KEY))).toBe(
      'AEQ_CRYPTO_AUTH',
    );
  });
});
