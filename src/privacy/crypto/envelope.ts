/**
 * @module privacy/crypto/envelope
 * The aequa encrypted-file format (version 1): envelope encryption with AES-256-GCM (NIST SP 800-38D,
 * https://doi.org/10.6028/NIST.SP.800-38D) and scrypt key derivation (RFC 7914). A fresh random data key
 * encrypts the body in chunks; a key-encryption key (from a passphrase or a 32-byte key file) wraps the
 * data key in the header, so rotating the key rewrites only the header. Node-only (`node:crypto`).
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { AequaError, InvalidArgumentError } from '../../core/index.js';

/*
 * Layout (all integers big-endian):
 *
 *   off  len  field
 *     0    8  magic "AEQUAENC"
 *     8    1  format version (1)
 *     9    4  chunk size in plaintext bytes (1 … 16 MiB)
 *    13    8  random nonce prefix of this file            ← end of the fixed header (21 bytes)
 *    21    1  KDF: 1 = scrypt(passphrase), 2 = raw 32-byte key
 *    22    1  log2(N) of scrypt (0 for a raw key)
 *    23    1  r of scrypt
 *    24    1  p of scrypt
 *    25   16  scrypt salt (zeros for a raw key)
 *    41   12  nonce of the key wrap
 *    53   32  wrapped data key (AES-256-GCM under the key-encryption key)
 *    85   16  tag of the key wrap; AAD = bytes 0 … 40 (so every header field is authenticated)
 *   101  ...  chunks: ciphertext (chunk size bytes, or fewer in the final chunk) ‖ 16-byte tag
 *
 * Chunk i uses nonce = prefix ‖ u32(i) under the data key and AAD = fixed header ‖ u32(i) ‖ u8(final).
 * The final chunk is the first one holding fewer than `chunk size` bytes (possibly zero), so dropping,
 * reordering or truncating chunks breaks a tag or leaves the final chunk missing. The key slot (bytes
 * 21 … 100) is not part of the chunk AAD: that is what lets rotation re-wrap the data key alone.
 */

/** The 8 magic bytes that open every encrypted file. */
const MAGIC = new Uint8Array([0x41, 0x45, 0x51, 0x55, 0x41, 0x45, 0x4e, 0x43]); // "AEQUAENC"
/** The format version this code writes and reads. */
export const FORMAT_VERSION = 1;
/** Bytes of the fixed header (magic, version, chunk size, nonce prefix). */
const FIXED_LEN = 21;
/** Bytes of the whole header (fixed part and key slot). */
export const HEADER_LEN = 101;
/** Bytes of a GCM tag. */
export const TAG_LEN = 16;
/** Default chunk size: 64 KiB, small enough to stream, large enough that tags cost 0.02 %. */
export const DEFAULT_CHUNK_SIZE = 65_536;
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const WRAP_AAD_LEN = 41;

/** scrypt cost parameters (RFC 7914): N = 2^log2N, block size r, parallelism p. */
export interface ScryptParams {
  /** @default 15 (N = 32768, about 32 MiB of memory and 0.1 s): the OWASP-recommended floor for files. */
  readonly log2N: number;
  /** @default 8 */
  readonly r: number;
  /** @default 1 */
  readonly p: number;
}

/** The default scrypt parameters. */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 1 };

/** Where the key-encryption key comes from: a passphrase (through scrypt) or 32 raw key bytes. */
export type KeySource = { readonly passphrase: string | Uint8Array } | { readonly key: Uint8Array };

/** Options of encryption. */
export interface EncryptOptions {
  /** Plaintext bytes per chunk. @default 65536 */
  readonly chunkSize?: number;
  /** scrypt cost when the key source is a passphrase. @default { log2N: 15, r: 8, p: 1 } */
  readonly scrypt?: ScryptParams;
}

/** What the header says, without any key. */
export interface HeaderInfo {
  readonly version: number;
  readonly chunkSize: number;
  readonly kdf: 'scrypt' | 'raw';
  readonly scrypt: ScryptParams | null;
}

/** A parsed header plus the unwrapped data key. */
export interface OpenedHeader {
  readonly header: Uint8Array;
  readonly info: HeaderInfo;
  readonly dataKey: Uint8Array;
}

function u32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

function putU32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}

function checkScrypt(fn: string, s: ScryptParams): void {
  if (!Number.isInteger(s.log2N) || s.log2N < 1 || s.log2N > 22)
    throw new InvalidArgumentError(fn, 'scrypt.log2N', s.log2N, 'an integer in [1, 22]');
  if (!Number.isInteger(s.r) || s.r < 1 || s.r > 32)
    throw new InvalidArgumentError(fn, 'scrypt.r', s.r, 'an integer in [1, 32]');
  if (!Number.isInteger(s.p) || s.p < 1 || s.p > 16)
    throw new InvalidArgumentError(fn, 'scrypt.p', s.p, 'an integer in [1, 16]');
}

