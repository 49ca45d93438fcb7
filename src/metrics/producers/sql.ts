/**
 * @module metrics/producers/sql
 * The SQL pushdown producer (DESIGN idea 1): the statistics cube computed where the data lives, by
 * one `GROUP BY` query per statistic family, in DuckDB (https://duckdb.org/docs/sql/query_syntax/groupby)
 * or PostgreSQL (https://www.postgresql.org/docs/current/queries-table-expressions.html#QUERIES-GROUP).
 * Pure: it writes SQL text and parses rows into a cube through a `SqlExecutor`; it imports no driver.
 * Identifiers are always quoted, text values are bound as parameters, and numbers are cast to
 * DOUBLE PRECISION in SQL and formatted with `String(x)` in JS, so that group keys, classes and sums
 * equal those of the in-memory producer (`memory.ts`), which the conformance suite checks.
 */

import { AequaError, MissingColumnError } from '../../core/index.js';
import type {
  ClassMatrix,
  Confusion,
  RegressionMoments,
  ScoreHistogram,
  StatsCell,
  StatsCube,
} from '../stats/types.js';
import {
  type ColumnRole,
  compareCellKeys,
  missingValuesError,
  type ResolvedSpec,
  resolveSpec,
  sortClassNames,
} from './memory.js';
import type { SqlExecutor, StatsProducer, StatsSpec } from './types.js';

/** How a column's SQL type is treated: numbers are cast to DOUBLE PRECISION, anything else but booleans to text. */
export type SqlKind = 'number' | 'boolean' | 'text';

type Dialect = SqlExecutor['dialect'];

const DOUBLE = 'DOUBLE PRECISION';
const NUMBER_TYPE =
  /^(tinyint|smallint|integer|int|bigint|hugeint|utinyint|usmallint|uinteger|ubigint|uhugeint|float|real|double|decimal|numeric|int2|int4|int8|float4|float8)\b/i;

/**
 * Quotes an SQL identifier: wrapped in double quotes, embedded double quotes doubled. Valid in both
 * DuckDB and PostgreSQL; every column name reaches SQL through it.
 * @example quoteIdentifier('we"ird col') // '"we""ird col"'
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The kind of an SQL type name as DuckDB's `typeof` or PostgreSQL's `pg_typeof` spell it.
 * @example sqlKind('DECIMAL(10,2)') // 'number'
 */
export function sqlKind(type: string): SqlKind {
  if (NUMBER_TYPE.test(type.trim())) return 'number';
  if (/^bool(ean)?$/i.test(type.trim())) return 'boolean';
  return 'text';
}

/** Collects bound parameters of one query; returns their placeholders ($1, $2, …: both dialects). */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** A finite JS number as an SQL DOUBLE PRECISION literal that reads back as the same double. */
function doubleLiteral(x: number): string {
  const s = String(x);
  // String() of a finite number is digits, '.', 'e', '+' and '-' only; checked so no text can slip in.
  if (!Number.isFinite(x) || !/^-?[0-9.]+(e[+-]?[0-9]+)?$/.test(s))
    throw new AequaError(
      'AEQ_INVALID_ARGUMENT',
      `Cannot write ${s} as an SQL number; a finite number was expected.`,
    );
  return `CAST(${s} AS ${DOUBLE})`;
}

function asDouble(expr: string): string {
  return `CAST(${expr} AS ${DOUBLE})`;
}

/** A value expression whose result the JS side formats like the memory producer does. */
function valueExpr(col: string, kind: SqlKind): string {
  const q = quoteIdentifier(col);
  if (kind === 'number') return asDouble(q);
  if (kind === 'boolean') return q;
  return `CAST(${q} AS VARCHAR)`;
}

