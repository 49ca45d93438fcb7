/**
 * @module metrics/producers/memory
 * The in-memory statistics producer (DESIGN idea 1, "sufficient statistics first"): a typed-array
 * kernel that turns a `Table` into a `StatsCube` in one pass over the rows. Grouping columns become
 * integer codes combined in mixed radix into one cell index per row (the group-codes idea of
 * arquero's groupby, https://github.com/uwdata/arquero); weighted sums are Neumaier-compensated
 * (https://doi.org/10.1002/zamm.19740540106). Hand-written: no library computes grouped, weighted
 * confusion counts over typed arrays without per-row objects.
 */

import { AequaError, InvalidArgumentError, listSome } from '../../core/index.js';
import { type Column, compareCodePoints, type Table } from '../../data/index.js';
import type {
  ClassMatrix,
  Confusion,
  RegressionMoments,
  ScoreHistogram,
  StatsCell,
  StatsCube,
  Task,
} from '../stats/types.js';
import type { StatsProducer, StatsSpec } from './types.js';

/**
 * Cells of the dense accumulator above which the per-row cell index is compacted to the
 * combinations that occur (64 bytes per cell: a million cells is 64 MB of accumulators).
 */
const DENSE_CELL_LIMIT = 1 << 20;

/** Positive values used when a binary spec gives none: the numbers 1 and the boolean true. */
export const DEFAULT_POSITIVE: readonly string[] = Object.freeze(['1', 'true']);

/** What a column is used as; printed in messages. */
export type ColumnRole = 'label' | 'prediction' | 'score' | 'weight' | 'dimension';

/** A `StatsSpec` checked and completed with its defaults; shared by the memory and SQL producers. */
export interface ResolvedSpec {
  readonly task: Task;
  readonly label: string;
  readonly prediction: string | null;
  /** The score column (binary only): thresholded when there is no prediction, and histogrammed. */
  readonly score: string | null;
  readonly threshold: number | null;
  /** Positive label/prediction values (binary); [] for other tasks. */
  readonly positive: readonly string[];
  readonly dims: readonly string[];
  readonly weight: string | null;
  readonly dropMissing: boolean;
  /** Columns whose missing cells drop (or reject) the row, with their roles, in message order. */
  readonly required: readonly (readonly [string, ColumnRole])[];
}

/**
 * Checks a spec and fills in its defaults: `positive` defaults to {@link DEFAULT_POSITIVE} for a
 * binary task. Both producers call it, so both reject the same specs with the same messages.
 *
 * @param spec - the statistics to compute.
 * @param fn - the calling function's name, for messages.
 * @throws {AEQ_INVALID_ARGUMENT} when the task is unknown, the label or a dimension is not a
 *   column name, dimensions repeat, a binary task has neither a prediction nor a score with a
 *   threshold (or has both a prediction and a threshold), the threshold is not finite, or a
 *   regression/multiclass task has no prediction column or has a score.
 * @example resolveSpec({ task: 'binary', label: 'y', prediction: 'p', dims: ['sex'] }, 'memoryCube').positive
 * // ['1', 'true']
 */
