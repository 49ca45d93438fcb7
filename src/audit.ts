/**
 * @module audit
 * `audit()`: the library entry point that mirrors `aequa audit`. It resolves where the data is
 * (an in-memory Table, a file loaded through DuckDB, or a SQL source for pushdown), has the right
 * producer compute the sufficient statistics, and turns them into an `AuditResult` with
 * `auditCube` (pure). Node-only modules (DuckDB, pg) are imported lazily, so importing `aequa`
 * loads neither.
 */
import { evaluatePolicy, type Policy } from './accountability/index.js';
import { AequaError, closest, InvalidArgumentError, MissingColumnError, withWarnings } from './core/index.js';
import { type Column, categoryColumn, distinctValues, resolvePositive, type Table } from './data/index.js';
import type { LoadOptions } from './data/io/index.js';
import {
  type AuditResult,
  auditCube,
  type ConventionName,
  featureSets,
  memoryCube,
  type SqlExecutor,
  type StatsCube,
  type StatsSpec,
  sqlCube,
  type Task,
} from './metrics/index.js';

/**
 * A SQL source for pushdown: a PostgreSQL URL (`postgres://user@host/db`) or DuckDB
 * (`duckdb:` in memory, e.g. for a query over Parquet files, or `duckdb:path/to/file.duckdb`),
 * with a table or a query.
 */
export interface SqlSourceOptions {
  readonly url: string;
  readonly table?: string;
  readonly query?: string;
}

