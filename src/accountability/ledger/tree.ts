/**
 * @module accountability/ledger/tree
 * An append-only Merkle tree (RFC 9162 §2.1.1, https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1)
 * that keeps the hash of every perfect, aligned subtree in flat per-level buffers (the "compact
 * range" idea of transparency-dev/merkle). Appending costs amortised O(1) hashes; the root of any
 * size, and inclusion (§2.1.3.1) and consistency (§2.1.4.1) proofs, cost O(log n) hashes.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { emptyRoot, HASH_SIZE, leafHash as hashLeaf, nodeHash, nodeHashOfPair } from './hash.js';

/** The largest power of two strictly below n (n ≥ 2): the split point k of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPow2(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/**
 * An in-memory RFC 6962 Merkle tree over leaf hashes. Use it to compute roots and proofs over a
 * log held elsewhere (the file store keeps one); memory is about 64 bytes per leaf.
 *
 * @example
 * const t = new MerkleTree();
 * t.appendData(new Uint8Array([])); // 0
 * toHex(t.root()) // '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
 */
export class MerkleTree {
  /** levels[h] holds the hashes of the perfect subtrees of 2^h leaves, left to right, 32 bytes each. */
  #levels: Buffer[] = [];
  #size = 0;

  /** Builds a tree from leaf hashes (each 32 bytes). */
  static fromLeafHashes(hashes: Iterable<Uint8Array>): MerkleTree {
    const t = new MerkleTree();
    for (const h of hashes) t.append(h);
    return t;
  }

  /** Number of leaves. */
  get size(): number {
    return this.#size;
  }

  /** Appends a leaf by its hash; returns its index. */
  append(leaf: Uint8Array): number {
    if (leaf.length !== HASH_SIZE)
      throw new InvalidArgumentError('MerkleTree.append', 'leaf', `${leaf.length} bytes`, 'a 32-byte hash');
    const index = this.#size;
    this.#put(0, index, leaf);
    let h = 0;
    let j = index;
    while (j % 2 === 1) {
      // Siblings j - 1 and j sit side by side in the level's buffer.
      const parent = nodeHashOfPair(this.#levels[h]!, (j - 1) * HASH_SIZE);
      h++;
      j = (j - 1) / 2;
      this.#put(h, j, parent);
    }
    this.#size++;
    return index;
  }

  /** Appends a leaf by its data (hashed as SHA-256(0x00 ‖ data)); returns its index. */
  appendData(data: Uint8Array): number {
    return this.append(hashLeaf(data));
  }

  /** The hash of leaf i (a view, do not modify). */
  leafHash(i: number): Uint8Array {
    this.#checkIndex('leafHash', 'index', i, this.#size - 1);
    return this.#get(0, i);
  }

  /**
   * MTH of the first `size` leaves (default: all). O(log n) hashes.
   * @throws {AEQ_INVALID_ARGUMENT} when size is not an integer in [0, this.size]
   */
  root(size: number = this.#size): Uint8Array {
    this.#checkIndex('root', 'size', size, this.#size);
    return this.rangeHash(0, size);
  }

  /** MTH(D[start:end]) over the leaves in [start, end). */
  rangeHash(start: number, end: number): Uint8Array {
    const n = end - start;
    if (n === 0) return emptyRoot();
    if (isPow2(n) && start % n === 0) return this.#get(Math.round(Math.log2(n)), start / n);
    const k = splitPoint(n);
    return nodeHash(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  /**
   * The audit path PATH(m, D[0:n]) of RFC 9162 §2.1.3.1, deepest node first.
   * @throws {AEQ_INVALID_ARGUMENT} unless 0 ≤ index < size ≤ this.size
   */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    this.#checkIndex('inclusionProof', 'size', size, this.#size);
    this.#checkIndex('inclusionProof', 'index', index, size - 1);
    const out: Uint8Array[] = [];
    this.#path(index, 0, size, out);
    return out;
  }

  /**
   * The consistency proof PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1 between sizes m ≤ n.
   * Empty when m = 0 or m = n.
   * @throws {AEQ_INVALID_ARGUMENT} unless 0 ≤ oldSize ≤ newSize ≤ this.size
   */
  consistencyProof(oldSize: number, newSize: number = this.#size): Uint8Array[] {
    this.#checkIndex('consistencyProof', 'newSize', newSize, this.#size);
    this.#checkIndex('consistencyProof', 'oldSize', oldSize, newSize);
    const out: Uint8Array[] = [];
    if (oldSize === 0 || oldSize === newSize) return out;
    this.#subproof(oldSize, 0, newSize, true, out);
    return out;
  }

  #path(m: number, start: number, end: number, out: Uint8Array[]): void {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < start + k) {
      this.#path(m, start, start + k, out);
      out.push(this.rangeHash(start + k, end));
    } else {
      this.#path(m, start + k, end, out);
      out.push(this.rangeHash(start, start + k));
    }
  }

  #subproof(m: number, start: number, end: number, complete: boolean, out: Uint8Array[]): void {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push(this.rangeHash(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.#subproof(m, start, start + k, complete, out);
      out.push(this.rangeHash(start + k, end));
    } else {
      this.#subproof(m - k, start + k, end, false, out);
      out.push(this.rangeHash(start, start + k));
    }
  }

  #checkIndex(fn: string, arg: string, v: number, max: number): void {
    if (!Number.isSafeInteger(v) || v < 0 || v > max)
      throw new InvalidArgumentError(
        `MerkleTree.${fn}`,
        arg,
        v,
        max < 0 ? 'an index into a non-empty tree' : `an integer in [0, ${max}]`,
      );
  }

  #get(h: number, j: number): Uint8Array {
    const buf = this.#levels[h]!;
    return new Uint8Array(buf.buffer, buf.byteOffset + j * HASH_SIZE, HASH_SIZE);
  }

  #put(h: number, j: number, hash: Uint8Array): void {
    let buf = this.#levels[h];
    if (buf === undefined) {
      buf = Buffer.alloc(HASH_SIZE * 64);
      this.#levels[h] = buf;
    }
    if ((j + 1) * HASH_SIZE > buf.length) {
      const bigger = Buffer.alloc(Math.max(buf.length * 2, (j + 1) * HASH_SIZE));
      bigger.set(buf);
      buf = bigger;
      this.#levels[h] = buf;
    }
    buf.set(hash, j * HASH_SIZE);
  }
}