/** 1 when the column's value (as `String(x)`) is one of `positive`, else 0. */
function positiveExpr(col: string, kind: SqlKind, positive: readonly string[], params: Params): string {
  const q = quoteIdentifier(col);
  if (kind === 'boolean') {
    const t = positive.includes('true') ? 1 : 0;
    const f = positive.includes('false') ? 1 : 0;
    return `CASE WHEN ${q} THEN ${t} ELSE ${f} END`;
  }
  if (kind === 'number') {
    const nums = [...new Set(positive.filter((p) => p.trim() !== '' && String(Number(p)) === p).map(Number))];
    if (nums.length === 0) return '0';
    return `CASE WHEN ${asDouble(q)} IN (${nums.map(doubleLiteral).join(', ')}) THEN 1 ELSE 0 END`;
  }
  if (positive.length === 0) return '0';
  return `CASE WHEN CAST(${q} AS VARCHAR) IN (${positive.map((p) => params.add(p)).join(', ')}) THEN 1 ELSE 0 END`;
}

function nonFiniteExpr(col: string, dialect: Dialect): string {
  const x = asDouble(quoteIdentifier(col));
  if (dialect === 'duckdb') return `NOT isfinite(${x})`;
  // PostgreSQL has no isfinite(float8); NaN equals NaN there, so IN finds it.
  return `${x} IN (CAST('NaN' AS ${DOUBLE}), CAST('Infinity' AS ${DOUBLE}), CAST('-Infinity' AS ${DOUBLE}))`;
}

function countWhere(cond: string): string {
  return `CAST(count(*) FILTER (WHERE ${cond}) AS ${DOUBLE})`;
}

/** The SQL texts of a cube, and their parameters. Exposed for tests and for logging. */
export interface CubeQueries {
  /** Types of the used columns (one row). */
  readonly types: string;
  /** Row count, missing counts, non-finite counts, negative weights (one row). */
  readonly checks: string;
  /** The statistics: one GROUP BY query per family. */
  readonly stats: readonly {
    readonly family: 'confusion' | 'scores' | 'regression' | 'classes';
    readonly sql: string;
    readonly params: readonly unknown[];
  }[];
}

/** The distinct columns a spec uses (label, prediction, score, weight, dims). */
function usedColumns(s: ResolvedSpec): string[] {
  return [...new Set([...s.required.map(([c]) => c), ...s.dims])];
}

/**
 * The type query: `typeof` (DuckDB) or `pg_typeof` (PostgreSQL) of each used column, read through
 * an outer join with an empty scan so that it returns one row even for an empty relation.
 */
function typesQuery(columns: readonly string[], relation: string, dialect: Dialect): string {
  const inner = columns.map((c, i) => `${quoteIdentifier(c)} AS c${i}`).join(', ');
  const outer = columns
    .map((_, i) =>
      dialect === 'duckdb' ? `typeof(s.c${i}) AS t${i}` : `CAST(pg_typeof(s.c${i}) AS text) AS t${i}`,
    )
    .join(', ');
  return `SELECT ${outer} FROM (SELECT 1 AS one) AS o LEFT JOIN (SELECT ${inner} FROM ${relation} LIMIT 0) AS s ON true`;
}

/**
 * The check and statistics queries for a resolved spec and the SQL kinds of its columns.
 * @example cubeQueries(resolveSpec({ task: 'binary', label: 'y', prediction: 'p', dims: ['g'] }, 'x'),
 *   new Map([['y', 'number'], ['p', 'number'], ['g', 'text']]), '"t"', 'duckdb').stats[0].sql
 * // 'SELECT d0, y, p, CAST(count(*) AS DOUBLE PRECISION) AS n, sum(w) AS sw FROM (SELECT CAST("g" AS VARCHAR) AS d0, … FROM "t" WHERE "y" IS NOT NULL AND "p" IS NOT NULL) AS aequa_rows GROUP BY d0, y, p'
 */
