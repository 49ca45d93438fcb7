/**
 * @module accountability/ledger/proof
 * Verification of Merkle inclusion and consistency proofs, written from the algorithms of RFC 9162
 * §2.1.3.2 and §2.1.4.2 (https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2). These need no
 * tree, only the proof, so any party holding a signed checkpoint can run them. Also the proof types
 * and their JSON form (`{ leafIndex, treeSize, leafHash, rootHash, path }`, lowercase hex).
 */

import { ProofError, RootMismatchError } from './errors.js';
import { bytesEqual, emptyRoot, fromHex, HASH_SIZE, nodeHash, toHex } from './hash.js';

/** An inclusion proof: the audit path of leaf `leafIndex` in the tree of `treeSize` leaves. */
export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly rootHash: Uint8Array;
  /** Deepest sibling first (RFC 9162 order). */
  readonly path: readonly Uint8Array[];
}

/** A consistency proof: the tree of `newSize` leaves extends the tree of `oldSize` leaves. */
export interface ConsistencyProof {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Uint8Array;
  readonly newRoot: Uint8Array;
  readonly path: readonly Uint8Array[];
}

/** JSON of an inclusion proof, hashes in lowercase hex: what `aequa ledger prove N --format json` prints. */
export interface InclusionProofJSON {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly path: readonly string[];
}

/** JSON of a consistency proof: what `aequa ledger consistency OLD NEW --format json` prints. */
export interface ConsistencyProofJSON {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: string;
  readonly newRoot: string;
  readonly path: readonly string[];
}

function checkSize(v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new ProofError(`${what} must be a non-negative integer, got ${String(v)}.`, { [what]: v });
}

function checkHash(h: Uint8Array, what: string): void {
  if (h.length !== HASH_SIZE)
    throw new ProofError(`${what} must be a ${HASH_SIZE}-byte SHA-256 hash, got ${h.length} bytes.`);
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1–5, without the final comparison).
 * @throws {AEQ_LEDGER_PROOF_INVALID} when the index is out of range or the path has the wrong length
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  path: readonly Uint8Array[],
): Uint8Array {
  checkSize(leafIndex, 'leafIndex');
  checkSize(treeSize, 'treeSize');
  checkHash(leafHash, 'leafHash');
  if (leafIndex >= treeSize)
    throw new ProofError(`Leaf index ${leafIndex} is not in a tree of size ${treeSize}.`, {
      leafIndex,
      treeSize,
    });
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    checkHash(p, `path[${i}]`);
    if (sn === 0)
      throw new ProofError(
        `The inclusion proof for leaf ${leafIndex} in a tree of size ${treeSize} is too long: ${path.length} hashes.`,
        { leafIndex, treeSize, length: path.length },
      );
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0)
    throw new ProofError(
      `The inclusion proof for leaf ${leafIndex} in a tree of size ${treeSize} is too short: ${path.length} hashes.`,
      { leafIndex, treeSize, length: path.length },
    );
  return r;
}

/**
 * Verifies that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves whose root is `rootHash`.
 *
 * @throws {AEQ_LEDGER_ROOT_MISMATCH} RootMismatchError (with `expected` and `computed`) when the proof leads elsewhere
 * @throws {AEQ_LEDGER_PROOF_INVALID} when the proof's shape does not fit the index and size
 * @example verifyInclusion(proof) // returns nothing, or throws
 */
export function verifyInclusion(proof: InclusionProof): void {
  checkHash(proof.rootHash, 'rootHash');
  const computed = rootFromInclusionProof(proof.leafIndex, proof.treeSize, proof.leafHash, proof.path);
  if (!bytesEqual(computed, proof.rootHash))
    throw new RootMismatchError(
      `The inclusion proof of leaf ${proof.leafIndex} in the tree of size ${proof.treeSize} does not lead to its root`,
      proof.rootHash,
      computed,
      { leafIndex: proof.leafIndex, treeSize: proof.treeSize },
    );
}

/**
 * The old and new roots a consistency proof leads to (RFC 9162 §2.1.4.2 steps 1–6). Requires
 * 0 < oldSize < newSize; the trivial cases are handled by {@link verifyConsistency}.
 * @throws {AEQ_LEDGER_PROOF_INVALID} when the proof has the wrong length for the sizes
 */
