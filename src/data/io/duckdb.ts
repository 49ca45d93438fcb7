/**
 * @module data/io/duckdb
 * A file opened as a DuckDB relation with aequa's quirk rules applied, usable both for SQL
 * pushdown (`SqlExecutor`) and for loading into a `Table` (https://duckdb.org/docs/api/node_neo/overview).
 * Quirk rules: CSV/TSV are read as text (`all_varchar`), then text is trimmed (`trim`, default
 * on), empty cells and `na` markers become NULL, and only then are kinds inferred (`data/schema.ts`);
 * a repeated header name keeps its first copy and renames later ones `_1`, `_2` (AEQ_W_DUPLICATE_COLUMN).
 */
// @duckdb/node-api: DuckDB's own Node client ("Neo"), chunked typed reads; the older `duckdb` package is deprecated.
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { AequaError, InvalidArgumentError, MissingColumnError, show } from '../../core/index.js';
import { type Column, type ColumnKind, Validity } from '../column.js';
import {
  checkOverrides,
  compareCodePoints,
  isNonFiniteText,
  isNumberText,
  kindFromStats,
  NON_FINITE_PATTERN,
  NUMBER_PATTERN,
  nanError,
  type Schema,
  type SchemaColumn,
  typeError,
} from '../schema.js';
import { createTable, type Table } from '../table.js';
import { readArrow } from './arrow.js';
import { checkContent, formatError, formatFromPath, readHead, sniffDialect } from './formats.js';
import { DEFAULT_MAX_BYTES, INPUT_FORMATS, type LoadOptions } from './options.js';

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes an SQL string literal. */
export function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The blanks `trim` removes, as an SQL expression (space, tab, CR, LF). */
const BLANKS = "(' ' || chr(9) || chr(13) || chr(10))";
const RAW = 'aequa_raw';
const TEXT = 'aequa_text';
const DATA = 'aequa_data';

/** How a source column is stored in DuckDB before typing. */
type Storage = 'text' | 'number' | 'float' | 'boolean';

interface SourceColumn {
  readonly name: string;
  readonly storage: Storage;
  readonly kind: ColumnKind;
  readonly nullCount: number;
}

/**
 * A data file opened in an in-memory DuckDB database. `relation` is a view holding the cleaned,
 * typed data (numbers as DOUBLE, categories as VARCHAR, booleans as BOOLEAN), so SQL producers
 * aggregate it without loading rows; `toTable` loads it into typed arrays. Close it when done.
 * It implements `SqlExecutor` (metrics/producers/types.ts) structurally: data/ may not import
 * from metrics/, so the conformance is checked by a type assertion in load.test.ts.
 */
export class DuckDbSource {
  readonly dialect = 'duckdb' as const;
  readonly relation = quoteIdent(DATA);
  readonly description: string;
  /** Kinds and missing counts of the columns, in file order. */
  readonly schema: Schema;
  /** Number of data rows (after `limit`). */
  readonly nrows: number;
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;
  private readonly size: number;
  private readonly maxBytes: number;
  private readonly memory: Table | null;
  /** True when scanning the relation re-parses text (CSV, JSON), so that two scans cost two parses. */
  private readonly textual: boolean;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private typeCounter = 0;

  /** @internal Use `openSource` or `openTable`. */
  constructor(init: {
    instance: DuckDBInstance;
    conn: DuckDBConnection;
    description: string;
    schema: Schema;
    nrows: number;
    size: number;
    maxBytes: number;
    memory: Table | null;
    textual?: boolean;
  }) {
    this.instance = init.instance;
    this.conn = init.conn;
    this.description = init.description;
    this.schema = init.schema;
    this.nrows = init.nrows;
    this.size = init.size;
    this.maxBytes = init.maxBytes;
    this.memory = init.memory;
    this.textual = init.textual ?? false;
  }

  /** Column names of the relation, in file order. */
  async columns(): Promise<readonly string[]> {
    return this.schema.columns.map((c) => c.name);
  }