export function resolveSpec(spec: StatsSpec, fn: string): ResolvedSpec {
  const task = spec.task;
  if (task !== 'binary' && task !== 'regression' && task !== 'multiclass')
    throw new InvalidArgumentError(fn, 'spec.task', task, "'binary', 'regression' or 'multiclass'");
  if (typeof spec.label !== 'string' || spec.label === '')
    throw new InvalidArgumentError(fn, 'spec.label', spec.label, 'a column name');
  if (!Array.isArray(spec.dims) || spec.dims.some((d) => typeof d !== 'string' || d === ''))
    throw new InvalidArgumentError(fn, 'spec.dims', spec.dims, 'a list of column names (possibly empty)');
  const repeated = spec.dims.filter((d, i) => spec.dims.indexOf(d) !== i);
  if (repeated.length > 0)
    throw new InvalidArgumentError(
      fn,
      'spec.dims',
      [...spec.dims],
      `distinct column names ("${repeated[0]}" repeats)`,
    );
  const prediction = spec.prediction ?? null;
  const score = spec.score ?? null;
  const threshold = spec.threshold ?? null;
  if (threshold !== null && !Number.isFinite(threshold))
    throw new InvalidArgumentError(fn, 'spec.threshold', threshold, 'a finite number');
  if (task === 'binary') {
    if (prediction !== null && threshold !== null)
      throw new InvalidArgumentError(
        fn,
        'spec.threshold',
        threshold,
        'absent when a prediction column is given (the prediction is then read, not thresholded)',
        'Pass either a prediction column or a score with a threshold.',
      );
    if (prediction === null && (score === null || threshold === null))
      throw new InvalidArgumentError(
        fn,
        score === null ? 'spec.prediction' : 'spec.threshold',
        undefined,
        score === null
          ? 'a prediction column, or a score column with a threshold'
          : 'a number to turn the score into a decision',
        'Pass --prediction COLUMN, or --score COLUMN --threshold NUMBER.',
      );
  } else {
    if (prediction === null)
      throw new InvalidArgumentError(
        fn,
        'spec.prediction',
        undefined,
        `a prediction column for a ${task} task`,
      );
    if (score !== null || threshold !== null)
      throw new InvalidArgumentError(
        fn,
        score !== null ? 'spec.score' : 'spec.threshold',
        score ?? threshold,
        `absent for a ${task} task (scores are summarised for binary tasks only)`,
      );
  }
  const weight = spec.weight ?? null;
  const required: [string, ColumnRole][] = [[spec.label, 'label']];
  if (prediction !== null) required.push([prediction, 'prediction']);
  if (score !== null) required.push([score, 'score']);
  if (weight !== null) required.push([weight, 'weight']);
  return {
    task,
    label: spec.label,
    prediction,
    score,
    threshold,
    positive: task === 'binary' ? (spec.positive ?? DEFAULT_POSITIVE) : [],
    dims: [...spec.dims],
    weight,
    dropMissing: spec.dropMissing ?? false,
    required,
  };
}

/**
 * Orders cell keys: dimension by dimension, by Unicode code point, a missing value (null) last.
 * Every producer sorts its cells with it, so equal data gives cubes in the same order.
 * @example [['b'], [null], ['a']].sort(compareCellKeys) // [['a'], ['b'], [null]]
 */
