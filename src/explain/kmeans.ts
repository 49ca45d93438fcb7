/**
 * @module explain/kmeans
 * Background summarisation for KernelSHAP (Lundberg & Lee 2017, https://arxiv.org/abs/1705.07874,
 * as in shap's `kmeans(data, k)`): weighted k-means (k-means++ seeding, Arthur & Vassilvitskii 2007,
 * https://dl.acm.org/doi/10.5555/1283383.1283494, then Lloyd iterations) on the rows encoded as numbers
 * (standardised numbers, one-hot categories scaled by 1/√2 so two levels are at distance 1), each
 * cluster represented by its real row nearest to the centroid (so categories stay valid levels) and
 * weighted by the cluster's size. Hand-written: a few dozen lines, and it must be seeded by our Rng.
 */
import { InvalidArgumentError, type Rng } from '../core/index.js';
import { isValidAt, type Table } from '../data/index.js';

/** A weighted summary of a background table. */
export interface BackgroundSummary {
  /** Indices of the representative rows in the background. */
  readonly rows: Uint32Array;
  /** Share of background rows each representative stands for (sums to 1). */
  readonly weights: Float64Array;
  /** The representative rows. */
  readonly table: Table;
}

function encode(table: Table, columns: readonly string[]): { x: Float64Array; p: number } {
  const n = table.nrows;
  const blocks: { col: ReturnType<Table['column']>; width: number; mean: number; sd: number }[] = [];
  let p = 0;
  for (const name of columns) {
    const col = table.column(name);
    if (col.kind === 'category') {
      blocks.push({ col, width: col.levels.length, mean: 0, sd: 1 });
      p += col.levels.length;
      continue;
    }
    let s = 0;
    let s2 = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (!isValidAt(col, i)) continue;
      const v = col.values[i]!;
      s += v;
      s2 += v * v;
      m++;
    }
    const mean = m > 0 ? s / m : 0;
    const sd = m > 0 ? Math.sqrt(Math.max(0, s2 / m - mean * mean)) : 0;
    blocks.push({ col, width: 1, mean, sd: sd > 0 ? sd : 1 });
    p += 1;
  }
  const x = new Float64Array(n * p);
  let off = 0;
  for (const b of blocks) {
    const c = b.col;
    for (let i = 0; i < n; i++) {
      if (!isValidAt(c, i)) continue; // missing: the centre (0), or no level
      if (c.kind === 'category') {
        const code = c.codes[i]!;
        if (code >= 0) x[i * p + off + code] = Math.SQRT1_2;
      } else x[i * p + off] = (c.values[i]! - b.mean) / b.sd;
    }
    off += b.width;
  }
  return { x, p };
}

function dist2(x: Float64Array, i: number, c: Float64Array, j: number, p: number): number {
  let s = 0;
  const a = i * p;
  const b = j * p;
  for (let t = 0; t < p; t++) {
    const d = x[a + t]! - c[b + t]!;
    s += d * d;
  }
  return s;
}

/**
 * Summarises `background` by `k` weighted representative rows.
 * @param background the rows to summarise.
 * @param k number of clusters (at most the number of rows; fewer if rows coincide).
 * @param rng seeded generator (the same seed gives the same summary).
 * @throws {AEQ_INVALID_ARGUMENT} when k is not a positive integer.
 * @example kmeans(adult, 10, seededRng(1)).weights.length // 10
 */
export function kmeans(
  background: Table,
  k: number,
  rng: Rng,
  opts: { readonly columns?: readonly string[]; readonly maxIter?: number } = {},
): BackgroundSummary {
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('kmeans', 'k', k, 'a positive integer');
  const n = background.nrows;
  const columns = opts.columns ?? background.names;
  const maxIter = opts.maxIter ?? 50;
  if (n <= k) {
    const rows = Uint32Array.from({ length: n }, (_, i) => i);
    return { rows, weights: new Float64Array(n).fill(1 / n), table: background.take(rows) };
  }
  const { x, p } = encode(background, columns);
  // k-means++ seeding.
  const centres = new Float64Array(k * p);
  const d2 = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const first = Math.floor(rng.nextFloat64() * n);
  centres.set(x.subarray(first * p, first * p + p), 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = dist2(x, i, centres, c - 1, p);
      if (v < d2[i]!) d2[i] = v;
      total += d2[i]!;
    }
    let pick = n - 1;
    if (total > 0) {
      let u = rng.nextFloat64() * total;
      for (let i = 0; i < n; i++) {
        u -= d2[i]!;
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else pick = Math.floor(rng.nextFloat64() * n);
    centres.set(x.subarray(pick * p, pick * p + p), c * p);
  }
  // Lloyd iterations.
  const assign = new Int32Array(n).fill(-1);
  const size = new Float64Array(k);
  for (let it = 0; it < maxIter; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const v = dist2(x, i, centres, c, p);
        if (v < bestD) {
          bestD = v;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed++;
      }
    }
    if (changed === 0) break;
    centres.fill(0);
    size.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      size[c] = size[c]! + 1;
      for (let t = 0; t < p; t++) centres[c * p + t] = centres[c * p + t]! + x[i * p + t]!;
    }
    for (let c = 0; c < k; c++) {
      if (size[c] === 0) continue;
      for (let t = 0; t < p; t++) centres[c * p + t] = centres[c * p + t]! / size[c]!;
    }
  }
  size.fill(0);
  for (let i = 0; i < n; i++) size[assign[i]!] = size[assign[i]!]! + 1;
  // Representatives: the real row nearest to each non-empty centroid.
  const rows: number[] = [];
  const weights: number[] = [];
  for (let c = 0; c < k; c++) {
    if (size[c] === 0) continue;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (assign[i] !== c) continue;
      const v = dist2(x, i, centres, c, p);
      if (v < bestD) {
        bestD = v;
        best = i;
      }
    }
    rows.push(best);
    weights.push(size[c]! / n);
  }
  const idx = Uint32Array.from(rows);
  return { rows: idx, weights: Float64Array.from(weights), table: background.take(idx) };
}
