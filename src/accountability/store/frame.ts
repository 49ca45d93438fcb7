/**
 * @module accountability/store/frame
 * The on-disk frame of one ledger entry and the head record (format version 1). Length-prefixed,
 * checksummed, with the entry's index inside, so that a torn tail, a flipped bit, a reordered,
 * dropped or inserted entry is found by a plain scan and named by its index.
 *
 * Entry frame, big-endian:      Head record (60 bytes, at offset 0 of `head`):
 *   0   4  magic "AQL1"            0  4  magic "AQH1"
 *   4   4  payload length L        4  8  committed entries
 *   8   8  entry index             12 8  committed bytes of entries.log
 *   16  L  payload (RFC 8785 JSON) 20 32 root hash at that size
 *   +L  32 leaf hash               52 4  reserved (0)
 *   +32 4  CRC-32 of all above     56 4  CRC-32 of bytes 0–55
 */
import * as zlib from 'node:zlib';
import { HASH_SIZE, leafHash } from '../ledger/hash.js';

export const FRAME_MAGIC = 0x41514c31; // "AQL1"
export const HEAD_MAGIC = 0x41514831; // "AQH1"
export const FRAME_OVERHEAD = 16 + HASH_SIZE + 4;
export const HEAD_SIZE = 60;
/** Largest payload accepted (16 MiB): a longer length field is treated as corruption. */
export const MAX_PAYLOAD = 16 * 1024 * 1024;

let table: Uint32Array | null = null;
function crc32Js(buf: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = table[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE), from node:zlib when it has one (Node ≥ 20.15), else a table implementation. */
export const crc32: (buf: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (buf) => (zlib as unknown as { crc32: (b: Uint8Array) => number }).crc32(buf) >>> 0
    : crc32Js;

/** Encodes one entry frame. */
export function encodeFrame(index: number, payload: Uint8Array, leaf: Uint8Array): Buffer {
  const L = payload.length;
  const buf = Buffer.allocUnsafe(FRAME_OVERHEAD + L);
  buf.writeUInt32BE(FRAME_MAGIC, 0);
  buf.writeUInt32BE(L, 4);
  buf.writeUInt32BE(Math.floor(index / 2 ** 32), 8);
  buf.writeUInt32BE(index >>> 0, 12);
  buf.set(payload, 16);
  buf.set(leaf, 16 + L);
  buf.writeUInt32BE(crc32(buf.subarray(0, 16 + L + HASH_SIZE)), 16 + L + HASH_SIZE);
  return buf;
}

/** Bytes a frame of this text may need at most (UTF-8 takes at most 3 bytes per UTF-16 code unit). */
export function maxFrameSize(text: string): number {
  return FRAME_OVERHEAD + 3 * text.length;
}

/**
 * Encodes the frame of entry `index` with the UTF-8 of `text` as payload straight into `buf` at
 * `offset` (which must have {@link maxFrameSize} bytes free), computing the payload's RFC 6962 leaf
 * hash on the way. Returns the leaf hash; the frame's length is FRAME_OVERHEAD + the payload length
 * written at offset + 4.
 */
export function writeFrame(buf: Buffer, offset: number, index: number, text: string): Uint8Array {
  const p = offset + 16;
  const L = buf.write(text, p, 'utf8');
  buf.writeUInt32BE(FRAME_MAGIC, offset);
  buf.writeUInt32BE(L, offset + 4);
  buf.writeUInt32BE(Math.floor(index / 2 ** 32), offset + 8);
  buf.writeUInt32BE(index >>> 0, offset + 12);
  const leaf = leafHash(buf.subarray(p, p + L));
  buf.set(leaf, p + L);
  buf.writeUInt32BE(crc32(buf.subarray(offset, p + L + HASH_SIZE)), p + L + HASH_SIZE);
  return leaf;
}

/** One decoded frame, or why the bytes at `offset` are not a frame. */
export type FrameRead =
  | {
      readonly ok: true;
      readonly offset: number;
      readonly length: number;
      readonly index: number;
      readonly payload: Buffer;
      readonly leafHash: Uint8Array;
    }
  | { readonly ok: false; readonly offset: number; readonly reason: string; readonly truncated: boolean };

/** Decodes the frame starting at `offset` of `buf` (checks magic, bounds and CRC, not the leaf hash). */
export function decodeFrame(buf: Buffer, offset: number): FrameRead {
  const left = buf.length - offset;
  if (left < FRAME_OVERHEAD)
    return {
      ok: false,
      offset,
      reason: `only ${left} bytes left, less than a frame header`,
      truncated: true,
    };
  if (buf.readUInt32BE(offset) !== FRAME_MAGIC)
    return { ok: false, offset, reason: 'bad frame magic', truncated: false };
  const L = buf.readUInt32BE(offset + 4);
  if (L > MAX_PAYLOAD)
    return { ok: false, offset, reason: `payload length ${L} is too large`, truncated: false };
  const length = FRAME_OVERHEAD + L;
  if (length > left)
    return {
      ok: false,
      offset,
      reason: `frame of ${length} bytes runs past the end of the file`,
      truncated: true,
    };
  const stored = buf.readUInt32BE(offset + 16 + L + HASH_SIZE);
  if (crc32(buf.subarray(offset, offset + 16 + L + HASH_SIZE)) !== stored)
    return { ok: false, offset, reason: 'checksum mismatch', truncated: false };
  const index = buf.readUInt32BE(offset + 8) * 2 ** 32 + buf.readUInt32BE(offset + 12);
  return {
    ok: true,
    offset,
    length,
    index,
    payload: buf.subarray(offset + 16, offset + 16 + L),
    leafHash: new Uint8Array(buf.buffer, buf.byteOffset + offset + 16 + L, HASH_SIZE),
  };
}

/** The committed state recorded after each group commit. */
export interface Head {
  readonly size: number;
  readonly bytes: number;
  readonly root: Uint8Array;
}

export function encodeHead(h: Head): Buffer {
  const buf = Buffer.alloc(HEAD_SIZE);
  buf.writeUInt32BE(HEAD_MAGIC, 0);
  buf.writeUInt32BE(Math.floor(h.size / 2 ** 32), 4);
  buf.writeUInt32BE(h.size >>> 0, 8);
  buf.writeUInt32BE(Math.floor(h.bytes / 2 ** 32), 12);
  buf.writeUInt32BE(h.bytes >>> 0, 16);
  buf.set(h.root, 20);
  buf.writeUInt32BE(crc32(buf.subarray(0, 56)), 56);
  return buf;
}

/** Decodes a head record; null when it is missing, short or fails its checksum. */
export function decodeHead(buf: Buffer): Head | null {
  if (buf.length < HEAD_SIZE || buf.readUInt32BE(0) !== HEAD_MAGIC) return null;
  if (crc32(buf.subarray(0, 56)) !== buf.readUInt32BE(56)) return null;
  return {
    size: buf.readUInt32BE(4) * 2 ** 32 + buf.readUInt32BE(8),
    bytes: buf.readUInt32BE(12) * 2 ** 32 + buf.readUInt32BE(16),
    root: new Uint8Array(buf.subarray(20, 52)),
  };
}
