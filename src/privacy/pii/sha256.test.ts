import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256, toHex } from './sha256.js';

describe('sha256', () => {
  it('matches the FIPS 180-4 example vectors', () => {
    expect(toHex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto on any byte string, across the 55/56/64-byte padding edges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (b) => {
        expect(toHex(sha256(b))).toBe(createHash('sha256').update(b).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('hmacSha256', () => {
  it('matches RFC 4231 test cases 1 and 6 (a key longer than the block)', () => {
    const key1 = new Uint8Array(20).fill(0x0b);
    expect(toHex(hmacSha256(key1, 'Hi There'))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    const key6 = new Uint8Array(131).fill(0xaa);
    expect(toHex(hmacSha256(key6, 'Test Using Larger Than Block-Size Key - Hash Key First'))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('agrees with node:crypto for any key and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (k, m) => {
        expect(toHex(hmacSha256(k, m))).toBe(createHmac('sha256', k).update(m).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});
