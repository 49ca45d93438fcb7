import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAequaError } from '../../core/index.js';
import { HEADER_LEN, TAG_LEN } from './envelope.js';
import { decryptFile, encryptFile, rotateFileKey } from './file.js';
import { readKeySource } from './key-source.js';

let dir: string;
const FAST = { log2N: 10, r: 8, p: 1 } as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-crypto-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAequaError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('encryptFile / decryptFile', () => {
  it('streams a 200 KiB file through 64 KiB chunks and back with the default scrypt cost', async () => {
    const plain = new Uint8Array(randomBytes(200 * 1024));
    await writeFile(join(dir, 'big.bin'), plain);
    const pass = { passphrase: 'a long and memorable passphrase' };
    const enc = await encryptFile(join(dir, 'big.bin'), join(dir, 'big.bin.aeq'), pass);
    // 204800 / 65536 = 3.125 → 3 full chunks + a final one of 8192 bytes
    expect(enc).toMatchObject({ plaintextBytes: 204_800, chunks: 4 });
    expect((await readFile(join(dir, 'big.bin.aeq'))).length).toBe(HEADER_LEN + 204_800 + 4 * TAG_LEN);
    const dec = await decryptFile(join(dir, 'big.bin.aeq'), join(dir, 'big.out'), pass);
    expect(dec).toMatchObject({ plaintextBytes: 204_800, chunks: 4 });
    expect(new Uint8Array(await readFile(join(dir, 'big.out')))).toEqual(plain);
  });

  it('adds an empty final chunk when the size is an exact multiple of the chunk size', async () => {
    const plain = new Uint8Array(randomBytes(4096));
    await writeFile(join(dir, 'exact.bin'), plain);
    const key = { key: new Uint8Array(randomBytes(32)) };
    const enc = await encryptFile(join(dir, 'exact.bin'), join(dir, 'exact.aeq'), key, { chunkSize: 1024 });
    expect(enc.chunks).toBe(5);
    await decryptFile(join(dir, 'exact.aeq'), join(dir, 'exact.out'), key);
    expect(new Uint8Array(await readFile(join(dir, 'exact.out')))).toEqual(plain);
  });

  it('writes no plaintext and leaves no temporary file when a late chunk is tampered with', async () => {
    const sub = await mkdtemp(join(dir, 'tamper-'));
    const key = { key: new Uint8Array(randomBytes(32)) };
    await writeFile(join(sub, 'in.bin'), randomBytes(10_000));
    await encryptFile(join(sub, 'in.bin'), join(sub, 'in.aeq'), key, { chunkSize: 1000 });
    const sealed = await readFile(join(sub, 'in.aeq'));
    sealed[sealed.length - 3] = sealed[sealed.length - 3]! ^ 0x01; // inside the last tag
    await writeFile(join(sub, 'bad.aeq'), sealed);
    expect(await codeOf(decryptFile(join(sub, 'bad.aeq'), join(sub, 'out.bin'), key))).toBe(
      'AEQ_CRYPTO_AUTH',
    );
    expect((await readdir(sub)).sort()).toEqual(['bad.aeq', 'in.aeq', 'in.bin']);
  });

  it('reports a file truncated at a chunk boundary as truncated', async () => {
    const key = { key: new Uint8Array(randomBytes(32)) };
    await writeFile(join(dir, 't.bin'), randomBytes(3000));
    await encryptFile(join(dir, 't.bin'), join(dir, 't.aeq'), key, { chunkSize: 1000 });
    const sealed = await readFile(join(dir, 't.aeq'));
    await writeFile(join(dir, 't-cut.aeq'), sealed.subarray(0, HEADER_LEN + 2 * (1000 + TAG_LEN)));
    await expect(decryptFile(join(dir, 't-cut.aeq'), join(dir, 't.out'), key)).rejects.toThrow(
      /truncated: it ends after 2 full chunks without the final chunk/,
    );
  });

  it('says which file is missing', async () => {
    expect(await codeOf(encryptFile(join(dir, 'nope.csv'), join(dir, 'x.aeq'), { passphrase: 'x' }))).toBe(
      'AEQ_IO_FILE_NOT_FOUND',
    );
  });
});

describe('rotateFileKey', () => {
  it('re-wraps the key in place: the new passphrase decrypts, the old one fails, the body is byte-identical', async () => {
    const plain = new Uint8Array(randomBytes(5000));
    await writeFile(join(dir, 'r.bin'), plain);
    const old = { passphrase: 'old' };
    const next = { passphrase: 'new' };
    await encryptFile(join(dir, 'r.bin'), join(dir, 'r.aeq'), old, { chunkSize: 1024, scrypt: FAST });
    const before = await readFile(join(dir, 'r.aeq'));
    const res = await rotateFileKey(join(dir, 'r.aeq'), old, next, { scrypt: FAST });
    expect(res.bodyBytes).toBe(before.length - HEADER_LEN);
    const after = await readFile(join(dir, 'r.aeq'));
    expect(after.subarray(HEADER_LEN).equals(before.subarray(HEADER_LEN))).toBe(true);
    expect(after.subarray(0, HEADER_LEN).equals(before.subarray(0, HEADER_LEN))).toBe(false);
    await decryptFile(join(dir, 'r.aeq'), join(dir, 'r.out'), next);
    expect(new Uint8Array(await readFile(join(dir, 'r.out')))).toEqual(plain);
    expect(await codeOf(decryptFile(join(dir, 'r.aeq'), join(dir, 'r.out2'), old))).toBe('AEQ_CRYPTO_AUTH');
  });
});

describe('readKeySource', () => {
  it('refuses an empty passphrase file, also one holding only a newline', async () => {
    await writeFile(join(dir, 'empty.txt'), '');
    await writeFile(join(dir, 'nl.txt'), '\n');
    expect(await codeOf(readKeySource({ passphraseFile: join(dir, 'empty.txt') }))).toBe('AEQ_CRYPTO_KEY');
    expect(await codeOf(readKeySource({ passphraseFile: join(dir, 'nl.txt') }))).toBe('AEQ_CRYPTO_KEY');
  });

  it('drops one trailing newline from a passphrase and reads hex and raw key files', async () => {
    await writeFile(join(dir, 'p.txt'), 'secret words\n');
    expect(await readKeySource({ passphraseFile: join(dir, 'p.txt') })).toEqual({
      passphrase: new TextEncoder().encode('secret words'),
    });
    const raw = new Uint8Array(randomBytes(32));
    await writeFile(join(dir, 'k.bin'), raw);
    await writeFile(join(dir, 'k.hex'), `${Buffer.from(raw).toString('hex')}\n`);
    expect(await readKeySource({ keyFile: join(dir, 'k.bin') })).toEqual({ key: raw });
    expect(await readKeySource({ keyFile: join(dir, 'k.hex') })).toEqual({ key: raw });
  });

  it('refuses a key file of the wrong size and asks for exactly one source', async () => {
    await writeFile(join(dir, 'short.bin'), randomBytes(16));
    expect(await codeOf(readKeySource({ keyFile: join(dir, 'short.bin') }))).toBe('AEQ_CRYPTO_KEY');
    expect(await codeOf(readKeySource({}))).toBe('AEQ_INVALID_ARGUMENT');
  });
});
