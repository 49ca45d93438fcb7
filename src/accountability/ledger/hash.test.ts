import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  emptyRoot,
  fromBase64,
  fromHex,
  leafHash,
  leafHashOfText,
  nodeHash,
  nodeHashOfPair,
  sha256,
  toBase64,
  toHex,
} from './hash.js';

const vec = JSON.parse(
  readFileSync(new URL('../../../test/vectors/ledger/rfc6962-reference-tree.json', import.meta.url), 'utf8'),
);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(toHex(emptyRoot())).toBe(vec.expected.emptyRoot);
  });

  it('prefixes leaves with 0x00, so an empty leaf differs from the empty tree', () => {
    expect(toHex(leafHash(new Uint8Array()))).toBe(vec.expected.emptyLeafHash);
    expect(toHex(leafHash(utf8('L123456')))).toBe(vec.expected.leafHashOf_L123456);
  });

  it('prefixes interior nodes with 0x01', () => {
    expect(toHex(nodeHash(utf8('N123'), utf8('N456')))).toBe(vec.expected.nodeHashOf_N123_N456);
  });

  it('keeps leaf and node hashes apart (second-preimage resistance of the prefixes)', () => {
    const a = leafHash(utf8('Hello'));
    const b = leafHash(utf8('World'));
    const node = nodeHash(a, b);
    const forged = leafHash(new Uint8Array([...a, ...b]));
    expect(bytesEqual(node, forged)).toBe(false);
    expect(bytesEqual(node, nodeHash(b, a))).toBe(false);
  });

  it('round-trips hex and base64, and rejects malformed text', () => {
    const x = sha256('abc');
    // SHA-256("abc") from FIPS 180-2 Appendix B.1.
    expect(toHex(x)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(fromHex(toHex(x)))).toBe(toHex(x));
    expect(toBase64(fromBase64(toBase64(x)))).toBe(toBase64(x));
    expect(() => fromHex('abc')).toThrow(/even-length/);
    expect(() => fromHex('zz')).toThrow(/hex digits/);
    expect(() => fromBase64('AQI')).toThrow(/base64/);
    expect(() => fromBase64('AQJ=')).toThrow(/canonical/);
  });

  it('hashes a leaf from text and a node from two adjacent hashes like the plain forms', () => {
    const h = (...parts: Uint8Array[]) => {
      const c = createHash('sha256');
      for (const p of parts) c.update(p);
      return toHex(c.digest());
    };
    const text = '{"a":"é€😂"}'.repeat(200); // longer than the 1 KiB scratch buffer: it grows
    const into = Buffer.alloc(Buffer.byteLength(text) + 3);
    expect(toHex(leafHashOfText(text, into, 3))).toBe(h(Uint8Array.of(0), Buffer.from(text)));
    expect(into.subarray(3).toString('utf8')).toBe(text);
    expect(toHex(leafHash(Buffer.from(text)))).toBe(h(Uint8Array.of(0), Buffer.from(text)));
    const pair = Buffer.concat([Buffer.alloc(5, 9), Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
    expect(toHex(nodeHashOfPair(pair, 5))).toBe(
      h(Uint8Array.of(1), Buffer.alloc(32, 1), Buffer.alloc(32, 2)),
    );
    expect(toHex(nodeHash(pair.subarray(5, 37), pair.subarray(37)))).toBe(toHex(nodeHashOfPair(pair, 5)));
  });
});
