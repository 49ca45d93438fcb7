import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RootMismatchError } from './errors.js';
import { emptyRoot, fromBase64, toHex } from './hash.js';
import {
  consistencyMutations,
  inclusionMutations,
  naiveConsistency,
  naiveLeaf,
  naiveMTH,
  naivePath,
  syntheticLeafInput,
} from './naive-merkle.fixture.js';
import {
  consistencyProofFromJSON,
  consistencyProofToJSON,
  inclusionProofFromJSON,
  inclusionProofToJSON,
  verifyConsistency,
  verifyInclusion,
} from './proof.js';
import { MerkleTree } from './tree.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../test/vectors/ledger/proofs-happy-path.json', import.meta.url), 'utf8'),
);

const MAX = 130;
const leaves = Array.from({ length: MAX }, (_, i) => naiveLeaf(syntheticLeafInput(i)));
const tree = MerkleTree.fromLeafHashes(leaves);
const hex = (xs: readonly Uint8Array[]) => xs.map(toHex);

function fails(f: () => void): boolean {
  try {
    f();
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'AEQ_LEDGER_ROOT_MISMATCH' && code !== 'AEQ_LEDGER_PROOF_INVALID') throw e;
    return true;
  }
}

describe('inclusion proofs', () => {
  it('verify the published transparency-dev vectors', () => {
    for (const v of vectors.input.inclusion) {
      expect(() =>
        verifyInclusion({
          leafIndex: v.leafIdx,
          treeSize: v.treeSize,
          leafHash: fromBase64(v.leafHash),
          rootHash: fromBase64(v.root),
          path: v.proof.map((p: string) => fromBase64(p)),
        }),
      ).not.toThrow();
    }
  });

  it('equal the RFC 9162 PATH of a naive reference and verify, for every leaf of every size up to 130', () => {
    const wrong: string[] = [];
    for (let n = 1; n <= MAX; n++) {
      const root = naiveMTH(leaves.slice(0, n));
      for (let m = 0; m < n; m++) {
        const path = tree.inclusionProof(m, n);
        if (hex(path).join() !== hex(naivePath(m, leaves.slice(0, n))).join()) wrong.push(`path ${m}/${n}`);
        if (
          fails(() =>
            verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaves[m]!, rootHash: root, path }),
          )
        )
          wrong.push(`verify ${m}/${n}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('fail under every mutation of the catalogue, for every leaf of every size up to 130', () => {
    const accepted: string[] = [];
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      const rootHash = tree.root(n);
      for (let m = 0; m < n; m++) {
        const p = {
          desc: 'ok',
          leafIndex: m,
          treeSize: n,
          leafHash: leaves[m]!,
          rootHash,
          path: tree.inclusionProof(m, n),
        };
        for (const q of inclusionMutations(p)) {
          checked++;
          if (!fails(() => verifyInclusion(q))) accepted.push(`${q.desc} for ${m}/${n}`);
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('fail when any single bit of the leaf, the root or any path element flips (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (n, mm, which, bit) => {
          const m = mm % n;
          const path = tree.inclusionProof(m, n).map((x) => Uint8Array.from(x));
          const leaf = Uint8Array.from(leaves[m]!);
          const root = Uint8Array.from(tree.root(n));
          const targets = [leaf, root, ...path];
          const t = targets[which % targets.length]!;
          t[bit >> 3]! ^= 1 << (bit & 7);
          expect(
            fails(() => verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaf, rootHash: root, path })),
          ).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('carry the expected and the computed root when the root does not match', () => {
    const p = {
      leafIndex: 3,
      treeSize: 8,
      leafHash: leaves[3]!,
      rootHash: tree.root(7),
      path: tree.inclusionProof(3, 8),
    };
    expect.assertions(3);
    try {
      verifyInclusion(p);
    } catch (e) {
      expect(e).toBeInstanceOf(RootMismatchError);
      expect((e as RootMismatchError).expected).toBe(toHex(tree.root(7)));
      expect((e as RootMismatchError).computed).toBe(toHex(tree.root(8)));
    }
  });

  it('name the sizes when a proof is too long or an index is out of range', () => {
    const p = { leafIndex: 0, treeSize: 1, leafHash: leaves[0]!, rootHash: leaves[0]!, path: [leaves[1]!] };
    expect(() => verifyInclusion(p)).toThrow(/leaf 0 in a tree of size 1 is too long: 1 hashes/);
    expect(() => verifyInclusion({ ...p, leafIndex: 1, path: [] })).toThrow(
      /Leaf index 1 is not in a tree of size 1/,
    );
  });

  it('round-trip through their JSON form with lowercase hex', () => {
    const p = {
      leafIndex: 5,
      treeSize: 8,
      leafHash: tree.leafHash(5),
      rootHash: tree.root(8),
      path: tree.inclusionProof(5, 8),
    };
    const j = inclusionProofToJSON(p);
    expect(j.path.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    expect(inclusionProofToJSON(inclusionProofFromJSON(j))).toEqual(j);
  });
});

describe('consistency proofs', () => {
  it('verify the published transparency-dev vectors', () => {
    for (const v of vectors.input.consistency) {
      expect(() =>
        verifyConsistency({
          oldSize: v.size1,
          newSize: v.size2,
          oldRoot: fromBase64(v.root1),
          newRoot: fromBase64(v.root2),
          path: v.proof.map((p: string) => fromBase64(p)),
        }),
      ).not.toThrow();
    }
  });

  it('equal the RFC 9162 PROOF of a naive reference and verify, for all pairs of sizes up to 130', () => {
    const wrong: string[] = [];
    for (let n = 0; n <= MAX; n++) {
      for (let m = 0; m <= n; m++) {
        const path = tree.consistencyProof(m, n);
        if (hex(path).join() !== hex(naiveConsistency(m, leaves.slice(0, n))).join())
          wrong.push(`path ${m}->${n}`);
        const proof = { oldSize: m, newSize: n, oldRoot: tree.root(m), newRoot: tree.root(n), path };
        if (fails(() => verifyConsistency(proof))) wrong.push(`verify ${m}->${n}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('fail under every mutation of the catalogue, for all pairs 0 < old < new ≤ 130', () => {
    const accepted: string[] = [];
    let checked = 0;
    for (let n = 2; n <= MAX; n++) {
      for (let m = 1; m < n; m++) {
        const p = {
          desc: 'ok',
          oldSize: m,
          newSize: n,
          oldRoot: tree.root(m),
          newRoot: tree.root(n),
          path: tree.consistencyProof(m, n),
        };
        for (const q of consistencyMutations(p)) {
          checked++;
          if (!fails(() => verifyConsistency(q))) accepted.push(`${q.desc} for ${m}->${n}`);
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('handle the trivial cases: equal sizes need equal roots, size 0 needs the empty root, both need an empty proof', () => {
    const r5 = tree.root(5);
    expect(() =>
      verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: r5, newRoot: r5, path: [] }),
    ).not.toThrow();
    expect(() =>
      verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: r5, newRoot: tree.root(4), path: [] }),
    ).toThrow(RootMismatchError);
    expect(() => verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: r5, newRoot: r5, path: [r5] })).toThrow(
      /must be empty/,
    );
    expect(() =>
      verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: emptyRoot(), newRoot: r5, path: [] }),
    ).not.toThrow();
    expect(() => verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: r5, newRoot: r5, path: [] })).toThrow(
      RootMismatchError,
    );
    expect(() => verifyConsistency({ oldSize: 6, newSize: 5, oldRoot: r5, newRoot: r5, path: [] })).toThrow(
      /old size 6 is larger than the new size 5/,
    );
  });

  it('say which root did not match, with both sides', () => {
    const p = {
      oldSize: 3,
      newSize: 7,
      oldRoot: tree.root(3),
      newRoot: tree.root(6),
      path: tree.consistencyProof(3, 7),
    };
    expect.assertions(3);
    try {
      verifyConsistency(p);
    } catch (e) {
      expect((e as RootMismatchError).details).toMatchObject({ which: 'new' });
      expect((e as RootMismatchError).expected).toBe(toHex(tree.root(6)));
      expect((e as RootMismatchError).computed).toBe(toHex(tree.root(7)));
    }
  });

  it('round-trip through their JSON form', () => {
    const p = {
      oldSize: 6,
      newSize: 8,
      oldRoot: tree.root(6),
      newRoot: tree.root(8),
      path: tree.consistencyProof(6, 8),
    };
    const j = consistencyProofToJSON(p);
    expect(consistencyProofToJSON(consistencyProofFromJSON(j))).toEqual(j);
  });
});

