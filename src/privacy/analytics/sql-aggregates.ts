/**
 * @module privacy/analytics/sql-aggregates
 * DP analytics pushed down into a SQL database (DuckDB or PostgreSQL): the clamped counts, sums and sums of
 * squares, the counts per declared category and per sensitive group are computed by GROUP BY in the database,
 * after per-person contribution bounding by ROW_NUMBER() OVER (PARTITION BY id …); only these aggregates
 * leave the database and the noise is added here (Wilson et al. 2020, "Differentially private SQL with
 * bounded user contribution", https://arxiv.org/abs/1909.01917).
 */
import { InvalidArgumentError } from '../../core/index.js';
import { cellString, type Table } from '../../data/index.js';
import type { SqlExecutor } from '../../metrics/index.js';

/** What to aggregate. */
export interface AggregateSpec {
  /** Number columns and their clamping ranges [lower, upper]. */
  readonly numeric?: Readonly<Record<string, readonly [number, number]>>;
  /** Category columns whose counts per value are wanted. */
  readonly categorical?: readonly string[];
  /** Per-group size and positive count of `label` (values in `positive`) by `sensitive`. */
  readonly groups?: {
    readonly sensitive: string;
    readonly label: string;
    readonly positive: readonly string[];
  };
  /** Column identifying people; at most `maxRowsPerPerson` rows per person are kept. */
  readonly idColumn?: string;
  readonly maxRowsPerPerson?: number;
}

