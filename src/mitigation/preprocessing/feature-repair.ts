/**
 * @module mitigation/preprocessing/feature-repair
 * Internal steps shared by the methods that rewrite number features and keep every row (the
 * disparate impact remover of Feldman et al. 2015, https://arxiv.org/abs/1412.3756, and the
 * correlation remover): fetching a feature that must be a number column, and the changes report.
 */
import type { GroupCodes } from '../../bias/index.js';
import { AequaError } from '../../core/index.js';
import type { NumberColumn, Table } from '../../data/index.js';
import type { PreprocessingChanges } from './changes.js';

/**
 * The feature column `name`, which must hold numbers.
 * @param does what the method does with number columns, to finish the message ("the X remover works on").
 * @throws {AEQ_DATA_MISSING_COLUMN} for an absent column.
 * @throws {AEQ_DATA_TYPE} when the column is not a number column.
 * @example
 * numberFeature('f', t, 'x', 'f works on') // t's number column x
 * numberFeature('f', t, 'sex', 'f works on') // throws: f: the feature "sex" is a category column; f works on number columns only.
 */
export function numberFeature(fn: string, table: Table, name: string, does: string): NumberColumn {
  const col = table.column(name, 'feature');
  if (col.kind !== 'number')
    throw new AequaError(
      'AEQ_DATA_TYPE',
      `${fn}: the feature "${name}" is a ${col.kind} column; ${does} number columns only.`,
      {
        hint: 'Leave category and boolean columns out of `features`.',
        details: { column: name, kind: col.kind },
      },
    );
  return col;
}

/**
 * The report of a step that edits cells and keeps every row: rows before = after, per group the row
 * count twice and no base rates; `changedRow[i]` is 1 when row i was edited.
 * @example
 * repairChanges('m', groups, Uint8Array.of(1, 0, 1), { alpha: 1 }).rowsChanged // 2
 */
export function repairChanges(
  method: string,
  groups: GroupCodes,
  changedRow: Uint8Array,
  details: Readonly<Record<string, unknown>>,
): PreprocessingChanges {
  const n = changedRow.length;
  let changed = 0;
  for (let i = 0; i < n; i++) changed += changedRow[i]!;
  return {
    method,
    rowsBefore: n,
    rowsAfter: n,
    rowsChanged: changed,
    groups: groups.labels.map((group, g) => ({
      group,
      rowsBefore: groups.counts[g]!,
      rowsAfter: groups.counts[g]!,
      baseRateBefore: null,
      baseRateAfter: null,
    })),
    details,
  };
}
