/**
 * @module data/table
 * The one columnar table (DESIGN idea 2): named typed columns, immutable. Selections return new
 * tables; columns that are not touched are shared.
 */
import { InvalidArgumentError, MissingColumnError } from '../core/index.js';
import {
  booleanColumn,
  type Column,
  categoryColumn,
  columnLength,
  numberColumn,
  takeColumn,
} from './column.js';

export interface Table {
  readonly nrows: number;
  readonly names: readonly string[];
  /** Where the data came from (a file path or a description), for messages. */
  readonly source: string | undefined;
  /** The column; throws MissingColumnError (with the closest name) when absent. */
  column(name: string, role?: string): Column;
  has(name: string): boolean;
  /** Rows by index; a new table. */
  take(rows: Uint32Array): Table;
  /** A table with only these columns (in this order). */
  select(names: readonly string[]): Table;
  /** A table with a column added or replaced. */
  withColumn(name: string, col: Column): Table;
}

class ColumnTable implements Table {
  readonly nrows: number;
  readonly names: readonly string[];
  readonly source: string | undefined;
  private readonly cols: ReadonlyMap<string, Column>;

  constructor(cols: ReadonlyMap<string, Column>, names: readonly string[], nrows: number, source?: string) {
    this.cols = cols;
    this.names = names;
    this.nrows = nrows;
    this.source = source;
  }

  column(name: string, role?: string): Column {
    const c = this.cols.get(name);
    if (c === undefined) throw new MissingColumnError(name, this.names, this.source, role);
    return c;
  }

  has(name: string): boolean {
    return this.cols.has(name);
  }

  take(rows: Uint32Array): Table {
    for (let i = 0; i < rows.length; i++) {
      if (rows[i]! >= this.nrows)
        throw new InvalidArgumentError('Table.take', 'rows', rows[i], `row indices below ${this.nrows}`);
    }
    const m = new Map<string, Column>();
    for (const n of this.names) m.set(n, takeColumn(this.cols.get(n)!, rows));
    return new ColumnTable(m, this.names, rows.length, this.source);
  }

  select(names: readonly string[]): Table {
    const m = new Map<string, Column>();
    for (const n of names) m.set(n, this.column(n));
    return new ColumnTable(m, [...names], this.nrows, this.source);
  }

  withColumn(name: string, col: Column): Table {
    if (columnLength(col) !== this.nrows)
      throw new InvalidArgumentError(
        'Table.withColumn',
        name,
        columnLength(col),
        `a column of ${this.nrows} rows`,
      );
    const m = new Map(this.cols);
    m.set(name, col);
    const names = this.cols.has(name) ? this.names : [...this.names, name];
    return new ColumnTable(m, names, this.nrows, this.source);
  }
}

/** Creates a table from typed columns. All columns must have the same length. */
export function createTable(
  columns: Readonly<Record<string, Column>> | ReadonlyMap<string, Column>,
  source?: string,
): Table {
  const entries = columns instanceof Map ? [...columns.entries()] : Object.entries(columns);
  const m = new Map<string, Column>();
  let n = -1;
  for (const [name, col] of entries) {
    const len = columnLength(col);
    if (n === -1) n = len;
    else if (len !== n)
      throw new InvalidArgumentError(
        'createTable',
        `columns.${name}`,
        len,
        `${n} rows like the other columns`,
      );
    m.set(name, col);
  }
  return new ColumnTable(m, [...m.keys()], Math.max(n, 0), source);
}

type Cell = string | number | boolean | null | undefined;

/**
 * Creates a table from plain arrays (the API edge): arrays of numbers become number columns, of
 * booleans boolean columns, anything else category columns; null/undefined are missing.
 * @example fromArrays({ y: [1, 0], group: ['a', 'b'] }).nrows // 2
 */
export function fromArrays(
  data: Readonly<Record<string, readonly Cell[] | Float64Array>>,
  source?: string,
): Table {
  const cols: Record<string, Column> = {};
  for (const [name, values] of Object.entries(data)) {
    if (values instanceof Float64Array) {
      cols[name] = { kind: 'number', values, valid: null };
      continue;
    }
    let allNum = true;
    let allBool = true;
    for (const v of values) {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number') allNum = false;
      if (typeof v !== 'boolean') allBool = false;
    }
    if (allNum && !allBool) cols[name] = numberColumn(values as readonly (number | null | undefined)[]);
    else if (allBool && !allNum)
      cols[name] = booleanColumn(values as readonly (boolean | null | undefined)[]);
    else if (allNum && allBool) cols[name] = numberColumn(values.map(() => null));
    else cols[name] = categoryColumn(values.map((v) => (v === null || v === undefined ? v : String(v))));
  }
  return createTable(cols, source);
}
