/**
 * @module privacy/crypto/file
 * Streaming encryption, decryption and key rotation of files in the aequa envelope format (see
 * `envelope.ts`). Memory stays at one chunk. Outputs go to a temporary file in the target folder and
 * are renamed into place only when complete (for decryption: after every chunk's tag has verified),
 * so a wrong key or a tampered file never leaves partial plaintext behind.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AequaError } from '../../core/index.js';
import {
  type EncryptOptions,
  HEADER_LEN,
  type KeySource,
  newHeader,
  openChunk,
  openHeader,
  rewrapHeader,
  type ScryptParams,
  sealChunk,
  TAG_LEN,
  truncatedError,
} from './envelope.js';

/** What a file operation did. */
export interface CryptoFileResult {
  readonly output: string;
  /** Plaintext bytes. */
  readonly plaintextBytes: number;
  readonly chunks: number;
}

async function readFull(fh: FileHandle, buf: Uint8Array): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, null);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

async function openInput(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read "${path}": ${(e as Error).message}.`, {
      cause: e,
      hint: 'Check the path and the permissions.',
    });
  }
}

/** Writes through `fill(out)` into a temporary file beside `target`, fsyncs and renames; removes it on error. */
async function writeAtomically(target: string, fill: (out: FileHandle) => Promise<void>): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const out = await open(tmp, 'wx', 0o600);
  try {
    await fill(out);
    await out.sync();
    await out.close();
  } catch (e) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  try {
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Encrypts `input` into `output` (AES-256-GCM, 64 KiB chunks, envelope key), streaming.
 * @throws {AEQ_CRYPTO_KEY} empty passphrase or a key that is not 32 bytes
 * @throws {AEQ_IO_FILE_NOT_FOUND} when `input` cannot be read
 * @example await encryptFile('data.csv', 'data.csv.aeq', { passphrase: 'correct horse' }) // { chunks: 1, … }
 */
export async function encryptFile(
  input: string,
  output: string,
  source: KeySource,
  opts: EncryptOptions = {},
): Promise<CryptoFileResult> {
  const { header, dataKey, chunkSize } = await newHeader(source, opts);
  const inp = await openInput(input);
  let total = 0;
  let chunks = 0;
  try {
    await writeAtomically(output, async (out) => {
      await out.write(header);
      const buf = new Uint8Array(chunkSize);
      for (;;) {
        const got = await readFull(inp, buf);
        const final = got < chunkSize;
        await out.write(sealChunk(header, dataKey, chunks, final, buf.subarray(0, got)));
        chunks++;
        total += got;
        if (final) break;
      }
    });
  } finally {
    await inp.close();
  }
  return { output, plaintextBytes: total, chunks };
}

/**
 * Decrypts `input` into `output`, verifying every chunk before the output appears.
 * @throws {AEQ_CRYPTO_FORMAT} not an aequa encrypted file, or a newer format version
 * @throws {AEQ_CRYPTO_KEY} a passphrase given for a key-file file (or the reverse), or an empty one
 * @throws {AEQ_CRYPTO_AUTH} wrong key, or an altered, reordered or truncated file
 * @example await decryptFile('data.csv.aeq', 'data.csv', { passphrase: 'correct horse' }) // { chunks: 1, … }
 */
export async function decryptFile(
  input: string,
  output: string,
  source: KeySource,
): Promise<CryptoFileResult> {
  const inp = await openInput(input);
  const name = `"${input}"`;
  let total = 0;
  let chunks = 0;
  try {
    const head = new Uint8Array(HEADER_LEN);
    const got = await readFull(inp, head);
    const { header, info, dataKey } = await openHeader(head.subarray(0, got), source, name);
    await writeAtomically(output, async (out) => {
      const buf = new Uint8Array(info.chunkSize + TAG_LEN);
      for (;;) {
        const n = await readFull(inp, buf);
        if (n === 0) throw truncatedError(name, chunks);
        const final = n < buf.length;
        const plain = openChunk(header, dataKey, chunks, final, buf.subarray(0, n), name);
        await out.write(plain);
        chunks++;
        total += plain.length;
        if (final) break;
      }
    });
  } finally {
    await inp.close();
  }
  return { output, plaintextBytes: total, chunks };
}

/**
 * Re-wraps the data key of an encrypted file under a new passphrase or key; the encrypted body is
 * copied byte for byte (not re-encrypted). Writes to `opts.output`, or replaces `file` atomically.
 * @throws {AEQ_CRYPTO_AUTH} when `current` does not open the file
 * @throws {AEQ_CRYPTO_KEY} when `next` is empty or not 32 bytes
 * @example await rotateFileKey('data.csv.aeq', { passphrase: 'old' }, { keyFile… }) // file now opens with the new key only
 */
export async function rotateFileKey(
  file: string,
  current: KeySource,
  next: KeySource,
  opts: { readonly output?: string; readonly scrypt?: ScryptParams } = {},
): Promise<{ readonly output: string; readonly bodyBytes: number }> {
  const inp = await openInput(file);
  const output = opts.output ?? file;
  let bodyBytes = 0;
  try {
    const head = new Uint8Array(HEADER_LEN);
    const got = await readFull(inp, head);
    const fresh = await rewrapHeader(head.subarray(0, got), current, next, {
      ...(opts.scrypt ? { scrypt: opts.scrypt } : {}),
      name: `"${file}"`,
    });
    await writeAtomically(output, async (out) => {
      await out.write(fresh);
      const buf = new Uint8Array(1 << 20);
      for (;;) {
        const n = await readFull(inp, buf);
        if (n === 0) break;
        await out.write(buf.subarray(0, n));
        bodyBytes += n;
      }
    });
  } finally {
    await inp.close();
  }
  return { output, bodyBytes };
}
