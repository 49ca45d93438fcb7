/**
 * @module mitigation/preprocessing/changes
 * What a pre-processing method changed: rows before and after, rows edited, and per group the row
 * count and the (weighted) label base rate before and after, so that every method reports alike.
 * Also the shared first step of the label-aware methods: groups and a 0/1 label without missing cells.
 */

import { type GroupCodes, groupCodes } from '../../bias/index.js';
import { AequaError, listSome } from '../../core/index.js';
import { type PositiveValues, resolvePositive, type Table, toBinary } from '../../data/index.js';

/** One group before and after a pre-processing step. */
export interface GroupChange {
  readonly group: string;
  readonly rowsBefore: number;
  /** Rows after (weighted: Σ weights). */
  readonly rowsAfter: number;
  readonly baseRateBefore: number | null;
  readonly baseRateAfter: number | null;
}

/** The report of a pre-processing step. */
export interface PreprocessingChanges {
  readonly method: string;
  readonly rowsBefore: number;
  readonly rowsAfter: number;
  /** Rows whose values (or weight) differ from the input. */
  readonly rowsChanged: number;
  /** Per group; base rates are null without a label. */
  readonly groups: readonly GroupChange[];
  /** Method-specific figures (cell weights, flips, per-feature means …). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Groups plus a complete 0/1 label. */
export interface LabelledGroups {
  readonly groups: GroupCodes;
  readonly y: Uint8Array;
  readonly positive: PositiveValues;
}

/**
 * Groups of `sensitive` (a column or the intersection of several) and the label as 0/1.
 * @throws {AEQ_DATA_MISSING_COLUMN} for an absent column.
 * @throws {AEQ_DATA_MISSING_VALUES} when the label has missing cells.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when there are fewer than two groups.
 */
export function labelledGroups(
  fn: string,
  table: Table,
  label: string,
  sensitive: string | readonly string[],
  positive: readonly string[] | undefined,
): LabelledGroups {
  const groups = sensitiveGroups(fn, table, sensitive);
  const col = table.column(label, 'label');
  const pv = resolvePositive(col, { name: label, role: 'label', ...(positive ? { positive } : {}) });
  const bin = toBinary(col, pv.positive);
  if (bin.valid !== null && bin.valid.count() < table.nrows) {
    const missing = table.nrows - bin.valid.count();
    throw new AequaError(
      'AEQ_DATA_MISSING_VALUES',
      `${fn}: the label column "${label}" has ${missing} missing cells of ${table.nrows}; every row needs a label to be rebalanced.`,
      { hint: 'Drop the rows with a missing label first.', details: { column: label, missing } },
    );
  }
  return { groups, y: bin.values, positive: pv };
}

/**
 * Groups of `sensitive`, refusing a single group.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when there are fewer than two groups.
 */
export function sensitiveGroups(fn: string, table: Table, sensitive: string | readonly string[]): GroupCodes {
  const cols = typeof sensitive === 'string' ? [sensitive] : [...sensitive];
  const groups = groupCodes(table, cols);
  if (groups.labels.length < 2)
    throw new AequaError(
      'AEQ_MITIGATION_SINGLE_GROUP',
      `${fn}: the sensitive attribute "${groups.feature}" has a single group (${listSome(groups.labels.map((g) => `"${g}"`))}), so there is nothing to rebalance.`,
      {
        hint: 'Choose a sensitive column with two or more groups, or check the filters that removed the other groups.',
        details: { column: groups.feature, groups: [...groups.labels] },
      },
    );
  return groups;
}

/** Per-group rows and weighted base rate. */
export function groupRates(
  groups: GroupCodes,
  y: ArrayLike<number> | null,
  weights: ArrayLike<number> | null,
  rows: ArrayLike<number> | null,
): { rows: Float64Array; weight: Float64Array; positive: Float64Array } {
  const k = groups.labels.length;
  const r = new Float64Array(k);
  const w = new Float64Array(k);
  const p = new Float64Array(k);
  const n = rows === null ? groups.codes.length : rows.length;
  for (let j = 0; j < n; j++) {
    const i = rows === null ? j : rows[j]!;
    const g = groups.codes[i]!;
    const wi = weights === null ? 1 : weights[j]!;
    r[g]! += 1;
    w[g]! += wi;
    if (y?.[j]) p[g]! += wi;
  }
  return { rows: r, weight: w, positive: p };
}

/** Builds the per-group change list from before/after tallies. */
export function groupChanges(
  groups: GroupCodes,
  before: { rows: Float64Array; weight: Float64Array; positive: Float64Array },
  after: { rows: Float64Array; weight: Float64Array; positive: Float64Array },
  withLabel: boolean,
): GroupChange[] {
  return groups.labels.map((group, g) => ({
    group,
    rowsBefore: before.rows[g]!,
    rowsAfter: after.weight[g]!,
    baseRateBefore: withLabel && before.weight[g]! > 0 ? before.positive[g]! / before.weight[g]! : null,
    baseRateAfter: withLabel && after.weight[g]! > 0 ? after.positive[g]! / after.weight[g]! : null,
  }));
}
