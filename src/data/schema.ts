/**
 * @module data/schema
 * Column kinds of loaded data and the rules that infer them from text (pure, browser-safe). The
 * rules are shared with the DuckDB loader, which evaluates the same patterns in SQL
 * (`NUMBER_PATTERN`, `NON_FINITE_PATTERN`), so a file typed in memory and in DuckDB agrees.
 * Type inference in the style of DuckDB's CSV sniffer (https://duckdb.org/docs/data/csv/auto_detection).
 */
import { AequaError, MissingColumnError, show } from '../core/index.js';
import { type Column, type ColumnKind, Validity } from './column.js';

/** One column of a schema: its name, its kind and how many cells are missing. */
export interface SchemaColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullCount: number;
}

/** The kinds of a table's columns, in column order. */
export interface Schema {
  readonly columns: readonly SchemaColumn[];
}

/** Per-column kind overrides given by the user (`LoadOptions.schema`). */
export type SchemaOverrides = Readonly<Record<string, ColumnKind>>;

/**
 * A finite decimal number, optionally signed, with optional exponent and surrounding blanks
 * (RE2 and JavaScript syntax alike, so DuckDB's `regexp_full_match` and `RegExp` agree).
 */
export const NUMBER_PATTERN =
  '[ \\t\\r\\n]*[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?[ \\t\\r\\n]*';

/** Text that spells a non-finite number (NaN, Inf, Infinity; any case, optional sign). */
export const NON_FINITE_PATTERN =
  '[ \\t\\r\\n]*[+-]?([nN][aA][nN]|[iI][nN][fF]([iI][nN][iI][tT][yY])?)[ \\t\\r\\n]*';

/** The characters that trimming removes from both ends of a text value. */
export const TRIM_CHARS = ' \t\r\n';

const NUMBER_RE = new RegExp(`^(?:${NUMBER_PATTERN})$`);
const NON_FINITE_RE = new RegExp(`^(?:${NON_FINITE_PATTERN})$`);
const TRIM_RE = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/**
 * Removes blanks (space, tab, CR, LF) from both ends of `s`.
 * @example trimText('  Male ') // 'Male'
 */
export function trimText(s: string): string {
  return s.replace(TRIM_RE, '');
}

/**
 * True when `s` is a finite decimal number (blanks around it allowed).
 * @example isNumberText(' 1.5e3') // true; isNumberText('NaN') // false
 */
export function isNumberText(s: string): boolean {
  return NUMBER_RE.test(s);
}

/**
 * True when `s` spells NaN or an infinity.
 * @example isNonFiniteText('-inf') // true
 */
export function isNonFiniteText(s: string): boolean {
  return NON_FINITE_RE.test(s);
}

/**
 * True when `s` is `true` or `false` in any case (after trimming).
 * @example isBooleanText('TRUE') // true; isBooleanText('1') // false
 */
export function isBooleanText(s: string): boolean {
  const t = trimText(s).toLowerCase();
  return t === 'true' || t === 'false';
}

/** Counts from a scan of one text column, enough to choose its kind. */
export interface TextStats {
  /** Cells that hold a value (not missing). */
  readonly nonNull: number;
  /** Of those, cells that are finite numbers. */
  readonly numbers: number;
  /** Of those, cells that spell NaN or an infinity. */
  readonly nonFinite: number;
  /** Of those, cells that are true/false. */
  readonly booleans: number;
}

/**
 * The kind of a text column from its counts: `number` when every value is a number (a NaN or
 * Infinity among numbers still makes it a number column, so that loading reports the cell as
 * AEQ_DATA_NAN instead of silently turning the column into text), `boolean` when every value is
 * true/false, otherwise `category`. A column with no values at all is a `category`.
 * @example kindFromStats({ nonNull: 3, numbers: 3, nonFinite: 0, booleans: 0 }) // 'number'
 */
export function kindFromStats(s: TextStats): ColumnKind {
  if (s.nonNull === 0) return 'category';
  if (s.numbers > 0 && s.numbers + s.nonFinite === s.nonNull) return 'number';
  if (s.booleans === s.nonNull) return 'boolean';
  return 'category';
}

/**
 * Scans text cells (null = missing) and returns the counts used by `kindFromStats`.
 * @example textStats(['1', null, 'x']) // { nonNull: 2, numbers: 1, nonFinite: 0, booleans: 0 }
 */
export function textStats(values: readonly (string | null)[]): TextStats {
  let nonNull = 0;
  let numbers = 0;
  let nonFinite = 0;
  let booleans = 0;
  for (const v of values) {
    if (v === null) continue;
    nonNull++;
    if (isNumberText(v)) numbers++;
    else if (isNonFiniteText(v)) nonFinite++;
    else if (isBooleanText(v)) booleans++;
  }
  return { nonNull, numbers, nonFinite, booleans };
}

/**
 * Infers the kind of one text column (see `kindFromStats`).
 * @example inferKind(['true', 'FALSE', null]) // 'boolean'
 */
export function inferKind(values: readonly (string | null)[]): ColumnKind {
  return kindFromStats(textStats(values));
}