function checkKeySource(fn: string, source: KeySource): void {
  if ('key' in source) {
    if (source.key.length !== 32)
      throw new AequaError(
        'AEQ_CRYPTO_KEY',
        `The key given to ${fn} has ${source.key.length} bytes; AES-256 needs exactly 32.`,
        { hint: 'Generate one with `head -c 32 /dev/urandom > key.bin` (or 64 hex digits).' },
      );
  } else if (source.passphrase.length === 0) {
    throw new AequaError('AEQ_CRYPTO_KEY', `The passphrase given to ${fn} is empty.`, {
      hint: 'Use a long passphrase (several words); an empty one protects nothing.',
    });
  }
}

/** Derives the 32-byte key-encryption key. */
async function deriveKek(source: KeySource, salt: Uint8Array, s: ScryptParams | null): Promise<Uint8Array> {
  if ('key' in source) return source.key;
  const params = s ?? DEFAULT_SCRYPT;
  const N = 2 ** params.log2N;
  const pass =
    typeof source.passphrase === 'string' ? Buffer.from(source.passphrase, 'utf8') : source.passphrase;
  const maxmem = 256 * N * params.r + 128 * params.r * params.p + (1 << 20);
  return new Promise((resolve, reject) => {
    scrypt(pass, salt, 32, { N, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, 32));
    });
  });
}

function gcmSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const a = c.update(plain);
  const b = c.final();
  const out = new Uint8Array(a.length + b.length + TAG_LEN);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c.getAuthTag(), a.length + b.length);
  return out;
}

/** Returns the plaintext, or null when the tag does not verify. */
function gcmOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < TAG_LEN) return null;
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_LEN));
  try {
    const a = d.update(sealed.subarray(0, sealed.length - TAG_LEN));
    const b = d.final();
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  } catch {
    return null;
  }
}

/** Fills the key slot (bytes 21 … 100) of `header` for `dataKey` under a key from `source`. */
async function writeKeySlot(
  header: Uint8Array,
  dataKey: Uint8Array,
  source: KeySource,
  s: ScryptParams,
): Promise<void> {
  const raw = 'key' in source;
  header[21] = raw ? 2 : 1;
  header[22] = raw ? 0 : s.log2N;
  header[23] = raw ? 0 : s.r;
  header[24] = raw ? 0 : s.p;
  const salt = header.subarray(25, 41);
  if (raw) salt.fill(0);
  else salt.set(randomBytes(16));
  const nonce = randomBytes(12);
  header.set(nonce, 41);
  const kek = await deriveKek(source, salt, raw ? null : s);
  const sealed = gcmSeal(kek, nonce, header.subarray(0, WRAP_AAD_LEN), dataKey);
  header.set(sealed, 53);
}

/**
 * Builds a fresh header: a random data key and nonce prefix, wrapped under the key from `source`.
 * @throws {AEQ_CRYPTO_KEY} empty passphrase or a key that is not 32 bytes
 * @example const { header, dataKey } = await newHeader({ key }, {}); header.length // 101
 */
export async function newHeader(
  source: KeySource,
  opts: EncryptOptions = {},
): Promise<{ header: Uint8Array; dataKey: Uint8Array; chunkSize: number }> {
  checkKeySource('encrypt', source);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE)
    throw new InvalidArgumentError('encrypt', 'chunkSize', chunkSize, `an integer in [1, ${MAX_CHUNK_SIZE}]`);
  const s = opts.scrypt ?? DEFAULT_SCRYPT;
  checkScrypt('encrypt', s);
  const header = new Uint8Array(HEADER_LEN);
  header.set(MAGIC, 0);
  header[8] = FORMAT_VERSION;
  putU32(header, 9, chunkSize);
  header.set(randomBytes(8), 13);
  const dataKey = new Uint8Array(randomBytes(32));
  await writeKeySlot(header, dataKey, source, s);
  return { header, dataKey, chunkSize };
}

/**
 * Reads the header fields without a key (magic, version, chunk size, KDF parameters).
 * @throws {AEQ_CRYPTO_FORMAT} not an aequa encrypted file, a newer version, or a short header
 * @example parseHeader(header).kdf // 'scrypt'
 */