export function compareCellKeys(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = compareCodePoints(x, y);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Orders class names: numerically when both the label and the prediction are number columns
 * (so classes 2 < 10), otherwise by code point. Shared by the producers.
 * @example sortClassNames(['10', '2'], true) // ['2', '10']
 */
export function sortClassNames(names: Iterable<string>, numeric: boolean): string[] {
  const out = [...new Set(names)];
  return numeric ? out.sort((a, b) => Number(a) - Number(b)) : out.sort(compareCodePoints);
}

/** Integer codes of a column's values: `levels[codes[i]]`, with code `levels.length - 1` (level null) for missing. */
interface Coded {
  readonly codes: Int32Array;
  readonly levels: readonly (string | null)[];
}

function codeColumn(col: Column, n: number): Coded {
  const valid = col.valid;
  if (col.kind === 'category') {
    const missing = col.levels.length;
    const levels = [...col.levels, null];
    if (valid === null) return { codes: col.codes, levels };
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = valid.isValid(i) ? col.codes[i]! : missing;
    return { codes, levels };
  }
  if (col.kind === 'boolean') {
    const codes = new Int32Array(n);
    const v = col.values;
    for (let i = 0; i < n; i++) codes[i] = valid === null || valid.isValid(i) ? v[i]! : 2;
    return { codes, levels: ['false', 'true', null] };
  }
  // Numbers go through a dictionary keyed by value; Map keys compare with SameValueZero, so -0 and
  // 0 share a code, as their string forms do. Non-finite values were rejected before.
  const dict = new Map<number, number>();
  const codes = new Int32Array(n);
  const v = col.values;
  const pending: number[] = [];
  for (let i = 0; i < n; i++) {
    if (valid !== null && !valid.isValid(i)) {
      codes[i] = -1;
      continue;
    }
    const x = v[i]!;
    let c = dict.get(x);
    if (c === undefined) {
      c = dict.size;
      dict.set(x, c);
      pending.push(x);
    }
    codes[i] = c;
  }
  const missing = dict.size;
  for (let i = 0; i < n; i++) if (codes[i] === -1) codes[i] = missing;
  return { codes, levels: [...pending.map((x) => String(x)), null] };
}

/** One cell index per row (mixed radix over the dimension codes, first dimension most significant). */
function cellIndex(dims: readonly Coded[], n: number): { cell: Int32Array; card: number } {
  let product = 1;
  for (const d of dims) product *= d.levels.length;
  if (dims.length === 1 && dims[0]!.codes.length === n) return { cell: dims[0]!.codes, card: product };
  if (product <= DENSE_CELL_LIMIT) {
    const cell = new Int32Array(n);
    for (const d of dims) {
      const r = d.levels.length;
      const codes = d.codes;
      for (let i = 0; i < n; i++) cell[i] = cell[i]! * r + codes[i]!;
    }
    return { cell, card: product };
  }
  // Too many combinations for a dense accumulator: combine in doubles (exact below 2^53) and
  // renumber the combinations that occur whenever the radix product grows past the limit.
  const wide = new Float64Array(n);
  let card = 1;
  for (const d of dims) {
    const r = d.levels.length;
    const codes = d.codes;
    for (let i = 0; i < n; i++) wide[i] = wide[i]! * r + codes[i]!;
    card *= r;
    if (card > DENSE_CELL_LIMIT) card = renumber(wide);
  }
  const cell = new Int32Array(n);
  for (let i = 0; i < n; i++) cell[i] = wide[i]!;
  return { cell, card };
}

function renumber(wide: Float64Array): number {
  const ids = new Map<number, number>();
  for (let i = 0; i < wide.length; i++) {
    const v = wide[i]!;
    let id = ids.get(v);
    if (id === undefined) {
      id = ids.size;
      ids.set(v, id);
    }
    wide[i] = id;
  }
  return ids.size;
}

/** Neumaier-compensated `s[j] += x` with the running compensation in `c[j]`. */
function addTo(s: Float64Array, c: Float64Array, j: number, x: number): void {
  const a = s[j]!;
  const t = a + x;
  c[j] = c[j]! + (Math.abs(a) >= Math.abs(x) ? a - t + x : x - t + a);
  s[j] = t;
}

function describeSource(table: Table): string {
  return table.source === undefined ? '' : ` of ${table.source}`;
}

function nonFiniteError(
  name: string,
  role: ColumnRole,
  row: number,
  value: number,
  where: string,
): AequaError {
  return new AequaError(
    'AEQ_DATA_NAN',
    `Column "${name}" (${role})${where} holds ${String(value)} at row ${row} (0-based); numbers must be finite, and missing cells must be marked missing.`,
    {
      hint: 'Mark missing cells as missing (empty, or declared with --na) or clean the data before the audit.',
      details: { column: name, role, row, value: String(value) },
    },
  );
}

function checkFinite(col: Column, name: string, role: ColumnRole, where: string): void {
  if (col.kind !== 'number') return;
  const v = col.values;
  const valid = col.valid;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    // x - x is NaN exactly for NaN and ±Infinity.
    if (x - x !== 0 && (valid === null || valid.isValid(i))) throw nonFiniteError(name, role, i, x, where);
  }
}

function requireNumber(col: Column, name: string, role: ColumnRole, where: string): Float64Array {
  if (col.kind === 'number') return col.values;
  throw new AequaError(
    'AEQ_DATA_TYPE',
    `Column "${name}" (${role})${where} is a ${col.kind} column, but a ${role} must be numeric.`,
    {
      hint: 'Choose a numeric column for scores, weights and regression targets, or override the schema.',
      details: { column: name, role, kind: col.kind },
    },
  );
}

function checkWeights(w: Float64Array, col: Column, name: string, where: string): void {
  const valid = col.valid;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if (x >= 0 || (valid !== null && !valid.isValid(i)) || x - x !== 0) continue;
    throw new AequaError(
      'AEQ_INVALID_ARGUMENT',
      `Weight column "${name}"${where} holds ${String(x)} at row ${i} (0-based); sample weights must be finite and ≥ 0.`,
      {
        hint: 'Fix the weights, or leave --weight out to weigh every row equally.',
        details: { column: name, row: i, value: x },
      },
    );
  }
}

/**
 * Marks the rows with a missing label/prediction/score/weight, or throws when there are some and
 * `dropMissing` is off. Returns null when no row is missing.
 */