/**
 * Infers a schema for text columns; `overrides` win over inference. An override naming a
 * column that does not exist is an error (a typo would otherwise be ignored).
 * @throws {AEQ_DATA_MISSING_COLUMN} when an override names an absent column.
 * @example inferSchema({ age: ['39', '50'], sex: ['Male', null] }).columns
 * // [{ name: 'age', kind: 'number', nullCount: 0 }, { name: 'sex', kind: 'category', nullCount: 1 }]
 */
export function inferSchema(
  columns: Readonly<Record<string, readonly (string | null)[]>>,
  overrides: SchemaOverrides = {},
): Schema {
  const names = Object.keys(columns);
  checkOverrides(overrides, names);
  return {
    columns: names.map((name) => {
      const values = columns[name]!;
      let nullCount = 0;
      for (const v of values) if (v === null) nullCount++;
      return { name, kind: overrides[name] ?? inferKind(values), nullCount };
    }),
  };
}

/** Throws MissingColumnError when an override names a column that is not in `names`. */
export function checkOverrides(overrides: SchemaOverrides, names: readonly string[], source?: string): void {
  for (const name of Object.keys(overrides)) {
    if (!names.includes(name)) throw new MissingColumnError(name, names, source, 'schema override');
  }
}

/**
 * Compares strings by Unicode code point, which is also the byte order of their UTF-8 encoding
 * and so the order DuckDB sorts VARCHAR in. Category levels are sorted this way everywhere.
 * @example ['b', 'B', 'a'].sort(compareCodePoints) // ['B', 'a', 'b']
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Where a column came from, for messages. */
export interface ColumnContext {
  /** Column name. */
  readonly name?: string;
  /** File or description. */
  readonly source?: string;
}

/**
 * Converts text cells (null = missing) to a typed column of `kind`. Numbers are parsed after
 * trimming; booleans accept true/false in any case (and 1/0); categories get levels sorted by
 * code point (`compareCodePoints`), so the same data gives the same codes on every path.
 * @throws {AEQ_DATA_NAN} when a number cell spells NaN or an infinity (the row is 1-based).
 * @throws {AEQ_DATA_TYPE} when a cell cannot be read as `kind`.
 * @example columnFromStrings(['1', null, ' 2.5'], 'number') // { kind: 'number', values: [1, 0, 2.5], valid: 1 0 1 }
 */
export function columnFromStrings(
  values: readonly (string | null)[],
  kind: ColumnKind,
  ctx: ColumnContext = {},
): Column {
  const n = values.length;
  let valid: Validity | null = null;
  const miss = (i: number) => {
    valid ??= new Validity(n);
    valid.setValid(i, false);
  };
  switch (kind) {
    case 'number': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        if (v === null) {
          miss(i);
          continue;
        }
        if (isNumberText(v)) {
          const x = Number(trimText(v));
          if (Number.isFinite(x)) {
            out[i] = x;
            continue;
          }
        }
        if (isNonFiniteText(v) || isNumberText(v)) throw nanError(ctx, i + 1, v);
        throw typeError(ctx, i + 1, v, 'number');
      }
      return { kind: 'number', values: out, valid };
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        if (v === null) {
          miss(i);
          continue;
        }
        const t = trimText(v).toLowerCase();
        if (t === 'true' || t === '1') out[i] = 1;
        else if (t !== 'false' && t !== '0') throw typeError(ctx, i + 1, v, 'boolean');
      }
      return { kind: 'boolean', values: out, valid };
    }
    case 'category': {
      const distinct = new Set<string>();
      for (const v of values) if (v !== null) distinct.add(v);
      const levels = [...distinct].sort(compareCodePoints);
      const index = new Map<string, number>();
      for (let k = 0; k < levels.length; k++) index.set(levels[k]!, k);
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        if (v === null) {
          miss(i);
          codes[i] = -1;
        } else codes[i] = index.get(v)!;
      }
      return { kind: 'category', codes, levels, valid };
    }
  }
}

/** AEQ_DATA_NAN for a cell (row is 1-based, header not counted). */
export function nanError(ctx: ColumnContext, row: number, value: unknown): AequaError {
  const col = ctx.name === undefined ? 'A number column' : `Column "${ctx.name}"`;
  const where = ctx.source === undefined ? '' : ` of ${ctx.source}`;
  return new AequaError(
    'AEQ_DATA_NAN',
    `${col}${where} holds ${show(value)} at data row ${row}; numbers must be finite, and missing cells must be marked missing.`,
    {
      hint: `Leave the cell empty, or declare the marker missing (--na ${typeof value === 'string' ? trimText(value) : 'NaN'}).`,
      details: { column: ctx.name, row, value: String(value) },
    },
  );
}

/** AEQ_DATA_TYPE for a cell that cannot be read as the declared kind. */
export function typeError(ctx: ColumnContext, row: number, value: unknown, kind: ColumnKind): AequaError {
  const col = ctx.name === undefined ? 'A column' : `Column "${ctx.name}"`;
  const where = ctx.source === undefined ? '' : ` of ${ctx.source}`;
  return new AequaError(
    'AEQ_DATA_TYPE',
    `${col}${where} is declared ${kind} but holds ${show(value)} at data row ${row}.`,
    {
      hint: `Fix the cell, or declare the column as category in the schema override.`,
      details: { column: ctx.name, row, value: String(value), kind },
    },
  );
}