  /**
   * Runs SQL and returns plain rows: BIGINT/HUGEINT/DECIMAL as JS numbers, dates and timestamps
   * as ISO strings, NULL as null. Queries on one source run one at a time.
   * @throws {AEQ_SQL_CONNECTION} when DuckDB rejects the query (the message is DuckDB's).
   */
  async query(sql: string, params?: readonly unknown[]): Promise<readonly Record<string, unknown>[]> {
    return this.serial(async () => {
      let rows: Record<string, unknown>[];
      try {
        const reader = await this.conn.runAndReadAll(
          sql,
          params === undefined ? undefined : (params as DuckDBValue[]),
        );
        rows = reader.getRowObjectsJS() as Record<string, unknown>[];
      } catch (e) {
        throw new AequaError(
          'AEQ_SQL_CONNECTION',
          `DuckDB query on ${this.description} failed: ${firstLine(e)}`,
          {
            hint: `Check the SQL; the data is in the relation ${this.relation}.`,
            cause: e,
            details: { sql },
          },
        );
      }
      for (const row of rows) for (const k of Object.keys(row)) row[k] = plain(row[k]);
      return rows;
    });
  }

  /**
   * Loads the data (or only `columns`) into a Table: numbers into Float64Array, categories into
   * Int32Array codes with levels sorted by code point, booleans into Uint8Array. Reads DuckDB's
   * chunks straight into preallocated arrays, with no per-row objects.
   * @throws {AEQ_IO_TOO_LARGE} when the file is larger than `maxBytes`.
   * @throws {AEQ_DATA_MISSING_COLUMN} when a requested column is absent.
   */
  async toTable(columns?: readonly string[]): Promise<Table> {
    checkSize(this.description, this.size, this.maxBytes);
    const all = this.schema.columns.map((c) => c.name);
    const names = columns === undefined ? all : [...columns];
    for (const n of names) if (!all.includes(n)) throw new MissingColumnError(n, all, this.description);
    if (this.memory !== null) return this.memory.select(names);
    return this.serial(() => this.materialise(names));
  }