function dropMask(
  cols: readonly (readonly [Column, string, ColumnRole])[],
  n: number,
  dropMissing: boolean,
  where: string,
): { drop: Uint8Array; dropped: number } | null {
  const counts: [string, ColumnRole, number][] = [];
  for (const [col, name, role] of cols) {
    if (col.valid === null) continue;
    const m = n - col.valid.count();
    if (m > 0) counts.push([name, role, m]);
  }
  if (counts.length === 0) return null;
  const drop = new Uint8Array(n);
  for (const [col] of cols) {
    const valid = col.valid;
    if (valid === null) continue;
    for (let i = 0; i < n; i++) if (!valid.isValid(i)) drop[i] = 1;
  }
  let dropped = 0;
  for (let i = 0; i < n; i++) dropped += drop[i]!;
  if (!dropMissing) throw missingValuesError(counts, dropped, n, where);
  return { drop, dropped };
}

/**
 * AEQ_DATA_MISSING_VALUES naming each column with missing cells and its count; shared with the
 * SQL producer so both word it the same way.
 */
export function missingValuesError(
  counts: readonly (readonly [string, ColumnRole, number])[],
  rows: number,
  total: number,
  where: string,
): AequaError {
  const parts = counts.map(([name, role, m]) => `"${name}" (${role}) ${m}`);
  return new AequaError(
    'AEQ_DATA_MISSING_VALUES',
    `${rows} of ${total} rows${where} have a missing value where one is required (missing cells: ${listSome(parts)}).`,
    {
      hint: 'Fill the missing cells, or pass --drop-missing (dropMissing: true) to leave those rows out; they are counted in rowsDropped.',
      details: { rows, total, columns: Object.fromEntries(counts.map(([name, , m]) => [name, m])) },
    },
  );
}

/** Adds `bit` to `out[i]` for each valid row whose value (as `String(x)`) is one of `positive`. */
function markPositive(col: Column, positive: readonly string[], out: Uint8Array, bit: number): void {
  const n = out.length;
  if (col.kind === 'category') {
    const pos = new Set(positive);
    const byLevel = new Uint8Array(col.levels.length);
    for (let k = 0; k < col.levels.length; k++) byLevel[k] = pos.has(col.levels[k]!) ? bit : 0;
    const codes = col.codes;
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      if (c >= 0) out[i] = out[i]! | byLevel[c]!;
    }
    return;
  }
  if (col.kind === 'boolean') {
    const t = positive.includes('true') ? bit : 0;
    const f = positive.includes('false') ? bit : 0;
    const v = col.values;
    for (let i = 0; i < n; i++) out[i] = out[i]! | (v[i] ? t : f);
    return;
  }
  // A number x is positive when String(x) is listed; only canonical number strings can match.
  const nums = Float64Array.from(
    positive.filter((p) => p.trim() !== '' && String(Number(p)) === p).map((p) => Number(p)),
  );
  if (nums.length === 0) return;
  const v = col.values;
  const m = nums.length;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    for (let k = 0; k < m; k++) {
      if (x === nums[k]) {
        out[i] = out[i]! | bit;
        break;
      }
    }
  }
}

/** Per-row outcome y*2 + ŷ of a binary task, or 4 for a dropped row. */
function binaryOutcomes(
  spec: ResolvedSpec,
  label: Column,
  prediction: Column | null,
  score: Float64Array | null,
  drop: Uint8Array | null,
  n: number,
): Uint8Array {
  const q = new Uint8Array(n);
  markPositive(label, spec.positive, q, 2);
  if (prediction !== null) markPositive(prediction, spec.positive, q, 1);
  else {
    const s = score!;
    const thr = spec.threshold!;
    for (let i = 0; i < n; i++) if (s[i]! >= thr) q[i] = q[i]! | 1;
  }
  if (drop !== null) for (let i = 0; i < n; i++) if (drop[i]) q[i] = 4;
  return q;
}

/** The first row of each cell: any row of a cell holds its key. */
function representatives(cell: Int32Array, card: number): Int32Array {
  const rep = new Int32Array(card).fill(-1);
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i]!;
    if (rep[c]! < 0) rep[c] = i;
  }
  return rep;
}

function keyOf(dims: readonly Coded[], row: number): (string | null)[] {
  return dims.map((d) => d.levels[d.codes[row]!] ?? null);
}

