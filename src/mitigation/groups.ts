/**
 * @module mitigation/groups
 * Group codes of a sensitive attribute: one Int32 code per row and the group names, in code-point
 * order, so that every mitigation method sees the same groups in the same order.
 */
import { AequaError, InvalidArgumentError } from '../core/index.js';
import { cellString, compareCodePoints, type Table } from '../data/index.js';
import { singleGroupError } from './messages.js';

/** Per-row group codes of one sensitive column. */
export interface GroupCodes {
  /** The column they came from. */
  readonly column: string;
  /** Group names (values as strings), sorted by code point. */
  readonly names: readonly string[];
  /** Per row, the index into `names`. */
  readonly codes: Int32Array;
  /** Rows per group. */
  readonly counts: Float64Array;
}

/**
 * Codes a sensitive column of `table` into groups.
 * @throws {AEQ_DATA_MISSING_COLUMN} when the column is absent.
 * @throws {AEQ_DATA_MISSING_VALUES} when a cell is missing (a row without a group cannot be constrained).
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when the column has fewer than two groups.
 * @example groupCodes(fromArrays({ sex: ['M', 'F', 'M'] }), 'sex', 'fn').codes // Int32Array [1, 0, 1]
 */
export function groupCodes(table: Table, column: string, fn: string): GroupCodes {
  const col = table.column(column, 'sensitive');
  return codesFromValues(
    Array.from({ length: table.nrows }, (_, i) => cellString(col, i)),
    column,
    fn,
  );
}

/**
 * Codes plain group values (the API edge of the post-processing functions).
 * @throws {AEQ_DATA_MISSING_VALUES} for a null or undefined group.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} for fewer than two groups.
 * @example codesFromValues(['b', 'a', 'b'], 'groups', 'fn').names // ['a', 'b']
 */
export function codesFromValues(
  values: ArrayLike<string | number | boolean | null | undefined>,
  column: string,
  fn: string,
  minGroups = 2,
): GroupCodes {
  const n = values.length;
  const strings: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined)
      throw new AequaError(
        'AEQ_DATA_MISSING_VALUES',
        `${fn}: the sensitive attribute "${column}" is missing at row ${i + 1}; every row needs a group.`,
        { hint: 'Drop the rows without a group, or give them an explicit group value.', details: { column } },
      );
    strings[i] = String(v);
  }
  const names = [...new Set(strings)].sort(compareCodePoints);
  if (names.length < minGroups) throw singleGroupError(fn, column, names);
  const index = new Map(names.map((g, k) => [g, k] as const));
  const codes = new Int32Array(n);
  const counts = new Float64Array(names.length);
  for (let i = 0; i < n; i++) {
    const k = index.get(strings[i]!)!;
    codes[i] = k;
    counts[k] = counts[k]! + 1;
  }
  return { column, names, codes, counts };
}

/** Checks that an array has one entry per row. */
export function checkLength(fn: string, arg: string, len: number, n: number): void {
  if (len !== n) throw new InvalidArgumentError(fn, arg, `length ${len}`, `one value per row (${n})`);
}
