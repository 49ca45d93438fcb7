/**
 * @module bias/groups
 * The groups of one sensitive feature or of an intersection of several: a dense group index per
 * row and the group names, written as the audit writes them (values joined with '&', a missing
 * value as '(missing)'), so that data-bias results and audit results name groups alike.
 */
import { AequaError, InvalidArgumentError } from '../core/index.js';
import { compareCodePoints, type Table } from '../data/index.js';
import { groupKey } from '../metrics/index.js';

/** Group membership of every row for one sensitive feature or intersection. */
export interface GroupCodes {
  /** The feature's name: the column, or the columns joined with '&'. */
  readonly feature: string;
  readonly columns: readonly string[];
  /** Group index per row, 0 … labels.length − 1. */
  readonly codes: Int32Array;
  /** Group names, sorted by code point. */
  readonly labels: readonly string[];
  /** Each group's value per column (null = missing). */
  readonly parts: readonly (readonly (string | null)[])[];
  /** Rows per group. */
  readonly counts: Float64Array;
  /** The distinct values (without missing) of each column, for enumerating every intersection. */
  readonly levelsByColumn: readonly (readonly string[])[];
}

/** Per-column codes: the values present, in code-point order, and a code per row (`missing` = the last code). */
function columnCodes(table: Table, name: string): { codes: Int32Array; values: (string | null)[] } {
  const col = table.column(name, 'sensitive');
  const n = table.nrows;
  const raw = new Int32Array(n);
  let names: string[];
  if (col.kind === 'category') {
    for (let i = 0; i < n; i++) raw[i] = col.valid !== null && !col.valid.isValid(i) ? -1 : col.codes[i]!;
    names = [...col.levels];
  } else if (col.kind === 'boolean') {
    for (let i = 0; i < n; i++) raw[i] = col.valid !== null && !col.valid.isValid(i) ? -1 : col.values[i]!;
    names = ['false', 'true'];
  } else {
    const index = new Map<number, number>();
    names = [];
    for (let i = 0; i < n; i++) {
      if (col.valid !== null && !col.valid.isValid(i)) {
        raw[i] = -1;
        continue;
      }
      const v = col.values[i]!;
      let c = index.get(v);
      if (c === undefined) {
        c = names.length;
        index.set(v, c);
        names.push(String(v));
      }
      raw[i] = c;
    }
  }
  // Keep only values that occur; order by code point; missing last.
  const seen = new Uint8Array(names.length);
  let missing = false;
  for (let i = 0; i < n; i++) {
    const c = raw[i]!;
    if (c < 0) missing = true;
    else seen[c] = 1;
  }
  const present = names.map((s, k) => [s, k] as const).filter(([, k]) => seen[k] === 1);
  present.sort((a, b) => compareCodePoints(a[0], b[0]));
  const remap = new Int32Array(names.length).fill(-1);
  present.forEach(([, k], j) => {
    remap[k] = j;
  });
  const codes = new Int32Array(n);
  const missingCode = present.length;
  for (let i = 0; i < n; i++) codes[i] = raw[i]! < 0 ? missingCode : remap[raw[i]!]!;
  const values: (string | null)[] = present.map(([s]) => s);
  if (missing) values.push(null);
  return { codes, values };
}

/**
 * Groups the rows of `table` by one column or by the intersection of several.
 * @throws {AEQ_DATA_MISSING_COLUMN} when a column is absent.
 * @throws {AEQ_INVALID_ARGUMENT} when no column is given.
 * @throws {AEQ_DATA_EMPTY} when the table has no rows.
 * @example groupCodes(fromArrays({ sex: ['F', 'M', 'F'] }), ['sex']).labels // ['F', 'M']
 */
export function groupCodes(table: Table, columns: readonly string[]): GroupCodes {
  if (columns.length === 0)
    throw new InvalidArgumentError('groupCodes', 'columns', [], 'at least one sensitive column');
  if (table.nrows === 0)
    throw new AequaError(
      'AEQ_DATA_EMPTY',
      `The data${table.source ? ` in ${table.source}` : ''} has no rows.`,
      {
        hint: 'Check the file and any filters.',
      },
    );
  const per = columns.map((c) => columnCodes(table, c));
  const n = table.nrows;
  // Mixed-radix combined code per row, then dense indices (Map over numbers: no per-row strings).
  const combined = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    for (const p of per) code = code * p.values.length + p.codes[i]!;
    combined[i] = code;
  }
  const dense = new Map<number, number>();
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = combined[i]!;
    if (!dense.has(c)) {
      dense.set(c, order.length);
      order.push(c);
    }
  }
  const partsOf = (code: number): (string | null)[] => {
    const out: (string | null)[] = new Array(per.length);
    let c = code;
    for (let j = per.length - 1; j >= 0; j--) {
      const k = per[j]!.values.length;
      out[j] = per[j]!.values[c % k]!;
      c = Math.floor(c / k);
    }
    return out;
  };
  const groups = order.map((code) => {
    const parts = partsOf(code);
    return { code, parts, label: groupKey(parts) };
  });
  groups.sort((a, b) => compareCodePoints(a.label, b.label));
  const finalIndex = new Map<number, number>();
  groups.forEach((g, j) => {
    finalIndex.set(g.code, j);
  });
  const codes = new Int32Array(n);
  const counts = new Float64Array(groups.length);
  const firstToFinal = new Int32Array(order.length);
  order.forEach((code, j) => {
    firstToFinal[j] = finalIndex.get(code)!;
  });
  for (let i = 0; i < n; i++) {
    const g = firstToFinal[dense.get(combined[i]!)!]!;
    codes[i] = g;
    counts[g]! += 1;
  }
  return {
    feature: columns.join('&'),
    columns: [...columns],
    codes,
    labels: groups.map((g) => g.label),
    parts: groups.map((g) => g.parts),
    counts,
    levelsByColumn: per.map((p) => p.values.filter((v): v is string => v !== null)),
  };
}