  /** Closes the database; further calls fail. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => {});
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed)
      return Promise.reject(
        new AequaError('AEQ_SQL_CONNECTION', `The DuckDB source for ${this.description} is closed.`),
      );
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async materialise(names: readonly string[]): Promise<Table> {
    const n = this.nrows;
    const specs = names.map((name) => this.schema.columns.find((c) => c.name === name)!);
    const levels: (readonly string[] | null)[] = [];
    const perms: (Int32Array | null)[] = [];
    const exprs: string[] = [];
    // With category columns the data is scanned twice (levels, then codes): parse the file once
    // into a temporary table of the needed columns rather than twice.
    let from = this.relation;
    const temp = `aequa_mat_${this.typeCounter++}`;
    const twoPass = this.textual && specs.some((c) => c.kind === 'category' && c.nullCount < n);
    if (twoPass) {
      try {
        await this.conn.run(
          `CREATE TEMP TABLE ${temp} AS SELECT ${specs.map((c) => quoteIdent(c.name)).join(', ')} FROM ${this.relation}`,
        );
      } catch (e) {
        throw readError(this.description, e);
      }
      from = temp;
    }
    try {
      return await this.readColumns(specs, from, levels, perms, exprs);
    } finally {
      if (twoPass) await this.conn.run(`DROP TABLE IF EXISTS ${temp}`);
    }
  }

  private async readColumns(
    specs: readonly SchemaColumn[],
    from: string,
    levels: (readonly string[] | null)[],
    perms: (Int32Array | null)[],
    exprs: string[],
  ): Promise<Table> {
    const n = this.nrows;
    for (const c of specs) {
      const id = quoteIdent(c.name);
      if (c.kind === 'number') {
        // NaN marks NULL: loading rejected real NaN earlier (AEQ_DATA_NAN), so it is free.
        exprs.push(`coalesce(CAST(${id} AS DOUBLE), 'NaN'::DOUBLE)`);
        levels.push(null);
        perms.push(null);
      } else if (c.kind === 'boolean') {
        exprs.push(`coalesce(CAST(${id} AS UTINYINT), 2)`);
        levels.push(null);
        perms.push(null);
      } else if (c.nullCount === n) {
        exprs.push('CAST(-1 AS INTEGER)');
        levels.push([]);
        perms.push(null);
      } else {
        const type = `aequa_enum_${this.typeCounter++}`;
        await this.conn.run(
          `CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${id} FROM ${from} WHERE ${id} IS NOT NULL ORDER BY ${id})`,
        );
        const r = await this.conn.runAndReadAll(`SELECT enum_range(NULL::${type}) AS r`);
        const duck = (r.getRowObjectsJS()[0]!.r as string[]).map(String);
        const sorted = [...duck].sort(compareCodePoints);
        let perm: Int32Array | null = null;
        if (sorted.some((v, k) => v !== duck[k])) {
          const at = new Map(sorted.map((v, k) => [v, k]));
          perm = Int32Array.from(duck, (v) => at.get(v)!);
        }
        exprs.push(`coalesce(CAST(enum_code(CAST(${id} AS ${type})) AS INTEGER), -1)`);
        levels.push(sorted);
        perms.push(perm);
      }
    }
    const buffers = specs.map((c) =>
      c.kind === 'number'
        ? new Float64Array(n)
        : c.kind === 'boolean'
          ? new Uint8Array(n)
          : new Int32Array(n),
    );
    const valids: (Validity | null)[] = specs.map((c) => (c.nullCount > 0 ? new Validity(n) : null));
    const sql = `SELECT ${exprs.length ? exprs.join(', ') : '1'} FROM ${from}`;
    let offset = 0;
    try {
      const result = await this.conn.stream(sql);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        const m = chunk.rowCount;
        if (offset + m > n) throw new Error(`more rows than the ${n} counted when the file was opened`);
        for (let j = 0; j < specs.length; j++) {
          const vec = chunk.getColumnVector(j);
          const buf = buffers[j]!;
          const valid = valids[j]!;
          const kind = specs[j]!.kind;
          const perm = perms[j]!;
          for (let i = 0; i < m; i++) {
            const x = vec.getItem(i) as number;
            const row = offset + i;
            if (kind === 'number') {
              if (Number.isNaN(x)) valid!.setValid(row, false);
              else if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY)
                throw nanError({ name: specs[j]!.name, source: this.description }, row + 1, x);
              else buf[row] = x;
            } else if (kind === 'boolean') {
              if (x === 2) valid!.setValid(row, false);
              else buf[row] = x;
            } else {
              if (x < 0) valid!.setValid(row, false);
              buf[row] = perm === null || x < 0 ? x : perm[x]!;
            }
          }
        }
        offset += m;
      }
    } catch (e) {
      if (e instanceof AequaError) throw e;
      throw readError(this.description, e);
    }
    if (offset !== n) throw readError(this.description, new Error(`read ${offset} rows, expected ${n}`));
    const cols = new Map<string, Column>();
    specs.forEach((c, j) => {
      const valid = valids[j]!;
      const buf = buffers[j]!;
      if (c.kind === 'number') cols.set(c.name, { kind: 'number', values: buf as Float64Array, valid });
      else if (c.kind === 'boolean') cols.set(c.name, { kind: 'boolean', values: buf as Uint8Array, valid });
      else cols.set(c.name, { kind: 'category', codes: buf as Int32Array, levels: levels[j]!, valid });
    });
    return createTable(cols, this.description);
  }
}

/** Converts a DuckDB JS value to a plain, JSON-friendly value. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.trim();
}

/** Wraps a DuckDB read error as AEQ_IO_FORMAT, quoting the line of a ragged CSV row when DuckDB names it. */
function readError(
  path: string,
  e: unknown,
  format = 'csv' as 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl',
): AequaError {
  const msg = e instanceof Error ? e.message : String(e);
  const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
  const original = /Original Line: ?(.*)/.exec(msg)?.[1];
  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
  if (line !== undefined && fields !== null) {
    return new AequaError(
      'AEQ_IO_FORMAT',
      `Line ${line} of "${path}" has ${fields[2]} fields but the file has ${fields[1]} columns${original === undefined ? '' : `: ${show(original)}`}.`,
      {
        hint: 'Fix or remove that line, or check the delimiter (--delimiter) and quoting.',
        cause: e,
        details: { path, line: Number(line), expected: Number(fields[1]), found: Number(fields[2]) },
      },
    );
  }
  return formatError(path, format, line === undefined ? firstLine(e) : `line ${line}: ${firstLine(e)}`, e);
}

/** Throws AEQ_IO_TOO_LARGE when `size` is above `maxBytes`. */
export function checkSize(path: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new AequaError(
      'AEQ_IO_TOO_LARGE',
      `"${path}" is ${size} bytes, above the ${maxBytes}-byte limit for loading into memory.`,
      {
        hint: 'Use SQL pushdown (--engine duckdb), which aggregates in DuckDB without loading rows, or raise maxBytes.',
        details: { path, size, maxBytes },
      },
    );
  }
}