export function parseHeader(header: Uint8Array, source = 'the file'): HeaderInfo {
  if (header.length < MAGIC.length || MAGIC.some((b, i) => header[i] !== b))
    throw new AequaError(
      'AEQ_CRYPTO_FORMAT',
      `${source} is not an aequa encrypted file (it does not start with the magic bytes "AEQUAENC").`,
      { hint: 'Decrypt only files written by `aequa encrypt`.' },
    );
  if (header.length < HEADER_LEN)
    throw new AequaError(
      'AEQ_CRYPTO_FORMAT',
      `${source} ends inside its header (${header.length} of ${HEADER_LEN} bytes): it is truncated.`,
      { hint: 'Restore the file from a complete copy.' },
    );
  const version = header[8]!;
  if (version !== FORMAT_VERSION)
    throw new AequaError(
      'AEQ_CRYPTO_FORMAT',
      `${source} has encrypted-file format version ${version}; this aequa reads version ${FORMAT_VERSION}.`,
      { hint: 'Upgrade aequa to read files from newer versions.' },
    );
  const chunkSize = u32(header, 9);
  const kdfId = header[21]!;
  const s: ScryptParams = { log2N: header[22]!, r: header[23]!, p: header[24]! };
  const badChunk = chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE;
  const badKdf = kdfId !== 1 && kdfId !== 2;
  const badScrypt =
    kdfId === 1 && (s.log2N < 1 || s.log2N > 22 || s.r < 1 || s.r > 32 || s.p < 1 || s.p > 16);
  if (badChunk || badKdf || badScrypt)
    throw new AequaError(
      'AEQ_CRYPTO_AUTH',
      `${source} has an impossible header (chunk size ${chunkSize}, KDF ${kdfId}, scrypt log2N=${s.log2N} r=${s.r} p=${s.p}): it was altered.`,
      { hint: 'Restore the file from a copy you trust.' },
    );
  return { version, chunkSize, kdf: kdfId === 1 ? 'scrypt' : 'raw', scrypt: kdfId === 1 ? s : null };
}

/**
 * Parses the header and unwraps the data key with the key from `source`.
 * @throws {AEQ_CRYPTO_FORMAT} not an encrypted file or a newer version
 * @throws {AEQ_CRYPTO_KEY} a passphrase given for a key-file file, or the reverse
 * @throws {AEQ_CRYPTO_AUTH} wrong passphrase or key, or an altered header
 * @example (await openHeader(header, { key })).dataKey.length // 32
 */
export async function openHeader(
  header: Uint8Array,
  source: KeySource,
  name = 'the file',
): Promise<OpenedHeader> {
  const info = parseHeader(header, name);
  checkKeySource('decrypt', source);
  const raw = 'key' in source;
  if (raw !== (info.kdf === 'raw'))
    throw new AequaError(
      'AEQ_CRYPTO_KEY',
      `${name} was encrypted with ${info.kdf === 'raw' ? 'a key file' : 'a passphrase'}, but ${raw ? 'a key file' : 'a passphrase'} was given.`,
      { hint: info.kdf === 'raw' ? 'Pass --key-file.' : 'Pass --passphrase-file.' },
    );
  const kek = await deriveKek(source, header.subarray(25, 41), info.scrypt);
  const dataKey = gcmOpen(
    kek,
    header.subarray(41, 53),
    header.subarray(0, WRAP_AAD_LEN),
    header.subarray(53, 101),
  );
  if (dataKey === null)
    throw new AequaError(
      'AEQ_CRYPTO_AUTH',
      `Cannot decrypt ${name}: the ${raw ? 'key' : 'passphrase'} is wrong, or the file header was altered.`,
      { hint: `Check the ${raw ? 'key file' : 'passphrase file'}; nothing was written.` },
    );
  return { header: header.slice(0, HEADER_LEN), info, dataKey };
}

/**
 * A header with the same data key re-wrapped under `next` (fresh salt and nonce); the body is unchanged.
 * @throws {AEQ_CRYPTO_AUTH} when `current` does not open the header
 * @example (await rewrapHeader(header, { passphrase: 'old' }, { passphrase: 'new' })).length // 101
 */
export async function rewrapHeader(
  header: Uint8Array,
  current: KeySource,
  next: KeySource,
  opts: { readonly scrypt?: ScryptParams; readonly name?: string } = {},
): Promise<Uint8Array> {
  const opened = await openHeader(header, current, opts.name);
  checkKeySource('rotate', next);
  const s = opts.scrypt ?? DEFAULT_SCRYPT;
  checkScrypt('rotate', s);
  const out = opened.header.slice();
  await writeKeySlot(out, opened.dataKey, next, s);
  return out;
}