/** Exact (pre-noise) aggregates. Sums are centred on the clamp range's midpoint, as the DP release uses them. */
export interface Aggregates {
  readonly rows: number;
  /** `inside`: values already within the clamp range (0 with count > 0 means the range excludes all data). */
  readonly numeric: Readonly<Record<string, { count: number; s1: number; s2: number; inside: number }>>;
  readonly categorical: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly groups: Readonly<Record<string, { size: number; positives: number }>> | null;
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
function num(x: number): string {
  if (!Number.isFinite(x)) throw new InvalidArgumentError('sqlAggregates', 'clamp', x, 'finite bounds');
  return `CAST(${String(x)} AS DOUBLE PRECISION)`;
}

function checkSpec(spec: AggregateSpec): number {
  const k = spec.maxRowsPerPerson ?? 1;
  if (!(Number.isInteger(k) && k >= 1))
    throw new InvalidArgumentError('sqlAggregates', 'maxRowsPerPerson', k, 'an integer ≥ 1');
  for (const [c, [lo, hi]] of Object.entries(spec.numeric ?? {}))
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
      throw new InvalidArgumentError(
        'sqlAggregates',
        `clamp.${c}`,
        [lo, hi],
        'finite bounds with lower < upper',
      );
  return k;
}

/**
 * The SQL text of the bounded relation: every row when there is no id column, else at most k rows per
 * person. The rows kept are those with the smallest MD5 of their text, so the choice is reproducible and
 * depends on that person's rows only (which is all the sensitivity argument needs); it is not random.
 * @example boundedRelation('"t"', ['id', 'x'], 'id', 1)
 * // '(SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "id" ORDER BY md5(…)) AS "__aequa_rn" FROM "t") AS r WHERE "__aequa_rn" <= 1) AS b'
 */
export function boundedRelation(
  relation: string,
  columns: readonly string[],
  idColumn: string | undefined,
  k: number,
): string {
  if (idColumn === undefined) return `(SELECT * FROM ${relation}) AS b`;
  const text = columns.map((c) => `COALESCE(CAST(${ident(c)} AS VARCHAR), '∅')`).join(` || '|' || `);
  return (
    `(SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${ident(idColumn)} ORDER BY md5(${text}), ${text}) ` +
    `AS "__aequa_rn" FROM ${relation}) AS r WHERE "__aequa_rn" <= ${k}) AS b`
  );
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * Computes the exact aggregates of `spec` inside the database; no row leaves it.
 * @throws {AEQ_DATA_MISSING_COLUMN} (from the database) when a column does not exist
 * @example await sqlAggregates(exec, { numeric: { age: [0, 120] } }) // { rows: 3, numeric: { age: { count: 3, s1: -61, s2: … } }, … }
 */
export async function sqlAggregates(exec: SqlExecutor, spec: AggregateSpec): Promise<Aggregates> {
  const k = checkSpec(spec);
  const cols = await exec.columns();
  const known = new Set(cols);
  const wanted = [
    ...Object.keys(spec.numeric ?? {}),
    ...(spec.categorical ?? []),
    ...(spec.groups ? [spec.groups.sensitive, spec.groups.label] : []),
    ...(spec.idColumn !== undefined ? [spec.idColumn] : []),
  ];
  for (const c of wanted)
    if (!known.has(c))
      throw new InvalidArgumentError(
        'sqlAggregates',
        'column',
        c,
        `a column of ${exec.description} (${cols.join(', ')})`,
      );
  const from = boundedRelation(exec.relation, cols, spec.idColumn, k);
  const parts = ['COUNT(*) AS "rows"'];
  const numeric = Object.entries(spec.numeric ?? {});
  numeric.forEach(([c, [lo, hi]], i) => {
    const mid = (lo + hi) / 2;
    const x = `(CASE WHEN ${ident(c)} IS NULL THEN NULL ELSE LEAST(GREATEST(CAST(${ident(c)} AS DOUBLE PRECISION), ${num(lo)}), ${num(hi)}) - ${num(mid)} END)`;
    const within = `CAST(${ident(c)} AS DOUBLE PRECISION) BETWEEN ${num(lo)} AND ${num(hi)}`;
    parts.push(
      `COUNT(${ident(c)}) AS "n${i}"`,
      `SUM(${x}) AS "s${i}"`,
      `SUM(${x} * ${x}) AS "q${i}"`,
      `SUM(CASE WHEN ${within} THEN 1 ELSE 0 END) AS "w${i}"`,
    );
  });
  const [row] = await exec.query(`SELECT ${parts.join(', ')} FROM ${from}`);
  const out: Aggregates = {
    rows: n(row?.rows),
    numeric: Object.fromEntries(
      numeric.map(([c], i) => [
        c,
        { count: n(row?.[`n${i}`]), s1: n(row?.[`s${i}`]), s2: n(row?.[`q${i}`]), inside: n(row?.[`w${i}`]) },
      ]),
    ),
    categorical: {},
    groups: null,
  };
  const categorical: Record<string, Record<string, number>> = {};
  for (const c of spec.categorical ?? []) {
    const rs = await exec.query(
      `SELECT CAST(${ident(c)} AS VARCHAR) AS "v", COUNT(*) AS "n" FROM ${from} WHERE ${ident(c)} IS NOT NULL GROUP BY 1`,
    );
    categorical[c] = Object.fromEntries(rs.map((r) => [String(r.v), n(r.n)]));
  }
  let groups: Record<string, { size: number; positives: number }> | null = null;
  if (spec.groups) {
    const { sensitive, label, positive } = spec.groups;
    const isPos = positive.length
      ? `CAST(${ident(label)} AS VARCHAR) IN (${positive.map(literal).join(', ')})`
      : 'FALSE';
    const rs = await exec.query(
      `SELECT CAST(${ident(sensitive)} AS VARCHAR) AS "g", COUNT(*) AS "n", SUM(CASE WHEN ${isPos} THEN 1 ELSE 0 END) AS "p" ` +
        `FROM ${from} WHERE ${ident(sensitive)} IS NOT NULL AND ${ident(label)} IS NOT NULL GROUP BY 1`,
    );
    groups = Object.fromEntries(rs.map((r) => [String(r.g), { size: n(r.n), positives: n(r.p) }]));
  }
  return { ...out, categorical, groups };
}

/**
 * The same aggregates computed over an in-memory Table, for checking the pushdown (no contribution
 * bounding: give tables with at most k rows per person, or compare bounded results by invariants).
 * @example memoryAggregates(table, { numeric: { age: [0, 120] } }).numeric.age.count // 3
 */
export function memoryAggregates(table: Table, spec: AggregateSpec): Aggregates {
  checkSpec(spec);
  const numeric: Record<string, { count: number; s1: number; s2: number; inside: number }> = {};
  for (const [c, [lo, hi]] of Object.entries(spec.numeric ?? {})) {
    const col = table.column(c);
    const mid = (lo + hi) / 2;
    let count = 0;
    let s1 = 0;
    let s2 = 0;
    let inside = 0;
    for (let i = 0; i < table.nrows; i++) {
      const s = cellString(col, i);
      if (s === null) continue;
      const raw = Number(s);
      if (raw >= lo && raw <= hi) inside++;
      const x = Math.min(hi, Math.max(lo, raw)) - mid;
      count++;
      s1 += x;
      s2 += x * x;
    }
    numeric[c] = { count, s1, s2, inside };
  }
  const categorical: Record<string, Record<string, number>> = {};
  for (const c of spec.categorical ?? []) {
    const col = table.column(c);
    const m: Record<string, number> = {};
    for (let i = 0; i < table.nrows; i++) {
      const s = cellString(col, i);
      if (s !== null) m[s] = (m[s] ?? 0) + 1;
    }
    categorical[c] = m;
  }
  let groups: Record<string, { size: number; positives: number }> | null = null;
  if (spec.groups) {
    const sc = table.column(spec.groups.sensitive);
    const lc = table.column(spec.groups.label);
    const pos = new Set(spec.groups.positive);
    groups = {};
    for (let i = 0; i < table.nrows; i++) {
      const g = cellString(sc, i);
      const y = cellString(lc, i);
      if (g === null || y === null) continue;
      const e = (groups[g] ??= { size: 0, positives: 0 });
      e.size++;
      if (pos.has(y)) e.positives++;
    }
  }
  return { rows: table.nrows, numeric, categorical, groups };
}
