/**
 * @module bias/discretize
 * Turns a column into small integer codes so that distributions can be counted: category levels as
 * they are, booleans as false/true, numbers as their distinct values when there are few of them and
 * otherwise as quantile bins of the whole column (equal-frequency bins, the usual choice for
 * plug-in estimates of divergence and mutual information; Paninski 2003, https://doi.org/10.1162/089976603321780272).
 */
import { InvalidArgumentError } from '../core/index.js';
import type { Column } from '../data/index.js';

/** A column as codes 0 … levels.length − 1, −1 where the cell is missing. */
export interface Discretized {
  readonly kind: Column['kind'];
  readonly codes: Int32Array;
  readonly levels: readonly string[];
  /** For number columns: whether levels are bins (true) or the distinct values themselves. */
  readonly binned: boolean;
}

/** Options of {@link discretize}. */
export interface DiscretizeOptions {
  /** Number of quantile bins for a number column with many distinct values. @default 10 */
  readonly bins?: number;
  /** A number column with at most this many distinct values keeps each value as a level. @default 20 */
  readonly maxDistinct?: number;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/**
 * Codes a column for counting. Category codes and booleans are kept; a number column with at most
 * `maxDistinct` distinct values gets one level per value (ascending), otherwise `bins` quantile bins
 * with edges at the j/bins quantiles of its valid values (duplicate edges merged, so heavy ties give
 * fewer bins). Bin i holds values in [edgeᵢ, edgeᵢ₊₁), the last one up to the maximum.
 *
 * @throws {AEQ_INVALID_ARGUMENT} when bins < 2 or maxDistinct < 1.
 * @example discretize(numberColumn([1, 2, 2, 9]), {}).levels // ['1', '2', '9']
 */
export function discretize(col: Column, opts: DiscretizeOptions = {}): Discretized {
  const bins = opts.bins ?? 10;
  const maxDistinct = opts.maxDistinct ?? 20;
  if (!Number.isInteger(bins) || bins < 2)
    throw new InvalidArgumentError('discretize', 'bins', bins, 'an integer ≥ 2');
  if (!Number.isInteger(maxDistinct) || maxDistinct < 1)
    throw new InvalidArgumentError('discretize', 'maxDistinct', maxDistinct, 'an integer ≥ 1');
  const valid = col.valid;
  if (col.kind === 'category') {
    const codes = Int32Array.from(col.codes);
    if (valid !== null) for (let i = 0; i < codes.length; i++) if (!valid.isValid(i)) codes[i] = -1;
    return { kind: 'category', codes, levels: col.levels, binned: false };
  }
  if (col.kind === 'boolean') {
    const codes = new Int32Array(col.values.length);
    for (let i = 0; i < codes.length; i++)
      codes[i] = valid !== null && !valid.isValid(i) ? -1 : col.values[i]!;
    return { kind: 'boolean', codes, levels: ['false', 'true'], binned: false };
  }
  const n = col.values.length;
  const sorted = validSorted(col);
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length && distinct.length <= maxDistinct; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  let edges: number[];
  let levels: string[];
  let binned: boolean;
  if (distinct.length <= maxDistinct) {
    edges = distinct;
    levels = distinct.map(fmt);
    binned = false;
  } else {
    edges = [];
    for (let j = 0; j < bins; j++) {
      const e = sorted[Math.floor((j * sorted.length) / bins)]!;
      if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
    }
    const max = sorted[sorted.length - 1]!;
    levels = edges.map((e, k) =>
      k + 1 < edges.length ? `[${fmt(e)}, ${fmt(edges[k + 1]!)})` : `[${fmt(e)}, ${fmt(max)}]`,
    );
    binned = true;
  }
  const codes = new Int32Array(n);
  const ed = Float64Array.from(edges);
  for (let i = 0; i < n; i++) {
    if (valid !== null && !valid.isValid(i)) {
      codes[i] = -1;
      continue;
    }
    codes[i] = lastAtMost(ed, col.values[i]!);
  }
  return { kind: 'number', codes, levels, binned };
}

/** Index of the last edge ≤ x (0 when x is below every edge). */
function lastAtMost(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (edges[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The valid values of a number column, sorted ascending (a new array). */
export function validSorted(col: Column & { kind: 'number' }): Float64Array {
  const valid = col.valid;
  if (valid === null) return Float64Array.from(col.values).sort();
  const out = new Float64Array(valid.count());
  let k = 0;
  for (let i = 0; i < col.values.length; i++) if (valid.isValid(i)) out[k++] = col.values[i]!;
  return out.sort();
}