/** Exact per-cell score histograms of the kept rows (outcome q < 4). O(n log n). */
function scoreHistograms(
  cell: Int32Array,
  card: number,
  q: Uint8Array,
  scores: Float64Array,
  w: Float64Array | null,
): (ScoreHistogram | null)[] {
  if (w === null) return unweightedScoreHistograms(cell, card, q, scores);
  const n = cell.length;
  const start = new Int32Array(card + 1);
  for (let i = 0; i < n; i++) if (q[i]! < 4) start[cell[i]! + 1]!++;
  for (let c = 0; c < card; c++) start[c + 1] = start[c + 1]! + start[c]!;
  const fill = start.slice(0, card);
  const order = new Int32Array(start[card]!);
  for (let i = 0; i < n; i++) {
    if (q[i]! < 4) {
      const c = cell[i]!;
      order[fill[c]!] = i;
      fill[c] = fill[c]! + 1;
    }
  }
  // `+ 0` turns -0 into 0, so that 0 and -0 are one score value, as they are in SQL.
  const sorted = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) sorted[k] = scores[order[k]!]! + 0;
  const out: (ScoreHistogram | null)[] = new Array(card).fill(null);
  for (let c = 0; c < card; c++) {
    const lo = start[c]!;
    const hi = start[c + 1]!;
    if (lo === hi) continue;
    const sub = sorted.subarray(lo, hi).sort();
    let m = 1;
    for (let k = 1; k < sub.length; k++) if (sub[k] !== sub[k - 1]) m++;
    const values = new Float64Array(m);
    values[0] = sub[0]!;
    for (let k = 1, j = 0; k < sub.length; k++) if (sub[k] !== sub[k - 1]) values[++j] = sub[k]!;
    const pos = new Float64Array(m);
    const neg = new Float64Array(m);
    const npos = new Float64Array(m);
    const nneg = new Float64Array(m);
    const cpos = new Float64Array(m);
    const cneg = new Float64Array(m);
    for (let k = lo; k < hi; k++) {
      const i = order[k]!;
      const j = search(values, scores[i]! + 0);
      const x = w === null ? 1 : w[i]!;
      if (q[i]! >= 2) {
        npos[j] = npos[j]! + 1;
        addTo(pos, cpos, j, x);
      } else {
        nneg[j] = nneg[j]! + 1;
        addTo(neg, cneg, j, x);
      }
    }
    for (let j = 0; j < m; j++) {
      pos[j] = pos[j]! + cpos[j]!;
      neg[j] = neg[j]! + cneg[j]!;
    }
    out[c] = { values, pos, neg, npos, nneg };
  }
  return out;
}

/**
 * The unweighted fast path: per cell, positives' and negatives' scores are sorted separately
 * with the native typed-array sort and merged run by run, so no index permutation and no
 * binary search is needed (about 1.5× faster than the general path on 1M continuous scores: 270 ms against 420 ms here).
 */
function unweightedScoreHistograms(
  cell: Int32Array,
  card: number,
  q: Uint8Array,
  scores: Float64Array,
): (ScoreHistogram | null)[] {
  const n = cell.length;
  // Slots 2c (negatives of cell c) and 2c + 1 (positives).
  const start = new Int32Array(2 * card + 1);
  for (let i = 0; i < n; i++) {
    const o = q[i]!;
    if (o < 4) start[2 * cell[i]! + (o >= 2 ? 1 : 0) + 1]!++;
  }
  for (let k = 0; k < 2 * card; k++) start[k + 1] = start[k + 1]! + start[k]!;
  const fill = start.slice(0, 2 * card);
  const buf = new Float64Array(start[2 * card]!);
  for (let i = 0; i < n; i++) {
    const o = q[i]!;
    if (o >= 4) continue;
    const slot = 2 * cell[i]! + (o >= 2 ? 1 : 0);
    // `+ 0` turns -0 into 0, so that 0 and -0 are one score value, as they are in SQL.
    buf[fill[slot]!] = scores[i]! + 0;
    fill[slot] = fill[slot]! + 1;
  }
  const out: (ScoreHistogram | null)[] = new Array(card).fill(null);
  for (let c = 0; c < card; c++) {
    const neg = buf.subarray(start[2 * c]!, start[2 * c + 1]!).sort();
    const pos = buf.subarray(start[2 * c + 1]!, start[2 * c + 2]!).sort();
    if (neg.length + pos.length === 0) continue;
    const values: number[] = [];
    const cp: number[] = [];
    const cn: number[] = [];
    let a = 0;
    let b = 0;
    while (a < neg.length || b < pos.length) {
      const x = b >= pos.length || (a < neg.length && neg[a]! <= pos[b]!) ? neg[a]! : pos[b]!;
      let kn = 0;
      let kp = 0;
      while (a < neg.length && neg[a] === x) {
        a++;
        kn++;
      }
      while (b < pos.length && pos[b] === x) {
        b++;
        kp++;
      }
      values.push(x);
      cn.push(kn);
      cp.push(kp);
    }
    const np = Float64Array.from(cp);
    const nn = Float64Array.from(cn);
    out[c] = { values: Float64Array.from(values), pos: np, neg: nn, npos: np.slice(), nneg: nn.slice() };
  }
  return out;
}

