/**
 * @module mitigation/preprocessing/resample
 * Group-aware resampling: under- or over-sample the rows of every (group, label) cell, seeded. Either
 * every cell gets the same size ('cells': balanced groups and balanced labels), or each cell gets the
 * size it would have if the label were independent of the group ('labelRate', the uniform sampling
 * of Kamiran & Calders 2012, https://doi.org/10.1007/s10115-011-0463-8, §4.3), which equalises the
 * base rates while keeping group sizes.
 */
import { AequaError, InvalidArgumentError, type Rng, randomInt } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { groupChanges, groupRates, labelledGroups, type PreprocessingChanges } from './changes.js';

/** Options of {@link resample}. */
export interface ResampleOptions {
  readonly label: string;
  readonly positive?: readonly string[];
  readonly sensitive: string | readonly string[];
  /** 'undersample': drop rows of large cells (without replacement); 'oversample': repeat rows of small cells (with replacement). */
  readonly strategy: 'undersample' | 'oversample';
  /** 'cells': every (group, label) cell the same size; 'labelRate': sizes ∝ n_s·n_y (equal base rates). @default 'cells' */
  readonly balance?: 'cells' | 'labelRate';
  readonly rng: Rng;
}

/** The result of {@link resample}. */
export interface ResampleResult {
  readonly table: Table;
  /** Row indices of the input that make up the output (ascending; repeated rows when oversampling). */
  readonly rows: Uint32Array;
  /** Target size of each cell, keyed `group|positive` / `group|negative`. */
  readonly targets: Readonly<Record<string, number>>;
  readonly changes: PreprocessingChanges;
}

/**
 * Resamples rows so that (group, label) cells are balanced.
 * - 'cells': target t = min cell size (undersample) or max (oversample) for every cell.
 * - 'labelRate': expected sizes e_{s,y} = n_s·n_y/N scaled by c = min n_{s,y}/e_{s,y} (undersample,
 *   c ≤ 1) or max (oversample, c ≥ 1), rounded; every group's base rate then equals the overall
 *   rate up to rounding (at most 1/(2·cell size) per cell).
 * Undersampling draws without replacement; oversampling keeps every row and draws the extra ones
 * with replacement. The same `rng` seed gives the same rows.
 *
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} with fewer than two groups.
 * @throws {AEQ_DATA_EMPTY} when a (group, label) cell is empty (it cannot be balanced by resampling).
 * @throws {AEQ_INVALID_ARGUMENT} for an unknown strategy or balance.
 * @example resample(t, { label: 'y', sensitive: 'sex', strategy: 'undersample', rng: seededRng(1) }).table.nrows
 * // 4 × the smallest cell
 */
export function resample(table: Table, opts: ResampleOptions): ResampleResult {
  const fn = 'resample';
  if (opts.strategy !== 'undersample' && opts.strategy !== 'oversample')
    throw new InvalidArgumentError(fn, 'strategy', opts.strategy, "'undersample' or 'oversample'");
  const balance = opts.balance ?? 'cells';
  if (balance !== 'cells' && balance !== 'labelRate')
    throw new InvalidArgumentError(fn, 'balance', balance, "'cells' or 'labelRate'");
  const { groups, y } = labelledGroups(fn, table, opts.label, opts.sensitive, opts.positive);
  const k = groups.labels.length;
  const n = table.nrows;
  // Rows of each cell (g·2 + y), in row order.
  const sizes = new Uint32Array(2 * k);
  for (let i = 0; i < n; i++) sizes[groups.codes[i]! * 2 + y[i]!]!++;
  for (let c = 0; c < 2 * k; c++) {
    if (sizes[c] === 0)
      throw new AequaError(
        'AEQ_DATA_EMPTY',
        `${fn}: group "${groups.labels[c >> 1]}" has no ${c & 1 ? 'positive' : 'negative'} rows, so its cell cannot be resampled to balance.`,
        {
          hint: 'Merge or drop the group, or use reweighing, which leaves empty cells at weight 0.',
          details: { group: groups.labels[c >> 1], label: c & 1 ? 'positive' : 'negative' },
        },
      );
  }
  const offsets = new Uint32Array(2 * k + 1);
  for (let c = 0; c < 2 * k; c++) offsets[c + 1] = offsets[c]! + sizes[c]!;
  const byCell = new Uint32Array(n);
  const fill = offsets.slice(0, 2 * k);
  for (let i = 0; i < n; i++) byCell[fill[groups.codes[i]! * 2 + y[i]!]!++] = i;

  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i]!;
  const under = opts.strategy === 'undersample';
  const target = new Uint32Array(2 * k);
  if (balance === 'cells') {
    let t = under ? Number.POSITIVE_INFINITY : 0;
    for (let c = 0; c < 2 * k; c++) t = under ? Math.min(t, sizes[c]!) : Math.max(t, sizes[c]!);
    target.fill(t);
  } else {
    const expected = (c: number): number =>
      (groups.counts[c >> 1]! * (c & 1 ? positives : n - positives)) / n;
    let scale = under ? Number.POSITIVE_INFINITY : 0;
    for (let c = 0; c < 2 * k; c++) {
      const r = sizes[c]! / expected(c);
      scale = under ? Math.min(scale, r) : Math.max(scale, r);
    }
    for (let c = 0; c < 2 * k; c++) {
      const t = Math.round(scale * expected(c));
      target[c] = under ? Math.min(t, sizes[c]!) : Math.max(t, sizes[c]!);
    }
  }
  let total = 0;
  for (let c = 0; c < 2 * k; c++) total += target[c]!;
  const rows = new Uint32Array(total);
  let at = 0;
  const rng = opts.rng;
  for (let c = 0; c < 2 * k; c++) {
    const cellRows = byCell.slice(offsets[c]!, offsets[c + 1]!);
    const m = cellRows.length;
    const t = target[c]!;
    if (t <= m) {
      // Partial Fisher–Yates: the first t entries become a uniform sample without replacement.
      for (let j = 0; j < t; j++) {
        const r = j + randomInt(rng, m - j);
        const tmp = cellRows[j]!;
        cellRows[j] = cellRows[r]!;
        cellRows[r] = tmp;
      }
      rows.set(cellRows.subarray(0, t), at);
      at += t;
    } else {
      rows.set(cellRows, at);
      at += m;
      for (let j = m; j < t; j++) rows[at++] = cellRows[randomInt(rng, m)]!;
    }
  }
  rows.sort();
  const out = table.take(rows);
  const yAfter = new Uint8Array(total);
  for (let j = 0; j < total; j++) yAfter[j] = y[rows[j]!]!;
  const before = groupRates(groups, y, null, null);
  const after = groupRates(groups, yAfter, null, rows);
  const targets: Record<string, number> = {};
  for (let c = 0; c < 2 * k; c++)
    targets[`${groups.labels[c >> 1]}|${c & 1 ? 'positive' : 'negative'}`] = target[c]!;
  // Rows changed: input rows dropped plus extra copies added.
  const seen = new Uint32Array(n);
  for (let j = 0; j < total; j++) seen[rows[j]!]!++;
  let changed = 0;
  for (let i = 0; i < n; i++) changed += seen[i] === 0 ? 1 : seen[i]! - 1;
  return {
    table: out,
    rows,
    targets,
    changes: {
      method: `resample:${opts.strategy}:${balance}`,
      rowsBefore: n,
      rowsAfter: total,
      rowsChanged: changed,
      groups: groupChanges(groups, before, after, true),
      details: { seed: rng.seed },
    },
  };
}