function chunkNonceAad(
  header: Uint8Array,
  index: number,
  final: boolean,
): { nonce: Uint8Array; aad: Uint8Array } {
  if (index > 0xffffffff)
    throw new InvalidArgumentError(
      'encrypt',
      'chunk index',
      index,
      'at most 2^32 - 1 chunks (raise chunkSize)',
    );
  const nonce = new Uint8Array(12);
  nonce.set(header.subarray(13, 21), 0);
  putU32(nonce, 8, index);
  const aad = new Uint8Array(FIXED_LEN + 5);
  aad.set(header.subarray(0, FIXED_LEN), 0);
  putU32(aad, FIXED_LEN, index);
  aad[FIXED_LEN + 4] = final ? 1 : 0;
  return { nonce, aad };
}

/** Encrypts chunk `index` (ciphertext ‖ tag). */
export function sealChunk(
  header: Uint8Array,
  dataKey: Uint8Array,
  index: number,
  final: boolean,
  plain: Uint8Array,
): Uint8Array {
  const { nonce, aad } = chunkNonceAad(header, index, final);
  return gcmSeal(dataKey, nonce, aad, plain);
}

/**
 * Decrypts and verifies chunk `index`.
 * @throws {AEQ_CRYPTO_AUTH} when the tag does not verify (altered, reordered or cut chunk)
 */
export function openChunk(
  header: Uint8Array,
  dataKey: Uint8Array,
  index: number,
  final: boolean,
  sealed: Uint8Array,
  name = 'the file',
): Uint8Array {
  const { nonce, aad } = chunkNonceAad(header, index, final);
  const plain = gcmOpen(dataKey, nonce, aad, sealed);
  if (plain === null)
    throw new AequaError(
      'AEQ_CRYPTO_AUTH',
      `${name} fails authentication at chunk ${index}${final ? ' (the final chunk)' : ''}: it was altered, reordered or truncated.`,
      { hint: 'Restore the file from a copy you trust; no plaintext was written.' },
    );
  return plain;
}

/** The error for a body that ends where a chunk should start. */
export function truncatedError(name: string, chunks: number): AequaError {
  return new AequaError(
    'AEQ_CRYPTO_AUTH',
    `${name} is truncated: it ends after ${chunks} full chunk${chunks === 1 ? '' : 's'} without the final chunk.`,
    { hint: 'Restore the file from a complete copy; no plaintext was written.' },
  );
}

/**
 * Encrypts bytes in memory into the version-1 format (same bytes a file gets).
 * @throws {AEQ_CRYPTO_KEY} empty passphrase or a key that is not 32 bytes
 * @example (await encryptBytes(new Uint8Array(10), { key })).length // 101 + 10 + 16 = 127
 */
export async function encryptBytes(
  plain: Uint8Array,
  source: KeySource,
  opts: EncryptOptions = {},
): Promise<Uint8Array> {
  const { header, dataKey, chunkSize } = await newHeader(source, opts);
  const nChunks = Math.floor(plain.length / chunkSize) + 1;
  const out = new Uint8Array(HEADER_LEN + plain.length + nChunks * TAG_LEN);
  out.set(header, 0);
  let w = HEADER_LEN;
  for (let i = 0; i < nChunks; i++) {
    const part = plain.subarray(i * chunkSize, Math.min(plain.length, (i + 1) * chunkSize));
    const sealed = sealChunk(header, dataKey, i, i === nChunks - 1, part);
    out.set(sealed, w);
    w += sealed.length;
  }
  return out;
}

/**
 * Decrypts bytes in the version-1 format, verifying every chunk.
 * @throws {AEQ_CRYPTO_FORMAT} not an encrypted file
 * @throws {AEQ_CRYPTO_AUTH} wrong key, altered or truncated data
 * @example new TextDecoder().decode(await decryptBytes(await encryptBytes(utf8('hi'), k), k)) // 'hi'
 */
export async function decryptBytes(
  sealed: Uint8Array,
  source: KeySource,
  name = 'the data',
): Promise<Uint8Array> {
  const { header, info, dataKey } = await openHeader(sealed.subarray(0, HEADER_LEN), source, name);
  const full = info.chunkSize + TAG_LEN;
  const parts: Uint8Array[] = [];
  let off = HEADER_LEN;
  let total = 0;
  for (let i = 0; ; i++) {
    const rest = sealed.length - off;
    if (rest === 0) throw truncatedError(name, i);
    const final = rest < full;
    const take = final ? rest : full;
    const plain = openChunk(header, dataKey, i, final, sealed.subarray(off, off + take), name);
    parts.push(plain);
    total += plain.length;
    off += take;
    if (final) break;
  }
  const out = new Uint8Array(total);
  let w = 0;
  for (const p of parts) {
    out.set(p, w);
    w += p.length;
  }
  return out;
}
