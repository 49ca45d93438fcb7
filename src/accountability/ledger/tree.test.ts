import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './hash.js';
import { naiveLeaf, naiveMTH, syntheticLeafInput } from './naive-merkle.fixture.js';
import { MerkleTree, splitPoint } from './tree.js';

const vec = JSON.parse(
  readFileSync(new URL('../../../test/vectors/ledger/rfc6962-reference-tree.json', import.meta.url), 'utf8'),
);

describe('MerkleTree', () => {
  it('gives the published roots of the 8-leaf reference tree at every size 0–8', () => {
    const t = new MerkleTree();
    const inputs: string[] = vec.input.leafInputsHex;
    expect(toHex(t.root())).toBe(vec.expected.rootsBySize[0]);
    inputs.forEach((hex, i) => {
      t.appendData(fromHex(hex));
      expect(toHex(t.leafHash(i))).toBe(vec.expected.leafHashes[i]);
      expect(toHex(t.root())).toBe(vec.expected.rootsBySize[i + 1]);
    });
    // and roots of earlier sizes stay available after growth
    for (let n = 0; n <= 8; n++) expect(toHex(t.root(n))).toBe(vec.expected.rootsBySize[n]);
  });

  it('agrees with a naive recursive MTH for every size up to 2,000', () => {
    const N = 2000;
    const leaves = Array.from({ length: N }, (_, i) => naiveLeaf(syntheticLeafInput(i)));
    const t = MerkleTree.fromLeafHashes(leaves);
    const mismatches: number[] = [];
    for (let n = 0; n <= N; n++)
      if (toHex(t.root(n)) !== toHex(naiveMTH(leaves.slice(0, n)))) mismatches.push(n);
    expect(mismatches).toEqual([]);
  });

  it('computes the hash of any range of leaves like the naive MTH of that range', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => naiveLeaf(syntheticLeafInput(i)));
    const t = MerkleTree.fromLeafHashes(leaves);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (a, b) => {
        const [s, e] = a <= b ? [a, b] : [b, a];
        expect(toHex(t.rangeHash(s, e))).toBe(toHex(naiveMTH(leaves.slice(s, e))));
      }),
    );
  });

  it('splits at the largest power of two strictly below n', () => {
    // by hand: 2→1, 3→2, 4→2, 5→4, 8→4, 9→8, 1025→1024
    expect([2, 3, 4, 5, 8, 9, 1025].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 1024]);
  });

  it('refuses sizes and indices outside the tree, and leaves that are not 32 bytes', () => {
    const t = new MerkleTree();
    t.appendData(new Uint8Array([1]));
    expect(() => t.root(2)).toThrow(expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }));
    expect(() => t.leafHash(1)).toThrow(expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }));
    expect(() => t.inclusionProof(1, 1)).toThrow(/\[0, 0\]/);
    expect(() => t.consistencyProof(2, 1)).toThrow(/\[0, 1\]/);
    expect(() => t.append(new Uint8Array(31))).toThrow(/31 bytes/);
  });
});