/** Index of `x` in the strictly ascending `values` (x is known to be present). */
function search(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function binaryCells(
  spec: ResolvedSpec,
  dims: readonly Coded[],
  cell: Int32Array,
  card: number,
  q: Uint8Array,
  w: Float64Array | null,
  scores: Float64Array | null,
): StatsCell[] {
  const n = cell.length;
  const raw = new Float64Array(card * 4);
  let sum = raw;
  if (w === null) {
    for (let i = 0; i < n; i++) {
      const k = q[i]!;
      if (k === 4) continue;
      const j = cell[i]! * 4 + k;
      raw[j] = raw[j]! + 1;
    }
  } else {
    sum = new Float64Array(card * 4);
    const comp = new Float64Array(card * 4);
    for (let i = 0; i < n; i++) {
      const k = q[i]!;
      if (k === 4) continue;
      const j = cell[i]! * 4 + k;
      raw[j] = raw[j]! + 1;
      const x = w[i]!;
      const a = sum[j]!;
      const t = a + x;
      comp[j] = comp[j]! + (Math.abs(a) >= Math.abs(x) ? a - t + x : x - t + a);
      sum[j] = t;
    }
    for (let j = 0; j < sum.length; j++) sum[j] = sum[j]! + comp[j]!;
  }
  const hist = spec.score !== null ? scoreHistograms(cell, card, q, scores!, w) : null;
  const rep = representatives(cell, card);
  const cells: StatsCell[] = [];
  for (let c = 0; c < card; c++) {
    const b = c * 4;
    if (raw[b]! + raw[b + 1]! + raw[b + 2]! + raw[b + 3]! === 0) continue;
    // Index y*2 + ŷ: 0 = (0,0) tn, 1 = (0,1) fp, 2 = (1,0) fn, 3 = (1,1) tp.
    const confusion: Confusion = {
      tp: sum[b + 3]!,
      fp: sum[b + 1]!,
      tn: sum[b]!,
      fn: sum[b + 2]!,
      ntp: raw[b + 3]!,
      nfp: raw[b + 1]!,
      ntn: raw[b]!,
      nfn: raw[b + 2]!,
    };
    const h = hist?.[c] ?? null;
    cells.push(
      h === null
        ? { key: keyOf(dims, rep[c]!), confusion }
        : { key: keyOf(dims, rep[c]!), confusion, scores: h },
    );
  }
  return cells;
}

function regressionCells(
  dims: readonly Coded[],
  cell: Int32Array,
  card: number,
  t: Float64Array,
  p: Float64Array,
  w: Float64Array | null,
  drop: Uint8Array | null,
): StatsCell[] {
  const n = cell.length;
  const count = new Float64Array(card);
  const sums = new Float64Array(card * 6);
  const comp = new Float64Array(card * 6);
  for (let i = 0; i < n; i++) {
    if (drop?.[i]) continue;
    const c = cell[i]!;
    const b = c * 6;
    const wi = w === null ? 1 : w[i]!;
    const y = t[i]!;
    const yhat = p[i]!;
    const e = yhat - y;
    count[c] = count[c]! + 1;
    addTo(sums, comp, b, wi);
    addTo(sums, comp, b + 1, wi * yhat);
    addTo(sums, comp, b + 2, wi * y);
    addTo(sums, comp, b + 3, wi * e);
    addTo(sums, comp, b + 4, wi * Math.abs(e));
    addTo(sums, comp, b + 5, wi * e * e);
  }
  const rep = representatives(cell, card);
  const cells: StatsCell[] = [];
  for (let c = 0; c < card; c++) {
    if (count[c] === 0) continue;
    const b = c * 6;
    const s = (k: number): number => sums[b + k]! + comp[b + k]!;
    const regression: RegressionMoments = {
      n: count[c]!,
      w: s(0),
      sumPred: s(1),
      sumTrue: s(2),
      sumErr: s(3),
      sumAbsErr: s(4),
      sumSqErr: s(5),
    };
    cells.push({ key: keyOf(dims, rep[c]!), regression });
  }
  return cells;
}

function multiclassCells(
  dims: readonly Coded[],
  cell: Int32Array,
  card: number,
  label: Coded,
  prediction: Coded,
  numeric: boolean,
  w: Float64Array | null,
  drop: Uint8Array | null,
): { cells: StatsCell[]; classNames: string[] } {
  const n = cell.length;
  // Classes are the values that occur in the kept rows, in the label or the prediction.
  const seenL = new Uint8Array(label.levels.length);
  const seenP = new Uint8Array(prediction.levels.length);
  for (let i = 0; i < n; i++) {
    if (drop?.[i]) continue;
    seenL[label.codes[i]!] = 1;
    seenP[prediction.codes[i]!] = 1;
  }
  const present: string[] = [];
  label.levels.forEach((v, k) => {
    if (seenL[k] && v !== null) present.push(v);
  });
  prediction.levels.forEach((v, k) => {
    if (seenP[k] && v !== null) present.push(v);
  });
  const classNames = sortClassNames(present, numeric);
  const index = new Map(classNames.map((v, k) => [v, k]));
  const toClass = (c: Coded): Int32Array =>
    Int32Array.from(c.levels, (v) => (v === null ? -1 : (index.get(v) ?? -1)));
  const classL = toClass(label);
  const classP = toClass(prediction);
  const k = classNames.length;
  const kk = k * k;
  const counts = new Float64Array(card * kk);
  const weighted = w === null ? counts : new Float64Array(card * kk);
  const comp = w === null ? counts : new Float64Array(card * kk);
  const rows = new Float64Array(card);
  for (let i = 0; i < n; i++) {
    if (drop?.[i]) continue;
    const c = cell[i]!;
    const j = c * kk + classL[label.codes[i]!]! * k + classP[prediction.codes[i]!]!;
    counts[j] = counts[j]! + 1;
    rows[c] = rows[c]! + 1;
    if (w !== null) addTo(weighted, comp, j, w[i]!);
  }
  const rep = representatives(cell, card);
  const cells: StatsCell[] = [];
  for (let c = 0; c < card; c++) {
    if (rows[c] === 0) continue;
    const cnt = counts.slice(c * kk, (c + 1) * kk);
    const wt = w === null ? Float64Array.from(cnt) : weighted.slice(c * kk, (c + 1) * kk);
    if (w !== null) for (let j = 0; j < kk; j++) wt[j] = wt[j]! + comp[c * kk + j]!;
    const classes: ClassMatrix = { k, weighted: wt, counts: cnt };
    cells.push({ key: keyOf(dims, rep[c]!), classes });
  }
  return { cells, classNames };
}

/**
 * Computes the statistics cube of a table in memory: per combination of the `spec.dims` values
 * (a missing value is its own group, key null), the weighted and raw confusion counts (binary),
 * exact score histograms (binary with `spec.score`), regression moments, or the class matrix
 * (multiclass). Cells appear only when they hold at least one row, sorted by key
 * ({@link compareCellKeys}).
 *
 * Binary: y = 1 when `String(label)` is one of `spec.positive` (default ['1', 'true']; numbers as
 * `String(x)`, booleans as 'true'/'false'); ŷ likewise from the prediction column, or
 * ŷ = 1 when score ≥ threshold. Multiclass: classes are the values found in the label or the
 * prediction of the kept rows, as strings, sorted numerically when both columns are numbers and
 * by code point otherwise. Rows with a missing label/prediction/score/weight are dropped and
 * counted when `dropMissing` is set; otherwise they are an error.
 *
 * Cost: O(rows × dims) for the codes and one pass over the rows; O(n log n) with score histograms.
 * Use it when the rows fit in memory; for data that lives in DuckDB or PostgreSQL use `sqlCube`.
 *
 * @param table - the rows.
 * @param spec - which column plays which role.
 * @returns the cube, `producer: 'memory'`.
 * @throws {AEQ_DATA_MISSING_COLUMN} when a named column is absent (with the closest name).
 * @throws {AEQ_DATA_TYPE} when a score, weight or regression column is not numeric.
 * @throws {AEQ_DATA_NAN} when a used number column holds NaN or ±Infinity in a valid cell.
 * @throws {AEQ_INVALID_ARGUMENT} for an invalid spec or a negative weight.
 * @throws {AEQ_DATA_MISSING_VALUES} when a required cell is missing and `dropMissing` is off.
 * @example
 * memoryCube(fromArrays({ y: [1, 0, 1], p: [1, 1, 0], g: ['a', 'a', 'b'] }),
 *   { task: 'binary', label: 'y', prediction: 'p', dims: ['g'] }).cells
 * // [{ key: ['a'], confusion: { tp: 1, fp: 1, tn: 0, fn: 0, ntp: 1, nfp: 1, ntn: 0, nfn: 0 } },
 * //  { key: ['b'], confusion: { tp: 0, fp: 0, tn: 0, fn: 1, ntp: 0, nfp: 0, ntn: 0, nfn: 1 } }]
 */
export function memoryCube(table: Table, spec: StatsSpec): StatsCube {
  const s = resolveSpec(spec, 'memoryCube');
  const where = describeSource(table);
  const n = table.nrows;
  const label = table.column(s.label, 'label');
  const prediction = s.prediction === null ? null : table.column(s.prediction, 'prediction');
  const scoreCol = s.score === null ? null : table.column(s.score, 'score');
  const weightCol = s.weight === null ? null : table.column(s.weight, 'weight');
  const dimCols = s.dims.map((d) => table.column(d, 'dimension'));

  const scores = scoreCol === null ? null : requireNumber(scoreCol, s.score!, 'score', where);
  const w = weightCol === null ? null : requireNumber(weightCol, s.weight!, 'weight', where);
  const regression =
    s.task === 'regression'
      ? {
          t: requireNumber(label, s.label, 'label', where),
          p: requireNumber(prediction!, s.prediction!, 'prediction', where),
        }
      : null;
  checkFinite(label, s.label, 'label', where);
  if (prediction !== null) checkFinite(prediction, s.prediction!, 'prediction', where);
  if (scoreCol !== null) checkFinite(scoreCol, s.score!, 'score', where);
  if (weightCol !== null) checkFinite(weightCol, s.weight!, 'weight', where);
  dimCols.forEach((c, k) => {
    checkFinite(c, s.dims[k]!, 'dimension', where);
  });
  if (w !== null) checkWeights(w, weightCol!, s.weight!, where);

  const requiredCols: [Column, string, ColumnRole][] = [[label, s.label, 'label']];
  if (prediction !== null) requiredCols.push([prediction, s.prediction!, 'prediction']);
  if (scoreCol !== null) requiredCols.push([scoreCol, s.score!, 'score']);
  if (weightCol !== null) requiredCols.push([weightCol, s.weight!, 'weight']);
  const mask = dropMask(requiredCols, n, s.dropMissing, where);
  const drop = mask?.drop ?? null;

  const dims = dimCols.map((c) => codeColumn(c, n));
  const { cell, card } = cellIndex(dims, n);
  const base = { dims: [...s.dims], rowsSeen: n, rowsDropped: mask?.dropped ?? 0, producer: 'memory' };

  let cells: StatsCell[];
  let classNames: string[] | undefined;
  if (s.task === 'binary') {
    const q = binaryOutcomes(s, label, prediction, scores, drop, n);
    cells = binaryCells(s, dims, cell, card, q, w, scores);
  } else if (regression !== null) {
    cells = regressionCells(dims, cell, card, regression.t, regression.p, w, drop);
  } else {
    const numeric = label.kind === 'number' && prediction!.kind === 'number';
    const r = multiclassCells(
      dims,
      cell,
      card,
      codeColumn(label, n),
      codeColumn(prediction!, n),
      numeric,
      w,
      drop,
    );
    cells = r.cells;
    classNames = r.classNames;
  }
  cells.sort((a, b) => compareCellKeys(a.key, b.key));
  return classNames === undefined
    ? { task: s.task, ...base, cells }
    : { task: s.task, ...base, cells, classNames };
}

/**
 * The in-memory producer over one table, for code written against `StatsProducer`.
 * @example await memoryProducer(table).cube({ task: 'binary', label: 'y', prediction: 'p', dims: ['g'] })
 * // the same cube as memoryCube(table, spec)
 */
export function memoryProducer(table: Table): StatsProducer {
  return {
    name: 'memory',
    cube: async (spec: StatsSpec) => memoryCube(table, spec),
  };
}
