/**
 * @module accountability/responsibility/error-tree
 * An error-analysis tree: a shallow regression tree grown on the per-row loss (an error indicator
 * or a loss), so that its leaves are readable slices of the data where the model fails most or
 * least. Splits are one bin against the rest (categories, missing) or a threshold between
 * ordered bins (numbers), chosen by the largest reduction of the squared error of the loss.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { type Interval, normalQuantile, wilsonInterval } from '../../metrics/index.js';
import { binFeature, type FeatureBins } from './bins.js';
import { checkLoss } from './slices.js';

/** Options of {@link errorTree}. */
export interface ErrorTreeOptions {
  /** @default every column of the table */
  readonly features?: readonly string[];
  /** @default 3 */
  readonly maxDepth?: number;
  /** Smallest leaf. @default 30 */
  readonly minLeaf?: number;
  /** Bins per number column (threshold candidates). @default 8 */
  readonly maxBins?: number;
  /** @default 0.95 */
  readonly confidence?: number;
}

/** A node of the tree: the rows reached by `path`. */
export interface ErrorTreeNode {
  /** Predicates from the root, e.g. ['age < 31', 'sex = Female']. */
  readonly path: readonly string[];
  readonly size: number;
  readonly loss: number;
  readonly interval: Interval | null;
  /** Present on inner nodes: the feature split on and the two children (the `yes` side first). */
  readonly split?: { readonly feature: string; readonly gain: number };
  readonly children?: readonly [ErrorTreeNode, ErrorTreeNode];
}

interface Split {
  feature: number;
  /** A row goes left when inLeft[code] is 1. */
  inLeft: Uint8Array;
  yes: string;
  no: string;
  gain: number;
}

/**
 * Grows the error-analysis tree.
 * @example errorTree(table, errors, { maxDepth: 2 }).children?.[0].path // ['age < 31']
 */
export function errorTree(table: Table, loss: ArrayLike<number>, opts: ErrorTreeOptions = {}): ErrorTreeNode {
  const fn = 'errorTree';
  const binary = checkLoss(fn, table, loss);
  const maxDepth = opts.maxDepth ?? 3;
  const minLeaf = opts.minLeaf ?? 30;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(maxDepth) || maxDepth < 0)
    throw new InvalidArgumentError(fn, 'maxDepth', maxDepth, 'an integer ≥ 0');
  if (!(minLeaf >= 1)) throw new InvalidArgumentError(fn, 'minLeaf', minLeaf, 'a number ≥ 1');
  const bins = (opts.features ?? table.names).map((f) => binFeature(table, f, opts.maxBins ?? 8));
  const all = new Uint32Array(table.nrows);
  for (let i = 0; i < all.length; i++) all[i] = i;

  const summary = (rows: Uint32Array): { loss: number; interval: Interval | null } => {
    let s = 0;
    let ss = 0;
    for (const i of rows) {
      s += loss[i]!;
      ss += loss[i]! * loss[i]!;
    }
    const m = rows.length;
    const mean = s / m;
    if (binary) return { loss: mean, interval: wilsonInterval(s, m, confidence) };
    if (m < 2) return { loss: mean, interval: null };
    const sd = Math.sqrt(Math.max(0, (ss - m * mean * mean) / (m - 1)) / m);
    const z = normalQuantile(0.5 + confidence / 2);
    return { loss: mean, interval: [mean - z * sd, mean + z * sd] };
  };

  const grow = (rows: Uint32Array, path: string[], depth: number): ErrorTreeNode => {
    const node = { path, size: rows.length, ...summary(rows) };
    if (depth >= maxDepth || rows.length < 2 * minLeaf) return node;
    const split = bestSplit(bins, rows, loss, minLeaf);
    if (!split) return node;
    const codes = bins[split.feature]!.codes;
    let nl = 0;
    for (const i of rows) nl += split.inLeft[codes[i]!]!;
    const left = new Uint32Array(nl);
    const right = new Uint32Array(rows.length - nl);
    let a = 0;
    let b = 0;
    for (const i of rows) {
      if (split.inLeft[codes[i]!]) left[a++] = i;
      else right[b++] = i;
    }
    return {
      ...node,
      split: { feature: bins[split.feature]!.feature, gain: split.gain },
      children: [grow(left, [...path, split.yes], depth + 1), grow(right, [...path, split.no], depth + 1)],
    };
  };
  return grow(all, [], 0);
}

function bestSplit(
  bins: readonly FeatureBins[],
  rows: Uint32Array,
  loss: ArrayLike<number>,
  minLeaf: number,
): Split | null {
  let total = 0;
  for (const i of rows) total += loss[i]!;
  const n = rows.length;
  let best: Split | null = null;
  // Gain = SSE(parent) − SSE(left) − SSE(right) = nl·nr/n · (mean_l − mean_r)².
  const consider = (f: number, inLeft: Uint8Array, nl: number, sl: number, yes: string, no: string) => {
    const nr = n - nl;
    if (nl < minLeaf || nr < minLeaf) return;
    const d = sl / nl - (total - sl) / nr;
    const gain = ((nl * nr) / n) * d * d;
    if (gain > 1e-12 && (!best || gain > best.gain + 1e-12)) best = { feature: f, inLeft, yes, no, gain };
  };
  for (let f = 0; f < bins.length; f++) {
    const b = bins[f]!;
    const k = b.labels.length;
    const cn = new Float64Array(k);
    const cs = new Float64Array(k);
    for (const i of rows) {
      cn[b.codes[i]!]!++;
      cs[b.codes[i]!]! += loss[i]!;
    }
    for (let c = 0; c < k; c++) {
      // One bin against the rest: categories and the missing bin (ordered bins split at thresholds below).
      if (cn[c] === 0 || (b.ordered && c !== b.missingBin)) continue;
      const inLeft = new Uint8Array(k);
      inLeft[c] = 1;
      const label = b.labels[c]!;
      const negation = label.endsWith(' missing')
        ? `${b.feature} not missing`
        : label.replace(`${b.feature} = `, `${b.feature} ≠ `);
      consider(f, inLeft, cn[c]!, cs[c]!, label, negation);
    }
    if (b.ordered) {
      const last = b.missingBin >= 0 ? k - 1 : k; // bins 0..last-1 are ordered
      let nl = 0;
      let sl = 0;
      for (let t = 0; t < last - 1; t++) {
        nl += cn[t]!;
        sl += cs[t]!;
        const inLeft = new Uint8Array(k);
        for (let c = 0; c <= t; c++) inLeft[c] = 1;
        const yes = thresholdLabel(b, t, true);
        const no = thresholdLabel(b, t, false);
        consider(f, inLeft, nl, sl, yes, no);
      }
    }
  }
  return best;
}

/** "age < 40" for the bins 0..t of an ordered feature, or its negation "age ≥ 40" (missing cells go to the negation). */
function thresholdLabel(b: FeatureBins, t: number, below: boolean): string {
  const edge = fmt(b.edges[t]!);
  if (below) return `${b.feature} < ${edge}`;
  return b.missingBin >= 0 ? `${b.feature} ≥ ${edge} or missing` : `${b.feature} ≥ ${edge}`;
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));