function emptyError(path: string, why: string): AequaError {
  return new AequaError('AEQ_DATA_EMPTY', `"${path}" has no data rows (${why}).`, {
    hint: 'Check the file, --skip and --header; an audit needs at least one row.',
    details: { path },
  });
}

function validateOptions(opts: LoadOptions): void {
  const fn = 'openSource';
  if (opts.format !== undefined && !(opts.format in INPUT_FORMATS))
    throw new InvalidArgumentError(
      fn,
      'format',
      opts.format,
      `one of ${Object.keys(INPUT_FORMATS).join(', ')}`,
    );
  for (const key of ['skip', 'limit'] as const) {
    const v = opts[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0))
      throw new InvalidArgumentError(fn, key, v, 'a non-negative integer');
  }
  if (opts.maxBytes !== undefined && !(opts.maxBytes > 0))
    throw new InvalidArgumentError(fn, 'maxBytes', opts.maxBytes, 'a positive number');
  if (
    opts.delimiter !== undefined &&
    (opts.delimiter.length !== 1 || opts.delimiter === '"' || /[\r\n]/.test(opts.delimiter))
  )
    throw new InvalidArgumentError(
      fn,
      'delimiter',
      opts.delimiter,
      'one character other than a quote or a line break',
    );
  if (opts.columns !== undefined && opts.columns.length === 0)
    throw new InvalidArgumentError(fn, 'columns', [], 'at least one column name');
}

async function createDb(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  return { instance, conn };
}

/**
 * Opens a data file (CSV, TSV, Parquet, JSON, JSON Lines, Arrow IPC; `.gz` for text) in an
 * in-memory DuckDB database, applies the quirk rules and infers the schema with one scan.
 * Arrow files are decoded in memory and registered in DuckDB as a table.
 * @throws {AEQ_IO_FILE_NOT_FOUND} when the file does not exist.
 * @throws {AEQ_IO_FORMAT} when it is not what its extension (or `format`) says, or a row is ragged.
 * @throws {AEQ_DATA_EMPTY} when it has no data rows.
 * @throws {AEQ_DATA_NAN} when a number column holds NaN or an infinity.
 * @example const src = await openSource('adult.data', { columns: names, na: ['?'] }); src.nrows // 32561
 */