export function cubeQueries(
  s: ResolvedSpec,
  kinds: ReadonlyMap<string, SqlKind>,
  relation: string,
  dialect: Dialect,
): CubeQueries {
  const kind = (c: string): SqlKind => kinds.get(c) ?? 'text';
  const columns = usedColumns(s);

  const checks: string[] = [`CAST(count(*) AS ${DOUBLE}) AS n`];
  s.required.forEach(([c], i) => {
    checks.push(`${countWhere(`${quoteIdentifier(c)} IS NULL`)} AS m${i}`);
  });
  const anyNull = s.required.map(([c]) => `${quoteIdentifier(c)} IS NULL`).join(' OR ');
  checks.push(`${countWhere(anyNull)} AS dropped`);
  columns.forEach((c, i) => {
    if (kind(c) === 'number') checks.push(`${countWhere(nonFiniteExpr(c, dialect))} AS f${i}`);
  });
  if (s.weight !== null) {
    const w = asDouble(quoteIdentifier(s.weight));
    checks.push(`${countWhere(`${w} < 0`)} AS negw`, `min(${w}) AS minw`);
  }
  const checkSql = `SELECT ${checks.join(', ')} FROM ${relation}`;

  const dimSelect = s.dims.map((d, i) => `${valueExpr(d, kind(d))} AS d${i}`);
  const dimNames = s.dims.map((_, i) => `d${i}`);
  const where = s.required.map(([c]) => `${quoteIdentifier(c)} IS NOT NULL`).join(' AND ');
  const weightExpr = s.weight === null ? `CAST(1 AS ${DOUBLE})` : asDouble(quoteIdentifier(s.weight));
  const rows = (extra: readonly string[]): string =>
    `SELECT ${[...dimSelect, ...extra, `${weightExpr} AS w`].join(', ')} FROM ${relation} WHERE ${where}`;
  const grouped = (inner: string, keys: readonly string[], aggs: readonly string[]): string => {
    const group = [...dimNames, ...keys];
    const select = [...group, `CAST(count(*) AS ${DOUBLE}) AS n`, ...aggs].join(', ');
    return `SELECT ${select} FROM (${inner}) AS aequa_rows${group.length ? ` GROUP BY ${group.join(', ')}` : ''}`;
  };

  const stats: {
    family: 'confusion' | 'scores' | 'regression' | 'classes';
    sql: string;
    params: unknown[];
  }[] = [];
  if (s.task === 'binary') {
    const p = new Params();
    const y = `${positiveExpr(s.label, kind(s.label), s.positive, p)} AS y`;
    const yhat =
      s.prediction !== null
        ? `${positiveExpr(s.prediction, kind(s.prediction), s.positive, p)} AS p`
        : `CASE WHEN ${asDouble(quoteIdentifier(s.score!))} >= ${doubleLiteral(s.threshold!)} THEN 1 ELSE 0 END AS p`;
    stats.push({
      family: 'confusion',
      sql: grouped(rows([y, yhat]), ['y', 'p'], ['sum(w) AS sw']),
      params: p.values,
    });
    if (s.score !== null) {
      const q = new Params();
      const y2 = `${positiveExpr(s.label, kind(s.label), s.positive, q)} AS y`;
      const sc = `${asDouble(quoteIdentifier(s.score))} AS s`;
      stats.push({
        family: 'scores',
        sql: grouped(rows([y2, sc]), ['y', 's'], ['sum(w) AS sw']),
        params: q.values,
      });
    }
  } else if (s.task === 'regression') {
    const p = new Params();
    const t = `${asDouble(quoteIdentifier(s.label))} AS t`;
    const yhat = `${asDouble(quoteIdentifier(s.prediction!))} AS p`;
    // The same products, in the same order, as the memory kernel: w·ŷ, w·y, w·e, w·|e|, (w·e)·e.
    const aggs = [
      'sum(w) AS sw',
      'sum(w * p) AS sp',
      'sum(w * t) AS st',
      'sum(w * (p - t)) AS se',
      'sum(w * abs(p - t)) AS sae',
      'sum(w * (p - t) * (p - t)) AS sse',
    ];
    stats.push({ family: 'regression', sql: grouped(rows([t, yhat]), [], aggs), params: p.values });
  } else {
    const p = new Params();
    const t = `${valueExpr(s.label, kind(s.label))} AS t`;
    const yhat = `${valueExpr(s.prediction!, kind(s.prediction!))} AS p`;
    stats.push({
      family: 'classes',
      sql: grouped(rows([t, yhat]), ['t', 'p'], ['sum(w) AS sw']),
      params: p.values,
    });
  }
  return { types: typesQuery(columns, relation, dialect), checks: checkSql, stats };
}

