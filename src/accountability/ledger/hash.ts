/**
 * @module accountability/ledger/hash
 * The RFC 6962 / RFC 9162 hashing strategy for Merkle tree logs (https://www.rfc-editor.org/rfc/rfc9162#section-2.1):
 * leaf hash = SHA-256(0x00 ‖ data), interior node hash = SHA-256(0x01 ‖ left ‖ right), and the
 * empty tree's root = SHA-256(""). SHA-256 comes from `node:crypto` (the accountability layer is
 * Node-side); the domain-separation prefixes keep a leaf from ever being mistaken for a node.
 */
import * as nodeCrypto from 'node:crypto';
import { InvalidArgumentError } from '../../core/index.js';

/** Bytes in one SHA-256 hash. */
export const HASH_SIZE = 32;

type OneShot = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;
/** `crypto.hash` (Node ≥ 20.12): one call, no Hash object; else the createHash route. */
const oneShot: OneShot =
  typeof (nodeCrypto as { hash?: unknown }).hash === 'function'
    ? ((nodeCrypto as unknown as { hash: OneShot }).hash as OneShot)
    : (_alg, data) => nodeCrypto.createHash('sha256').update(data).digest();

function digest(data: Uint8Array): Uint8Array {
  const d = oneShot('sha256', data, 'buffer');
  return new Uint8Array(d.buffer, d.byteOffset, HASH_SIZE);
}

/** Reused input buffers: 0x00 ‖ data for leaves (grown on demand), 0x01 ‖ left ‖ right for nodes. */
let leafScratch = Buffer.alloc(1024);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE, 0x01);

/**
 * SHA-256 of the bytes (a UTF-8 string is encoded first).
 * @example toHex(sha256('')) // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function sha256(data: Uint8Array | string): Uint8Array {
  return digest(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}

/**
 * The RFC 6962 leaf hash: SHA-256(0x00 ‖ data).
 * @example toHex(leafHash(new Uint8Array())) // '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
 */
export function leafHash(data: Uint8Array): Uint8Array {
  const n = data.length + 1;
  if (n > leafScratch.length) {
    if (n > 1 << 20) return digest(Buffer.concat([LEAF_PREFIX, data]));
    leafScratch = Buffer.alloc(Math.max(n, leafScratch.length * 2));
  }
  leafScratch[0] = 0x00;
  leafScratch.set(data, 1);
  return digest(leafScratch.subarray(0, n));
}

/**
 * The RFC 6962 leaf hash of a UTF-8 string, SHA-256(0x00 ‖ utf8(text)), encoding straight into a
 * reused buffer; `into` (when given, at least `Buffer.byteLength(text)` bytes) receives the UTF-8 bytes too.
 * @example toHex(leafHashOfText('')) // '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
 */
export function leafHashOfText(text: string, into?: Buffer, intoOffset = 0): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const max = 3 * text.length + 1;
  if (max > leafScratch.length) {
    if (max > 1 << 20) {
      const bytes = Buffer.from(text, 'utf8');
      if (into) into.set(bytes, intoOffset);
      return leafHash(bytes);
    }
    leafScratch = Buffer.alloc(Math.max(max, leafScratch.length * 2));
  }
  leafScratch[0] = 0x00;
  const n = leafScratch.write(text, 1, 'utf8');
  if (into) leafScratch.copy(into, intoOffset, 1, 1 + n);
  return digest(leafScratch.subarray(0, 1 + n));
}

const LEAF_PREFIX = new Uint8Array([0x00]);

/**
 * The RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right).
 * @example toHex(nodeHash(utf8('N123'), utf8('N456'))) // 'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb'
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    return digest(Buffer.concat([NODE_PREFIX, left, right]));
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return digest(nodeScratch);
}

const NODE_PREFIX = new Uint8Array([0x01]);

/**
 * The node hash of two adjacent hashes: SHA-256(0x01 ‖ buf[offset, offset + 64)), for trees that
 * keep sibling hashes side by side (no views are allocated).
 * @example toHex(nodeHashOfPair(Buffer.concat([utf8('N123'), utf8('N456')]), 0)) — see the tree tests
 */
export function nodeHashOfPair(buf: Buffer, offset: number): Uint8Array {
  buf.copy(nodeScratch, 1, offset, offset + 2 * HASH_SIZE);
  return digest(nodeScratch);
}

/**
 * The root hash of the empty tree, MTH({}) = SHA-256("").
 * @example toHex(emptyRoot()) // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Lowercase hex of the bytes.
 * @example toHex(new Uint8Array([0, 255])) // '00ff'
 */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

/**
 * Bytes from hex (either case). Throws AEQ_INVALID_ARGUMENT on odd length or a non-hex digit.
 * @example fromHex('00ff') // Uint8Array [0, 255]
 */
export function fromHex(hex: string, what = 'hex'): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new InvalidArgumentError('fromHex', what, hex, 'an even-length string of hex digits');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Standard base64 (RFC 4648 §4) of the bytes.
 * @example toBase64(new Uint8Array([1, 2, 3])) // 'AQID'
 */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Bytes from standard base64; strict: rejects characters outside the alphabet and non-canonical padding.
 * @example fromBase64('AQID') // Uint8Array [1, 2, 3]
 */
export function fromBase64(s: string, what = 'base64'): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0)
    throw new InvalidArgumentError('fromBase64', what, s, 'standard base64 (RFC 4648 §4) with padding');
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s)
    throw new InvalidArgumentError('fromBase64', what, s, 'canonical base64 (no stray bits in the padding)');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** True when two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