export async function openSource(path: string, opts: LoadOptions = {}): Promise<DuckDbSource> {
  validateOptions(opts);
  const byName = formatFromPath(path);
  const format = opts.format ?? byName.format;
  const head = await readHead(path, byName.gzip);
  if (head.size === 0) throw emptyError(path, 'the file is empty');
  checkContent(path, format, byName.gzip, head);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (format === 'arrow') {
    const table = await readArrow(path, opts);
    if (table.nrows === 0) throw emptyError(path, 'the Arrow file holds no rows');
    return openTable(table, { description: path, size: head.size, maxBytes });
  }

  let reader: string;
  let names: readonly string[] | null = null;
  if (format === 'csv' || format === 'tsv') {
    const d = sniffDialect(path, format, head, opts);
    if (d.names.length === 0) throw emptyError(path, 'no lines after the skipped ones');
    names = d.names;
    const cols = d.names.map((n) => `${quoteLiteral(n)}: 'VARCHAR'`).join(', ');
    reader =
      `read_csv(${quoteLiteral(path)}, auto_detect=false, header=${d.header}, skip=${opts.skip ?? 0}, ` +
      `delim=${quoteLiteral(d.delimiter)}, quote='"', escape='"', columns={${cols}}, ` +
      `compression=${byName.gzip ? "'gzip'" : "'none'"})`;
  } else if (format === 'parquet') {
    reader = `read_parquet(${quoteLiteral(path)})`;
  } else {
    const mode = format === 'jsonl' ? 'newline_delimited' : 'auto';
    reader = `read_json(${quoteLiteral(path)}, format='${mode}'${byName.gzip ? ", compression='gzip'" : ''})`;
  }

  const { instance, conn } = await createDb();
  try {
    const limit = opts.limit === undefined ? '' : ` LIMIT ${opts.limit}`;
    try {
      await conn.run(`CREATE VIEW ${RAW} AS SELECT * FROM ${reader}${limit}`);
    } catch (e) {
      throw readError(path, e, format);
    }
    const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${RAW}`)).getRowObjectsJS();
    const rawNames = described.map((r) => String(r.column_name));
    const rawTypes = described.map((r) => String(r.column_type));
    const storages = rawTypes.map(storageOf);
    const finalNames = names ?? rawNames;
    checkOverrides(opts.schema ?? {}, finalNames, path);
    const trim = opts.trim ?? true;
    const na = [...(opts.na ?? [])];

    // View 1: text cleaned (trim, empty and NA markers -> NULL); numbers and booleans as read.
    const inner = rawNames.map((raw, j) => {
      const id = quoteIdent(raw);
      const s = storages[j]!;
      if (s !== 'text') return `${id} AS ${quoteIdent(finalNames[j]!)}`;
      const base = rawTypes[j] === 'JSON' ? `(${id} ->> '$')` : `CAST(${id} AS VARCHAR)`;
      return `${trim ? `trim(${base}, ${BLANKS})` : base} AS ${quoteIdent(finalNames[j]!)}`;
    });
    const missing = ["''", ...na.map(quoteLiteral)].join(', ');
    const outer = finalNames.map((name, j) => {
      const id = quoteIdent(name);
      return storages[j] === 'text'
        ? `CASE WHEN ${id} IN (${missing}) THEN NULL ELSE ${id} END AS ${id}`
        : id;
    });
    await conn.run(
      `CREATE VIEW ${TEXT} AS SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${RAW})`,
    );

    // One scan: row count, and per column the counts that decide its kind.
    const aggs = ['count(*) AS n'];
    finalNames.forEach((name, j) => {
      const id = quoteIdent(name);
      aggs.push(`count(${id}) AS nn_${j}`);
      const s = storages[j]!;
      if (s === 'text') {
        aggs.push(
          `count(*) FILTER (WHERE regexp_full_match(${id}, ${quoteLiteral(NUMBER_PATTERN)})) AS num_${j}`,
        );
        aggs.push(
          `count(*) FILTER (WHERE regexp_full_match(${id}, ${quoteLiteral(NON_FINITE_PATTERN)})) AS nf_${j}`,
        );
        aggs.push(`count(*) FILTER (WHERE lower(trim(${id}, ${BLANKS})) IN ('true', 'false')) AS b_${j}`);
      } else if (s === 'float') aggs.push(`count(*) FILTER (WHERE NOT isfinite(${id})) AS nf_${j}`);
    });
    let stats: Record<string, unknown>;
    try {
      stats = (await conn.runAndReadAll(`SELECT ${aggs.join(', ')} FROM ${TEXT}`)).getRowObjectsJS()[0]!;
    } catch (e) {
      throw readError(path, e, format);
    }
    const num = (k: string) => Number(stats[k] ?? 0);
    const nrows = num('n');
    if (nrows === 0) throw emptyError(path, opts.limit === 0 ? 'limit is 0' : 'only a header or blank lines');

    const columns: SourceColumn[] = [];
    for (let j = 0; j < finalNames.length; j++) {
      const name = finalNames[j]!;
      const s = storages[j]!;
      const nonNull = num(`nn_${j}`);
      const inferred: ColumnKind =
        s === 'text'
          ? kindFromStats({
              nonNull,
              numbers: num(`num_${j}`),
              nonFinite: num(`nf_${j}`),
              booleans: num(`b_${j}`),
            })
          : s === 'boolean'
            ? 'boolean'
            : 'number';
      const kind = opts.schema?.[name] ?? inferred;
      columns.push({ name, storage: s, kind, nullCount: nrows - nonNull });
      // Look for the offending row only when the counts say there is one (or for an override).
      const suspect =
        opts.schema?.[name] !== undefined ||
        (kind === 'number' && num(`nf_${j}`) > 0) ||
        (kind === 'number' && s === 'text' && num(`num_${j}`) < nonNull);
      if (suspect) await checkColumn(conn, path, name, s, kind);
    }

    const typed = columns.map((c) => `${typedExpr(c)} AS ${quoteIdent(c.name)}`);
    await conn.run(`CREATE VIEW ${DATA} AS SELECT ${typed.join(', ')} FROM ${TEXT}`);
    const schema: Schema = {
      columns: columns.map(({ name, kind, nullCount }): SchemaColumn => ({ name, kind, nullCount })),
    };
    return new DuckDbSource({
      instance,
      conn,
      description: path,
      schema,
      nrows,
      size: head.size,
      maxBytes,
      memory: null,
    });
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    throw e;
  }
}

function storageOf(type: string): Storage {
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DOUBLE' || type === 'FLOAT') return 'float';
  if (/^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|DECIMAL\(\d+,\s*\d+\))$/.test(type)) return 'number';
  return 'text';
}

/** The SQL that turns a cleaned column into its kind. */
function typedExpr(c: SourceColumn): string {
  const id = quoteIdent(c.name);
  switch (c.kind) {
    case 'number':
      return c.storage === 'text' ? `CAST(trim(${id}, ${BLANKS}) AS DOUBLE)` : `CAST(${id} AS DOUBLE)`;
    case 'boolean':
      if (c.storage === 'text') return `(lower(trim(${id}, ${BLANKS})) IN ('true', '1'))`;
      return c.storage === 'boolean' ? id : `(${id} <> 0)`;
    case 'category':
      return c.storage === 'text' ? id : `CAST(${id} AS VARCHAR)`;
  }
}

/**
 * Checks the cells of a column against its kind and throws for the first bad one (row numbers
 * count data rows from 1): NaN/infinity in a number column (AEQ_DATA_NAN), or a value that does
 * not fit an overridden kind (AEQ_DATA_TYPE). Called only when the inference counts show a
 * problem or the kind was overridden, since numbering rows costs a full scan.
 */
async function checkColumn(
  conn: DuckDBConnection,
  path: string,
  name: string,
  s: Storage,
  kind: ColumnKind,
): Promise<void> {
  const id = quoteIdent(name);
  const t = `trim(${id}, ${BLANKS})`;
  let bad: string | null = null;
  if (kind === 'number') {
    if (s === 'text')
      bad = `NOT regexp_full_match(${id}, ${quoteLiteral(NUMBER_PATTERN)}) OR NOT isfinite(TRY_CAST(${t} AS DOUBLE))`;
    else if (s === 'float') bad = `NOT isfinite(${id})`;
  } else if (kind === 'boolean') {
    if (s === 'text') bad = `lower(${t}) NOT IN ('true', 'false', '1', '0')`;
    else if (s !== 'boolean') bad = `${id} NOT IN (0, 1)`;
  }
  if (bad === null) return;
  const r = await conn.runAndReadAll(
    `SELECT aequa_row_n AS n, CAST(${id} AS VARCHAR) AS v FROM (SELECT row_number() OVER () AS aequa_row_n, ${id} FROM ${TEXT}) ` +
      `WHERE ${id} IS NOT NULL AND (${bad}) LIMIT 1`,
  );
  const row = r.getRowObjectsJS()[0];
  if (row === undefined) return;
  const at = Number(row.n);
  const value = String(row.v);
  const ctx = { name, source: path };
  if (kind === 'number' && (s === 'float' || isNonFiniteText(value) || isNumberText(value)))
    throw nanError(ctx, at, value);
  throw typeError(ctx, at, value, kind);
}

/**
 * Opens an in-memory Table as a DuckDB source (the table is copied into a DuckDB table), so the
 * same rows can be aggregated by SQL. Used for Arrow files and by tests comparing producers.
 * @example const src = await openTable(fromArrays({ y: [1, 0] })); await src.query('SELECT count(*) AS n FROM ' + src.relation) // [{ n: 2 }]
 */
export async function openTable(
  table: Table,
  opts: { description?: string; size?: number; maxBytes?: number } = {},
): Promise<DuckDbSource> {
  const { instance, conn } = await createDb();
  try {
    const cols = table.names.map((name) => ({ name, col: table.column(name) }));
    const ddl = cols.map(({ name, col }) => `${quoteIdent(name)} ${sqlType(col.kind)}`).join(', ');
    await conn.run(`CREATE TABLE ${RAW} (${ddl})`);
    const appender = await conn.createAppender(RAW);
    for (let i = 0; i < table.nrows; i++) {
      for (const { col } of cols) {
        if (col.valid !== null && !col.valid.isValid(i)) appender.appendNull();
        else if (col.kind === 'number') appender.appendDouble(col.values[i]!);
        else if (col.kind === 'boolean') appender.appendBoolean(col.values[i] === 1);
        else appender.appendVarchar(col.levels[col.codes[i]!]!);
      }
      appender.endRow();
    }
    appender.closeSync();
    await conn.run(`CREATE VIEW ${DATA} AS SELECT * FROM ${RAW}`);
    const schema: Schema = {
      columns: cols.map(({ name, col }) => ({
        name,
        kind: col.kind,
        nullCount: col.valid === null ? 0 : col.valid.length - col.valid.count(),
      })),
    };
    return new DuckDbSource({
      instance,
      conn,
      description: opts.description ?? table.source ?? '(in-memory table)',
      schema,
      nrows: table.nrows,
      size: opts.size ?? 0,
      maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
      memory: table,
    });
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    throw e;
  }
}

function sqlType(kind: ColumnKind): string {
  return kind === 'number' ? 'DOUBLE' : kind === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
}

/**
 * Opens the result of a DuckDB SQL query as a source, for pushdown over data DuckDB can reach
 * itself: `SELECT * FROM read_parquet('part-*.parquet') WHERE year = 2024`, or a table of a
 * DuckDB database file (`database`, opened read-only). Numeric columns become DOUBLE, booleans
 * stay BOOLEAN, everything else is text.
 * @throws {AEQ_SQL_CONNECTION} when the database cannot be opened or the query fails.
 * @example const src = await openDuckDbQuery('SELECT 1 AS y'); await src.columns() // ['y']
 */
export async function openDuckDbQuery(
  query: string,
  opts: { database?: string; maxBytes?: number } = {},
): Promise<DuckDbSource> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  let instance: DuckDBInstance;
  try {
    instance =
      opts.database === undefined
        ? await DuckDBInstance.create(':memory:')
        : await DuckDBInstance.create(opts.database, { access_mode: 'READ_ONLY' });
  } catch (e) {
    throw new AequaError(
      'AEQ_SQL_CONNECTION',
      `Cannot open the DuckDB database "${opts.database}": ${firstLine(e)}`,
      {
        cause: e,
        hint: 'Check the path of the database file.',
      },
    );
  }
  const conn = await instance.connect();
  try {
    let described: { name: string; type: string }[];
    try {
      const d = await conn.runAndReadAll(`DESCRIBE SELECT * FROM (${query}) AS q`);
      described = d
        .getRowObjectsJS()
        .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    } catch (e) {
      throw new AequaError('AEQ_SQL_CONNECTION', `The DuckDB query failed: ${firstLine(e)}`, {
        cause: e,
        hint: 'Run the query in DuckDB to check it; quote identifiers with double quotes.',
      });
    }
    const kinds = described.map((c) => ({ name: c.name, kind: duckKind(c.type) }));
    const select = kinds
      .map(({ name, kind }) => `CAST(${quoteIdent(name)} AS ${sqlType(kind)}) AS ${quoteIdent(name)}`)
      .join(', ');
    // A temporary view: it lives in the temp catalog, so a read-only database works too.
    await conn.run(`CREATE TEMP VIEW ${DATA} AS SELECT ${select} FROM (${query}) AS q`);
    const counts = await conn.runAndReadAll(
      `SELECT count(*) AS n, ${kinds.map(({ name }, i) => `count(${quoteIdent(name)}) AS c${i}`).join(', ')} FROM ${DATA}`,
    );
    const row = counts.getRowObjectsJS()[0]!;
    const n = Number(row.n);
    const schema: Schema = {
      columns: kinds.map(({ name, kind }, i) => ({ name, kind, nullCount: n - Number(row[`c${i}`]) })),
    };
    return new DuckDbSource({
      instance,
      conn,
      description: opts.database ? `${opts.database} (query)` : 'DuckDB query',
      schema,
      nrows: n,
      size: 0,
      maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
      memory: null,
    });
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    throw e;
  }
}

function duckKind(type: string): ColumnKind {
  const t = type.toUpperCase();
  if (t === 'BOOLEAN') return 'boolean';
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(
      t,
    )
  )
    return 'number';
  return 'category';
}