/** A number read back from a driver: JS number, bigint, numeric text, or NULL (0). */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || v === undefined) return 0;
  return Number(v);
}

/** A group-key or class value read back, formatted as the memory producer formats cells. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return String(v);
  return String(v);
}

async function run(
  exec: SqlExecutor,
  sql: string,
  params: readonly unknown[] = [],
): Promise<readonly Record<string, unknown>[]> {
  return params.length === 0 ? exec.query(sql) : exec.query(sql, params);
}

interface CellAcc {
  key: (string | null)[];
  confusion?: { w: Float64Array; n: Float64Array };
  scores?: { value: number; y: number; n: number; w: number }[];
  regression?: Float64Array;
  classes?: { t: string; p: string; n: number; w: number }[];
}

function histogram(entries: { value: number; y: number; n: number; w: number }[]): ScoreHistogram {
  entries.sort((a, b) => a.value - b.value);
  const distinct: number[] = [];
  for (const e of entries)
    if (distinct.length === 0 || distinct[distinct.length - 1] !== e.value) distinct.push(e.value);
  const m = distinct.length;
  const h = {
    values: Float64Array.from(distinct),
    pos: new Float64Array(m),
    neg: new Float64Array(m),
    npos: new Float64Array(m),
    nneg: new Float64Array(m),
  };
  let j = 0;
  for (const e of entries) {
    while (h.values[j] !== e.value) j++;
    if (e.y === 1) {
      h.pos[j] = h.pos[j]! + e.w;
      h.npos[j] = h.npos[j]! + e.n;
    } else {
      h.neg[j] = h.neg[j]! + e.w;
      h.nneg[j] = h.nneg[j]! + e.n;
    }
  }
  return h;
}

/**
 * Computes the statistics cube by SQL pushdown: the same cube as `memoryCube` on the same rows
 * (counts exactly, weighted sums up to the order of floating-point addition), computed by the
 * database. Runs a type query, one check query (row count, missing cells, NaN/±Infinity in number
 * columns, negative weights), then one `GROUP BY` per statistic family: confusion (GROUP BY dims,
 * y, ŷ), score histogram (dims, score, y), regression sums (dims) or class pairs (dims, y, ŷ).
 *
 * Values are formatted as in memory: number columns (any numeric SQL type) are cast to DOUBLE
 * PRECISION and keyed by `String(x)` (a NUMERIC 1.0 keys as '1'), booleans as 'true'/'false',
 * anything else as its text. Use it when the data is in DuckDB or PostgreSQL, or too large to
 * load; it reads back only one row per cell (per score value for histograms).
 *
 * @param exec - where the data is (`openSource` for files, `openPostgres` for PostgreSQL).
 * @param spec - which column plays which role.
 * @returns the cube, with `producer` set to the executor's dialect.
 * @throws {AEQ_DATA_MISSING_COLUMN} when a named column is not in the relation.
 * @throws {AEQ_DATA_TYPE} when a score, weight or regression column is not numeric.
 * @throws {AEQ_DATA_NAN} when a used number column holds NaN or ±Infinity.
 * @throws {AEQ_INVALID_ARGUMENT} for an invalid spec or a negative weight.
 * @throws {AEQ_DATA_MISSING_VALUES} when a required cell is NULL and `dropMissing` is off.
 * @throws {AEQ_SQL_CONNECTION} when the database fails (raised by the executor).
 * @example
 * await sqlCube(await openSource('scores.csv'), { task: 'binary', label: 'y', prediction: 'p', dims: ['g'] })
 * // { task: 'binary', dims: ['g'], cells: [{ key: ['a'], confusion: {…} }, …], producer: 'duckdb', … }
 */