describe('proofs on larger trees (sizes up to 600, sampled)', () => {
  const BIG = 600;
  const big = Array.from({ length: BIG }, (_, i) => naiveLeaf(syntheticLeafInput(i)));
  const bigTree = MerkleTree.fromLeafHashes(big);

  it('equal the naive references, verify, and fail under every mutation (inclusion and consistency)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 131, max: BIG })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, m]) => {
          const prefix = big.slice(0, n);
          const root = naiveMTH(prefix);
          const path = bigTree.inclusionProof(m, n);
          expect(hex(path)).toEqual(hex(naivePath(m, prefix)));
          const inc = { leafIndex: m, treeSize: n, leafHash: big[m]!, rootHash: root, path };
          expect(fails(() => verifyInclusion(inc))).toBe(false);
          for (const q of inclusionMutations({ desc: 'ok', ...inc }))
            expect(fails(() => verifyInclusion(q))).toBe(true);
          if (m === 0) return;
          const cpath = bigTree.consistencyProof(m, n);
          expect(hex(cpath)).toEqual(hex(naiveConsistency(m, prefix)));
          const con = {
            oldSize: m,
            newSize: n,
            oldRoot: naiveMTH(big.slice(0, m)),
            newRoot: root,
            path: cpath,
          };
          expect(fails(() => verifyConsistency(con))).toBe(false);
          for (const q of consistencyMutations({ desc: 'ok', ...con }))
            expect(fails(() => verifyConsistency(q))).toBe(true);
        },
      ),
      { numRuns: 150, seed: 2026 },
    );
  });
});
