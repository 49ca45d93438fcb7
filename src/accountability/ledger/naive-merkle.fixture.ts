/**
 * An independent, deliberately naive reference for RFC 9162 §2.1 (https://www.rfc-editor.org/rfc/rfc9162#section-2.1):
 * MTH, PATH and SUBPROOF transcribed literally as recursive functions over the list of leaf
 * inputs, with its own SHA-256 calls. O(n) per call: for tests only. Also the mutation catalogue
 * of a proof (after transparency-dev/merkle's testdata): index ±1, size ×2 and ÷2, a bit flip in
 * each proof element, truncated, extra element, and wrong roots. Tree size ± 1 is absent on purpose:
 * RFC 9162 verification binds the tree size only through the shape of the proof, so two sizes with
 * the same shape accept the same proof; it is the signed checkpoint that binds a size to its root.
 */
import { createHash } from 'node:crypto';

const h = (...parts: Uint8Array[]): Uint8Array => {
  const c = createHash('sha256');
  for (const p of parts) c.update(p);
  return new Uint8Array(c.digest());
};

export const naiveLeaf = (d: Uint8Array): Uint8Array => h(Uint8Array.of(0), d);

/** MTH(D[n]) of leaf hashes, literally as in §2.1.1. */
export function naiveMTH(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return h();
  if (n === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return h(Uint8Array.of(1), naiveMTH(leaves.slice(0, k)), naiveMTH(leaves.slice(k)));
}

/** PATH(m, D[n]) of §2.1.3.1. */
export function naivePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  const n = leaves.length;
  if (n <= 1) return [];
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m < k) return [...naivePath(m, leaves.slice(0, k)), naiveMTH(leaves.slice(k))];
  return [...naivePath(m - k, leaves.slice(k)), naiveMTH(leaves.slice(0, k))];
}

/** PROOF(m, D[n]) of §2.1.4.1. */
export function naiveConsistency(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (m === 0 || m === leaves.length) return [];
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [naiveMTH(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m <= k) return [...subproof(m, leaves.slice(0, k), b), naiveMTH(leaves.slice(k))];
  return [...subproof(m - k, leaves.slice(k), false), naiveMTH(leaves.slice(0, k))];
}

/** Leaf input i of the synthetic test logs: the 8 bytes of i, big-endian, then "aequa". */
export function syntheticLeafInput(i: number): Uint8Array {
  const b = new Uint8Array(13);
  new DataView(b.buffer).setBigUint64(0, BigInt(i));
  b.set(new TextEncoder().encode('aequa'), 8);
  return b;
}

function flip(x: Uint8Array, bit: number): Uint8Array {
  const y = Uint8Array.from(x);
  y[bit >> 3]! ^= 1 << (bit & 7);
  return y;
}

export interface InclusionCase {
  readonly desc: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly rootHash: Uint8Array;
  readonly path: readonly Uint8Array[];
}

/** Every mutation of a valid inclusion proof; each must fail to verify. */
export function inclusionMutations(p: InclusionCase): InclusionCase[] {
  const out: InclusionCase[] = [
    { ...p, desc: 'leafIndex + 1', leafIndex: p.leafIndex + 1 },
    { ...p, desc: 'treeSize * 2', treeSize: p.treeSize * 2 },
    { ...p, desc: 'extra element', path: [...p.path, p.leafHash] },
    { ...p, desc: 'wrong leaf', leafHash: flip(p.leafHash, 0) },
    { ...p, desc: 'wrong root', rootHash: flip(p.rootHash, 255) },
  ];
  if (p.treeSize > 1) out.push({ ...p, desc: 'root is the leaf', rootHash: p.leafHash });
  if (p.leafIndex > 0) out.push({ ...p, desc: 'leafIndex - 1', leafIndex: p.leafIndex - 1 });
  if (p.treeSize > 1) out.push({ ...p, desc: 'treeSize / 2', treeSize: Math.floor(p.treeSize / 2) });
  if (p.path.length > 0) {
    out.push({ ...p, desc: 'truncated', path: p.path.slice(0, -1) });
    out.push({ ...p, desc: 'first element removed', path: p.path.slice(1) });
    out.push({ ...p, desc: 'element prepended', path: [p.rootHash, ...p.path] });
  }
  p.path.forEach((_, j) => {
    for (const bit of [0, 77, 255])
      out.push({
        ...p,
        desc: `bit ${bit} of path[${j}]`,
        path: p.path.map((x, k) => (k === j ? flip(x, bit) : x)),
      });
  });
  return out;
}

export interface ConsistencyCase {
  readonly desc: string;
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Uint8Array;
  readonly newRoot: Uint8Array;
  readonly path: readonly Uint8Array[];
}

/** Every mutation of a valid consistency proof (0 < old < new); each must fail to verify. */
export function consistencyMutations(p: ConsistencyCase): ConsistencyCase[] {
  const out: ConsistencyCase[] = [
    { ...p, desc: 'oldSize + 1', oldSize: p.oldSize + 1 },
    { ...p, desc: 'oldSize - 1', oldSize: p.oldSize - 1 },
    { ...p, desc: 'newSize * 2', newSize: p.newSize * 2 },
    { ...p, desc: 'swapped roots', oldRoot: p.newRoot, newRoot: p.oldRoot },
    { ...p, desc: 'wrong old root', oldRoot: flip(p.oldRoot, 3) },
    { ...p, desc: 'wrong new root', newRoot: flip(p.newRoot, 200) },
    { ...p, desc: 'empty proof', path: [] },
    { ...p, desc: 'truncated', path: p.path.slice(0, -1) },
    { ...p, desc: 'extra element', path: [...p.path, p.newRoot] },
    { ...p, desc: 'element prepended', path: [p.oldRoot, ...p.path] },
  ];
  p.path.forEach((_, j) => {
    for (const bit of [0, 130, 255])
      out.push({
        ...p,
        desc: `bit ${bit} of path[${j}]`,
        path: p.path.map((x, k) => (k === j ? flip(x, bit) : x)),
      });
  });
  return out;
}