export function rootsFromConsistencyProof(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  path: readonly Uint8Array[],
): { oldRoot: Uint8Array; newRoot: Uint8Array } {
  const bad = (why: string) =>
    new ProofError(`The consistency proof from size ${oldSize} to ${newSize} ${why}.`, {
      oldSize,
      newSize,
      length: path.length,
    });
  if (!(0 < oldSize && oldSize < newSize)) throw bad('needs 0 < old size < new size');
  if (path.length === 0) throw bad('is empty');
  for (let i = 0; i < path.length; i++) checkHash(path[i]!, `path[${i}]`);
  // Step 2: when the old tree is a complete subtree, its root is the first node of the path.
  const nodes = isPow2(oldSize) ? [oldRoot, ...path] : path;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = nodes[0]!;
  let sr = nodes[0]!;
  for (let i = 1; i < nodes.length; i++) {
    const c = nodes[i]!;
    if (sn === 0) throw bad(`is too long (${path.length} hashes)`);
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw bad(`is too short (${path.length} hashes)`);
  return { oldRoot: fr, newRoot: sr };
}

function isPow2(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/**
 * Verifies that the tree of `newSize` leaves with root `newRoot` is an append-only extension of the
 * tree of `oldSize` leaves with root `oldRoot` (RFC 9162 §2.1.4.2). Trivial cases, as RFC 9162
 * leaves them to the caller: oldSize = newSize needs an empty proof and equal roots; oldSize = 0
 * needs an empty proof and the empty-tree root as `oldRoot`.
 *
 * @throws {AEQ_LEDGER_ROOT_MISMATCH} RootMismatchError naming which root (old or new) did not match
 * @throws {AEQ_LEDGER_PROOF_INVALID} when sizes are out of order or the proof has the wrong shape
 * @example verifyConsistency(proof) // returns nothing, or throws
 */
export function verifyConsistency(proof: ConsistencyProof): void {
  const { oldSize, newSize, oldRoot, newRoot, path } = proof;
  checkSize(oldSize, 'oldSize');
  checkSize(newSize, 'newSize');
  checkHash(oldRoot, 'oldRoot');
  checkHash(newRoot, 'newRoot');
  if (oldSize > newSize)
    throw new ProofError(`The old size ${oldSize} is larger than the new size ${newSize}.`, {
      oldSize,
      newSize,
    });
  if (oldSize === newSize || oldSize === 0) {
    if (path.length !== 0)
      throw new ProofError(
        `A consistency proof from size ${oldSize} to ${newSize} must be empty, got ${path.length} hashes.`,
        { oldSize, newSize, length: path.length },
      );
    if (oldSize === 0) {
      if (!bytesEqual(oldRoot, emptyRoot()))
        throw new RootMismatchError('The old root of an empty tree', emptyRoot(), oldRoot, { oldSize });
      return;
    }
    if (!bytesEqual(oldRoot, newRoot))
      throw new RootMismatchError(
        `Two trees of the same size ${oldSize} have different roots`,
        oldRoot,
        newRoot,
        {
          oldSize,
          newSize,
        },
      );
    return;
  }
  const r = rootsFromConsistencyProof(oldSize, newSize, oldRoot, path);
  if (!bytesEqual(r.oldRoot, oldRoot))
    throw new RootMismatchError(
      `The consistency proof from size ${oldSize} to ${newSize} does not lead to the old root`,
      oldRoot,
      r.oldRoot,
      { oldSize, newSize, which: 'old' },
    );
  if (!bytesEqual(r.newRoot, newRoot))
    throw new RootMismatchError(
      `The consistency proof from size ${oldSize} to ${newSize} does not lead to the new root`,
      newRoot,
      r.newRoot,
      { oldSize, newSize, which: 'new' },
    );
}

/**
 * The JSON form of an inclusion proof (hashes in lowercase hex).
 * @example inclusionProofToJSON(p) // { leafIndex: 0, treeSize: 8, leafHash: '6e34…', rootHash: '5dc9…', path: ['96a2…', …] }
 */
export function inclusionProofToJSON(p: InclusionProof): InclusionProofJSON {
  return {
    leafIndex: p.leafIndex,
    treeSize: p.treeSize,
    leafHash: toHex(p.leafHash),
    rootHash: toHex(p.rootHash),
    path: p.path.map(toHex),
  };
}

/** Parses the JSON form of an inclusion proof. @throws {AEQ_INVALID_ARGUMENT} on bad hex */
export function inclusionProofFromJSON(j: InclusionProofJSON): InclusionProof {
  return {
    leafIndex: j.leafIndex,
    treeSize: j.treeSize,
    leafHash: fromHex(j.leafHash, 'leafHash'),
    rootHash: fromHex(j.rootHash, 'rootHash'),
    path: j.path.map((h, i) => fromHex(h, `path[${i}]`)),
  };
}

/**
 * The JSON form of a consistency proof (hashes in lowercase hex).
 * @example consistencyProofToJSON(p) // { oldSize: 6, newSize: 8, oldRoot: '76e6…', newRoot: '5dc9…', path: [...] }
 */
export function consistencyProofToJSON(p: ConsistencyProof): ConsistencyProofJSON {
  return {
    oldSize: p.oldSize,
    newSize: p.newSize,
    oldRoot: toHex(p.oldRoot),
    newRoot: toHex(p.newRoot),
    path: p.path.map(toHex),
  };
}

/** Parses the JSON form of a consistency proof. @throws {AEQ_INVALID_ARGUMENT} on bad hex */
export function consistencyProofFromJSON(j: ConsistencyProofJSON): ConsistencyProof {
  return {
    oldSize: j.oldSize,
    newSize: j.newSize,
    oldRoot: fromHex(j.oldRoot, 'oldRoot'),
    newRoot: fromHex(j.newRoot, 'newRoot'),
    path: j.path.map((h, i) => fromHex(h, `path[${i}]`)),
  };
}
