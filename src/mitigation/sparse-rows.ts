/**
 * @module mitigation/sparse-rows
 * Encoded design matrices in compressed sparse row (CSR) form, shared by the mitigation objectives
 * (fair logistic regression, LFR, the reductions' logistic oracle): one-hot columns are mostly
 * zeros, so a pass over the non-zeros replaces a pass over n × d entries.
 */
import type { Matrix } from '../models/index.js';

/** Rows in compressed sparse row form (indices ascending within a row). */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  /** Row r's entries are at [start[r], start[r + 1]). */
  readonly start: Uint32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/**
 * The non-zeros of a dense row-major matrix, row by row.
 * @example sparseRowsOf({ rows: 2, cols: 2, data: Float64Array.of(0, 3, 4, 0) }).index // Int32Array [1, 0]
 */
export function sparseRowsOf(x: Matrix): SparseRows {
  const { rows: n, cols: d, data } = x;
  let nnz = 0;
  for (let t = 0; t < data.length; t++) if (data[t] !== 0) nnz++;
  const start = new Uint32Array(n + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  for (let i = 0, k = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      if (v !== 0) {
        index[k] = j;
        value[k++] = v;
      }
    }
    start[i + 1] = k;
  }
  return { rows: n, cols: d, start, index, value };
}