export interface AuditOptions {
  /** The rows: a Table, a file path (CSV, TSV, Parquet, JSON, JSONL, Arrow), or a SQL source. */
  readonly data: Table | string | SqlSourceOptions;
  readonly label: string;
  /** Prediction column; or give `score` and `threshold`. */
  readonly prediction?: string;
  readonly score?: string;
  /** Prediction = score ≥ threshold. */
  readonly threshold?: number;
  /** Value(s) of the label (and prediction) that mean the positive, favourable class. */
  readonly positive?: string | readonly string[];
  readonly sensitive: readonly string[];
  /** Also audit intersections of the sensitive features (all combinations of two or more). @default false */
  readonly intersections?: boolean;
  /** Control features for conditional disparities. */
  readonly control?: readonly string[];
  readonly weight?: string;
  /** Reference group per feature, e.g. { race: 'Caucasian' }. @default the largest group */
  readonly reference?: Readonly<Record<string, string>>;
  /** @default 'aequa' */
  readonly convention?: ConventionName;
  /** Confidence level for intervals (e.g. 0.95); false or undefined for none. */
  readonly ci?: number | false;
  /** 'wilson' gives analytic intervals for group rates and the bootstrap for disparities; 'bootstrap' uses it for all. @default 'wilson' */
  readonly ciMethod?: 'wilson' | 'bootstrap';
  /** @default 1000 */
  readonly bootstrap?: number;
  /** @default 0 */
  readonly seed?: number;
  /** @default 0.05 */
  readonly alpha?: number;
  /** @default 'holm' */
  readonly correction?: 'holm' | 'bh' | 'none';
  /** Groups with fewer rows are reported but flagged. @default 30 */
  readonly minGroupSize?: number;
  /** @default 'binary' */
  readonly task?: Task;
  /** Drop rows with missing label/prediction/score/weight (they are counted). @default false */
  readonly dropMissing?: boolean;
  /** For file data: 'memory' loads the rows, 'duckdb' pushes the GROUP BY down into DuckDB. @default 'memory' */
  readonly engine?: 'memory' | 'duckdb';
  /** How to read a file (header, delimiter, NA markers, …). */
  readonly load?: LoadOptions;
  /** A policy to evaluate; its outcome lands in `result.policy`. */
  readonly policy?: Policy;
  readonly policySource?: string;
  /** α of the generalized entropy index. @default 2 */
  readonly generalizedEntropyAlpha?: number;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

function isDuckDbUrl(url: string): boolean {
  return url === 'duckdb' || url.startsWith('duckdb:');
}

function isTable(x: unknown): x is Table {
  return typeof x === 'object' && x !== null && 'nrows' in x && typeof (x as Table).column === 'function';
}

function asList(x: string | readonly string[] | undefined): readonly string[] | undefined {
  if (x === undefined) return undefined;
  return typeof x === 'string' ? [x] : x;
}

/**
 * Audits a classifier (or regressor) for group fairness.
 * @example
 * const r = await audit({ data: 'examples/data/compas.csv', label: 'two_year_recid',
 *   score: 'decile_score', threshold: 5, sensitive: ['race'] });
 * r.byFeature.race.disparities.demographicParityDifference.value // 0.372 (Other vs African-American)
 */
export async function audit(opts: AuditOptions): Promise<AuditResult> {
  validate(opts);
  const { result, warnings } = await withWarnings(() => auditInner(opts));
  const all = [...result.warnings, ...warnings.map((w) => ({ code: w.code, message: w.message }))];
  const seen = new Set<string>();
  const dedup = all.filter((w) => {
    const k = `${w.code}|${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const withPolicy = opts.policy
    ? { ...result, policy: evaluatePolicy(opts.policy, result, opts.policySource ?? null) }
    : result;
  return { ...withPolicy, warnings: dedup };
}

function validate(opts: AuditOptions): void {
  const fn = 'audit';
  if (typeof opts.label !== 'string' || opts.label === '')
    throw new InvalidArgumentError(fn, 'label', opts.label, 'a column name');
  if (!Array.isArray(opts.sensitive) || opts.sensitive.length === 0)
    throw new InvalidArgumentError(
      fn,
      'sensitive',
      opts.sensitive,
      'a non-empty list of column names',
      'Pass --sensitive race,sex.',
    );
  const task = opts.task ?? 'binary';
  if (task === 'binary' || task === 'multiclass') {
    if (opts.prediction === undefined && (opts.score === undefined || opts.threshold === undefined)) {
      throw new AequaError(
        'AEQ_INVALID_ARGUMENT',
        opts.score !== undefined
          ? `A score column ("${opts.score}") was given without a threshold, so there is no decision to audit.`
          : 'Neither a prediction column nor a score with a threshold was given.',
        { hint: 'Pass --prediction COLUMN, or --score COLUMN --threshold NUMBER.' },
      );
    }
  } else if (opts.prediction === undefined) {
    throw new InvalidArgumentError(
      fn,
      'prediction',
      undefined,
      'a numeric prediction column for a regression audit',
    );
  }
  if (opts.prediction !== undefined && opts.threshold !== undefined && opts.score === undefined)
    throw new InvalidArgumentError(fn, 'threshold', opts.threshold, 'used together with a score column');
  if (opts.ci !== undefined && opts.ci !== false && !(opts.ci > 0 && opts.ci < 1))
    throw new InvalidArgumentError(fn, 'ci', opts.ci, 'a confidence level between 0 and 1, such as 0.95');
  if (opts.alpha !== undefined && !(opts.alpha > 0 && opts.alpha < 1))
    throw new InvalidArgumentError(
      fn,
      'alpha',
      opts.alpha,
      'a significance level between 0 and 1, such as 0.05',
    );
  if (opts.bootstrap !== undefined && !(Number.isInteger(opts.bootstrap) && opts.bootstrap >= 10))
    throw new InvalidArgumentError(fn, 'bootstrap', opts.bootstrap, 'an integer number of resamples ≥ 10');
  if (opts.minGroupSize !== undefined && !(Number.isInteger(opts.minGroupSize) && opts.minGroupSize >= 0))
    throw new InvalidArgumentError(fn, 'minGroupSize', opts.minGroupSize, 'a non-negative integer');
  if (opts.threshold !== undefined && !Number.isFinite(opts.threshold))
    throw new InvalidArgumentError(fn, 'threshold', opts.threshold, 'a finite number');
  if (opts.reference) {
    const names = featureSets(opts.sensitive, opts.intersections ?? false).map((s) => s.join('&'));
    for (const k of Object.keys(opts.reference)) {
      if (!names.includes(k)) {
        const near = closest(k, names);
        throw new AequaError(
          'AEQ_INVALID_ARGUMENT',
          `--reference names "${k}", which is not an audited feature.${near ? ` Did you mean "${near}"?` : ''} Audited: ${names.join(', ')}.`,
          {
            hint: 'Write --reference FEATURE=VALUE with a feature given to --sensitive (or an intersection such as race&sex).',
          },
        );
      }
    }
  }
  const dupes = opts.sensitive.filter((s, i) => opts.sensitive.indexOf(s) !== i);
  if (dupes.length) throw new InvalidArgumentError(fn, 'sensitive', opts.sensitive, 'distinct column names');
}

async function auditInner(opts: AuditOptions): Promise<AuditResult> {
  const task = opts.task ?? 'binary';
  const dims = [...opts.sensitive, ...(opts.control ?? []).filter((c) => !opts.sensitive.includes(c))];
  const baseSpec = {
    task,
    label: opts.label,
    dims,
    ...(opts.prediction !== undefined ? { prediction: opts.prediction } : {}),
    ...(opts.score !== undefined ? { score: opts.score } : {}),
    ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}),
    ...(opts.weight !== undefined ? { weight: opts.weight } : {}),
    dropMissing: opts.dropMissing ?? false,
  };

  let cube: StatsCube;
  let source: string;
  let engine: 'memory' | 'duckdb' | 'postgres';
  let positive: readonly string[] | null = null;

  if (isTable(opts.data)) {
    const table = opts.data;
    for (const [name, role] of columnRoles(opts)) table.column(name, role);
    positive = task === 'binary' ? positiveForTable(table, opts) : null;
    cube = memoryCube(table, { ...baseSpec, ...(positive ? { positive } : {}) });
    source = table.source ?? '(in-memory table)';
    engine = 'memory';
  } else if (typeof opts.data === 'string') {
    const io = await import('./data/io/index.js');
    source = opts.data;
    if ((opts.engine ?? 'memory') === 'duckdb') {
      const src = await io.openSource(opts.data, opts.load);
      try {
        ({ cube, positive } = await sqlCubeOf(src, task, baseSpec, opts));
      } finally {
        await src.close();
      }
      engine = 'duckdb';
    } else {
      const roles = columnRoles(opts);
      const src = await io.openSource(opts.data, opts.load);
      let table: Table;
      try {
        requireColumns(roles, await src.columns(), opts.data);
        table = await src.toTable([...new Set(roles.map(([c]) => c))]);
      } finally {
        await src.close();
      }
      positive = task === 'binary' ? positiveForTable(table, opts) : null;
      cube = memoryCube(table, { ...baseSpec, ...(positive ? { positive } : {}) });
      engine = 'memory';
    }
  } else if (isDuckDbUrl(opts.data.url)) {
    // duckdb: (in memory, for queries over files) or duckdb:path/to/db.duckdb (read-only).
    const io = await import('./data/io/index.js');
    const sql = opts.data;
    const database = sql.url.slice('duckdb:'.length).replace(/^\/\//, '');
    if (sql.query === undefined && sql.table === undefined)
      throw new InvalidArgumentError(
        'audit',
        'data.query',
        undefined,
        'a query or a table for a DuckDB source',
      );
    const query =
      sql.query ??
      `SELECT * FROM ${sql
        .table!.split('.')
        .map((p) => `"${p.replaceAll('"', '""')}"`)
        .join('.')}`;
    const src = await io.openDuckDbQuery(query, database ? { database } : {});
    try {
      ({ cube, positive } = await sqlCubeOf(src, task, baseSpec, opts));
      source = src.description;
    } finally {
      await src.close();
    }
    engine = 'duckdb';
  } else {
    const { openPostgres } = await import('./data/io/index.js');
    const sql = opts.data;
    const exec = await openPostgres(sql.url, {
      ...(sql.table !== undefined ? { table: sql.table } : {}),
      ...(sql.query !== undefined ? { query: sql.query } : {}),
    });
    try {
      ({ cube, positive } = await sqlCubeOf(exec, task, baseSpec, opts));
      source = exec.description;
    } finally {
      await exec.close();
    }
    engine = 'postgres';
  }

  const ci = opts.ci === undefined || opts.ci === false ? null : opts.ci;
  return auditCube(cube, {
    source,
    engine,
    label: opts.label,
    prediction: opts.prediction ?? null,
    score: opts.score ?? null,
    threshold: opts.threshold ?? null,
    positive,
    sensitive: opts.sensitive,
    control: opts.control ?? [],
    weight: opts.weight ?? null,
    intersections: opts.intersections ?? false,
    reference: opts.reference ?? {},
    convention: opts.convention ?? 'aequa',
    ci,
    ciMethod: ci === null ? null : (opts.ciMethod ?? 'wilson'),
    bootstrap: opts.bootstrap ?? 1000,
    seed: opts.seed ?? 0,
    alpha: opts.alpha ?? 0.05,
    correction: opts.correction ?? 'holm',
    minGroupSize: opts.minGroupSize ?? 30,
    generalizedEntropyAlpha: opts.generalizedEntropyAlpha ?? 2,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
}

/** Every column the audit needs, with the role it plays (for error messages). */
function columnRoles(opts: AuditOptions): [string, string][] {
  const out: [string, string][] = [[opts.label, '--label']];
  if (opts.prediction !== undefined) out.push([opts.prediction, '--prediction']);
  if (opts.score !== undefined) out.push([opts.score, '--score']);
  if (opts.weight !== undefined) out.push([opts.weight, '--weight']);
  for (const s of opts.sensitive) out.push([s, '--sensitive']);
  for (const c of opts.control ?? []) out.push([c, '--control']);
  return out;
}

/**
 * The positive values for label and prediction. The prediction column shares the label's
 * positive values when its values are label values; a 0/1 (or yes/no…) prediction column gets its
 * own default. The two sets must not contradict each other.
 */
function positiveFromColumns(
  label: Column,
  prediction: Column | null,
  opts: AuditOptions,
): readonly string[] {
  const explicit = asList(opts.positive);
  const lab = resolvePositive(label, {
    name: opts.label,
    role: 'label',
    ...(explicit ? { positive: explicit } : {}),
  });
  if (prediction === null) return lab.positive;
  const predValues = distinctValues(prediction);
  const labelValues = new Set([...lab.positive, ...lab.negative]);
  if (predValues.every((v) => labelValues.has(v))) return lab.positive;
  const pred = resolvePositive(prediction, { name: opts.prediction!, role: 'prediction' });
  const clash = pred.positive.filter((v) => lab.negative.includes(v));
  if (clash.length > 0) {
    throw new AequaError(
      'AEQ_DATA_AMBIGUOUS_POSITIVE',
      `The prediction value "${clash[0]}" means positive in "${opts.prediction}" but negative in "${opts.label}".`,
      { hint: 'Recode the prediction column with the same values as the label, or pass --positive.' },
    );
  }
  return [...new Set([...lab.positive, ...pred.positive])];
}

function positiveForTable(table: Table, opts: AuditOptions): readonly string[] {
  const label = table.column(opts.label, '--label');
  const pred = opts.prediction !== undefined ? table.column(opts.prediction, '--prediction') : null;
  return positiveFromColumns(label, pred, opts);
}

async function distinctColumn(exec: SqlExecutor, column: string): Promise<Column> {
  const q = `"${column.replaceAll('"', '""')}"`;
  const rows = await exec.query(
    `SELECT DISTINCT ${q} AS v FROM ${exec.relation} WHERE ${q} IS NOT NULL LIMIT 1001`,
  );
  const values = rows.map((r) => {
    const v = r.v;
    return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
  });
  return categoryColumn(values);
}

/** Throws MissingColumnError for the first column the audit reads that `available` lacks. */
function requireColumns(
  roles: readonly [string, string][],
  available: readonly string[],
  source: string,
): void {
  for (const [name, role] of roles)
    if (!available.includes(name)) throw new MissingColumnError(name, available, source, role);
}

/** The stats cube of a SQL source (GROUP BY pushdown), with the positive values of a binary audit. */
async function sqlCubeOf(
  exec: SqlExecutor,
  task: Task,
  baseSpec: Omit<StatsSpec, 'positive'>,
  opts: AuditOptions,
): Promise<{ cube: StatsCube; positive: readonly string[] | null }> {
  requireColumns(columnRoles(opts), await exec.columns(), exec.description);
  const positive = task === 'binary' ? await positiveForSql(exec, opts) : null;
  const cube = await sqlCube(exec, { ...baseSpec, ...(positive ? { positive } : {}) });
  return { cube, positive };
}

async function positiveForSql(exec: SqlExecutor, opts: AuditOptions): Promise<readonly string[]> {
  const label = await distinctColumn(exec, opts.label);
  const pred = opts.prediction !== undefined ? await distinctColumn(exec, opts.prediction) : null;
  return positiveFromColumns(label, pred, opts);
}

export type { StatsSpec };
