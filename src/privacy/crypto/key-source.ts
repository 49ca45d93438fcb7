/**
 * @module privacy/crypto/key-source
 * Reads the key material for `aequa encrypt|decrypt|keys`: a passphrase file (UTF-8, one trailing
 * newline ignored) or a key file (32 raw bytes, or 64 hex digits). Empty or malformed key material is
 * refused with AEQ_CRYPTO_KEY rather than silently used.
 */
import { readFile } from 'node:fs/promises';
import { AequaError } from '../../core/index.js';
import type { KeySource } from './envelope.js';

async function read(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new AequaError(
      'AEQ_IO_FILE_NOT_FOUND',
      `Cannot read the ${what} "${path}": ${(e as Error).message}.`,
      {
        cause: e,
        hint: 'Check the path and the permissions.',
      },
    );
  }
}

/**
 * The key source from a passphrase file or a key file (exactly one of them).
 * @throws {AEQ_CRYPTO_KEY} an empty passphrase file, or a key file that is neither 32 bytes nor 64 hex digits
 * @throws {AEQ_INVALID_ARGUMENT} when both or neither file is given
 * @example await readKeySource({ passphraseFile: 'pass.txt' }) // { passphrase: Uint8Array [...] }
 */
export async function readKeySource(files: {
  readonly passphraseFile?: string | undefined;
  readonly keyFile?: string | undefined;
}): Promise<KeySource> {
  const { passphraseFile, keyFile } = files;
  if ((passphraseFile === undefined) === (keyFile === undefined))
    throw new AequaError(
      'AEQ_INVALID_ARGUMENT',
      `Give exactly one of a passphrase file and a key file, got ${passphraseFile === undefined ? 'neither' : 'both'}.`,
      { hint: 'Pass --passphrase-file FILE or --key-file FILE.' },
    );
  if (passphraseFile !== undefined) {
    let bytes = await read(passphraseFile, 'passphrase file');
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0a) end--;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    bytes = bytes.subarray(0, end);
    if (bytes.length === 0)
      throw new AequaError('AEQ_CRYPTO_KEY', `The passphrase file "${passphraseFile}" is empty.`, {
        hint: 'Write a long passphrase (several words) into it; an empty passphrase protects nothing.',
      });
    return { passphrase: bytes };
  }
  const bytes = await read(keyFile!, 'key file');
  if (bytes.length === 32) return { key: bytes };
  const text = new TextDecoder().decode(bytes).trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return { key: new Uint8Array(Buffer.from(text, 'hex')) };
  throw new AequaError(
    'AEQ_CRYPTO_KEY',
    `The key file "${keyFile}" holds ${bytes.length} bytes that are neither 32 raw bytes nor 64 hex digits.`,
    { hint: 'Create one with `head -c 32 /dev/urandom > key.bin` or `openssl rand -hex 32 > key.hex`.' },
  );
}