export async function sqlCube(exec: SqlExecutor, spec: StatsSpec): Promise<StatsCube> {
  const s = resolveSpec(spec, 'sqlCube');
  const where = ` in ${exec.description}`;
  const available = await exec.columns();
  const roles: (readonly [string, ColumnRole])[] = [
    ...s.required,
    ...s.dims.map((d): [string, ColumnRole] => [d, 'dimension']),
  ];
  for (const [c, role] of roles) {
    if (!available.includes(c)) throw new MissingColumnError(c, available, exec.description, role);
  }
  const columns = usedColumns(s);
  const typeRow = (await run(exec, typesQuery(columns, exec.relation, exec.dialect)))[0] ?? {};
  const kinds = new Map<string, SqlKind>(columns.map((c, i) => [c, sqlKind(String(typeRow[`t${i}`] ?? ''))]));
  const typeOf = new Map<string, string>(columns.map((c, i) => [c, String(typeRow[`t${i}`] ?? '')]));
  const numeric: [string | null, ColumnRole][] = [
    [s.score, 'score'],
    [s.weight, 'weight'],
    ...(s.task === 'regression'
      ? ([
          [s.label, 'label'],
          [s.prediction, 'prediction'],
        ] as [string, ColumnRole][])
      : []),
  ];
  for (const [c, role] of numeric) {
    if (c === null || kinds.get(c) === 'number') continue;
    throw new AequaError(
      'AEQ_DATA_TYPE',
      `Column "${c}" (${role})${where} has SQL type ${typeOf.get(c)}, but a ${role} must be numeric.`,
      {
        hint: 'Choose a numeric column for scores, weights and regression targets, or cast it in a --query.',
        details: { column: c, role, type: typeOf.get(c) },
      },
    );
  }

  const q = cubeQueries(s, kinds, exec.relation, exec.dialect);
  const check = (await run(exec, q.checks))[0] ?? {};
  const total = num(check.n);
  const roleOf = new Map(roles.map(([c, r]) => [c, r] as const));
  for (const [i, c] of columns.entries()) {
    const bad = num(check[`f${i}`]);
    if (bad > 0) {
      const role = roleOf.get(c) ?? 'dimension';
      throw new AequaError(
        'AEQ_DATA_NAN',
        `Column "${c}" (${role})${where} holds NaN or ±Infinity in ${bad} of ${total} rows; numbers must be finite, and missing cells must be NULL.`,
        {
          hint: 'Replace those values by NULL (and pass --drop-missing) or clean the data before the audit.',
          details: { column: c, role, rows: bad },
        },
      );
    }
  }
  if (s.weight !== null && num(check.negw) > 0) {
    throw new AequaError(
      'AEQ_INVALID_ARGUMENT',
      `Weight column "${s.weight}"${where} holds negative values in ${num(check.negw)} rows (smallest ${num(check.minw)}); sample weights must be finite and ≥ 0.`,
      {
        hint: 'Fix the weights, or leave --weight out to weigh every row equally.',
        details: { column: s.weight, rows: num(check.negw), min: num(check.minw) },
      },
    );
  }
  const dropped = num(check.dropped);
  if (dropped > 0 && !s.dropMissing) {
    const counts = s.required
      .map(([c, role], i): [string, ColumnRole, number] => [c, role, num(check[`m${i}`])])
      .filter(([, , m]) => m > 0);
    throw missingValuesError(counts, dropped, total, where);
  }

  const cells = new Map<string, CellAcc>();
  const cellOf = (row: Record<string, unknown>): CellAcc => {
    const key = s.dims.map((_, i) => text(row[`d${i}`]));
    const id = JSON.stringify(key);
    let acc = cells.get(id);
    if (acc === undefined) {
      acc = { key };
      cells.set(id, acc);
    }
    return acc;
  };
  const classValues: string[] = [];
  for (const { family, sql, params } of q.stats) {
    const rows = await run(exec, sql, params);
    for (const row of rows) {
      const n = num(row.n);
      if (n === 0) continue;
      const acc = cellOf(row);
      const sw = num(row.sw);
      if (family === 'confusion') {
        const c = (acc.confusion ??= { w: new Float64Array(4), n: new Float64Array(4) });
        const j = num(row.y) * 2 + num(row.p);
        c.w[j] = c.w[j]! + sw;
        c.n[j] = c.n[j]! + n;
      } else if (family === 'scores') {
        // `+ 0` makes -0 and 0 one value, as in memory.
        (acc.scores ??= []).push({ value: num(row.s) + 0, y: num(row.y), n, w: sw });
      } else if (family === 'regression') {
        const r = (acc.regression ??= new Float64Array(7));
        const add = [n, sw, num(row.sp), num(row.st), num(row.se), num(row.sae), num(row.sse)];
        add.forEach((x, k) => {
          r[k] = r[k]! + x;
        });
      } else {
        const t = text(row.t)!;
        const p = text(row.p)!;
        classValues.push(t, p);
        (acc.classes ??= []).push({ t, p, n, w: sw });
      }
    }
  }

  const numericClasses =
    s.task === 'multiclass' && kinds.get(s.label) === 'number' && kinds.get(s.prediction!) === 'number';
  const classNames = s.task === 'multiclass' ? sortClassNames(classValues, numericClasses) : undefined;
  const classIndex = new Map((classNames ?? []).map((v, k) => [v, k]));
  const out: StatsCell[] = [];
  for (const acc of cells.values()) {
    if (acc.confusion) {
      const { w, n } = acc.confusion;
      const confusion: Confusion = {
        tp: w[3]!,
        fp: w[1]!,
        tn: w[0]!,
        fn: w[2]!,
        ntp: n[3]!,
        nfp: n[1]!,
        ntn: n[0]!,
        nfn: n[2]!,
      };
      out.push(
        acc.scores ? { key: acc.key, confusion, scores: histogram(acc.scores) } : { key: acc.key, confusion },
      );
    } else if (acc.regression) {
      const r = acc.regression;
      const regression: RegressionMoments = {
        n: r[0]!,
        w: r[1]!,
        sumPred: r[2]!,
        sumTrue: r[3]!,
        sumErr: r[4]!,
        sumAbsErr: r[5]!,
        sumSqErr: r[6]!,
      };
      out.push({ key: acc.key, regression });
    } else if (acc.classes) {
      const k = classNames!.length;
      const classes: ClassMatrix = { k, weighted: new Float64Array(k * k), counts: new Float64Array(k * k) };
      for (const e of acc.classes) {
        const j = classIndex.get(e.t)! * k + classIndex.get(e.p)!;
        classes.weighted[j] = classes.weighted[j]! + e.w;
        classes.counts[j] = classes.counts[j]! + e.n;
      }
      out.push({ key: acc.key, classes });
    }
  }
  out.sort((a, b) => compareCellKeys(a.key, b.key));
  const cube = {
    task: s.task,
    dims: [...s.dims],
    cells: out,
    rowsSeen: total,
    rowsDropped: s.dropMissing ? dropped : 0,
    producer: exec.dialect,
  };
  return classNames === undefined ? cube : { ...cube, classNames };
}

/**
 * The SQL producer over one executor, for code written against `StatsProducer`; it is named after
 * the executor's dialect ('duckdb' or 'postgres').
 * @example await sqlProducer(await openSource('scores.csv')).cube(spec) // the same cube as sqlCube(exec, spec)
 */
export function sqlProducer(exec: SqlExecutor): StatsProducer {
  return {
    name: exec.dialect,
    cube: (spec: StatsSpec) => sqlCube(exec, spec),
  };
}
