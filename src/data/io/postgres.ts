/**
 * @module data/io/postgres
 * A PostgreSQL table or query opened for SQL pushdown: a `SqlExecutor` (metrics/producers/types.ts)
 * over one node-postgres client (https://node-postgres.com). The statistics producer sends its
 * GROUP BY queries here; no row is loaded. The password of the URL never appears in messages.
 */
// pg (node-postgres): the de-facto PostgreSQL client for Node, pure JS with parameter binding and
// per-client type parsers; rejected: postgres.js (tagged-template API, unneeded pooling), pg-native
// (needs libpq). Imported lazily so that importing aequa does not load it.
import type { Client } from 'pg';
import { AequaError, InvalidArgumentError } from '../../core/index.js';

/** Which relation of the database to aggregate: a table (optionally schema-qualified) or a query. */
export interface PostgresOptions {
  /** A table name: `predictions`, `public.predictions` or `"public"."predictions"`. Case-sensitive as written. */
  readonly table?: string;
  /** A SELECT whose result is aggregated, e.g. `SELECT * FROM predictions WHERE year = 2024`. */
  readonly query?: string;
}

/**
 * A PostgreSQL relation opened for SQL pushdown. It implements `SqlExecutor`
 * (metrics/producers/types.ts) structurally: data/ may not import from metrics/, so the
 * conformance is checked by a type assertion in postgres.test.ts.
 */
export interface PostgresSource {
  readonly dialect: 'postgres';
  /** The quoted table, or `(query) AS src`. */
  readonly relation: string;
  /** The URL without its password, and the table or "query". */
  readonly description: string;
  /** Runs SQL with `$1…` parameters; numbers (also BIGINT and NUMERIC) as JS numbers, NULL as null. */
  query(sql: string, params?: readonly unknown[]): Promise<readonly Record<string, unknown>[]>;
  /** Column names of the relation, in order. */
  columns(): Promise<readonly string[]>;
  /** Ends the connection; safe to call twice. */
  close(): Promise<void>;
}

/** PostgreSQL type OIDs read as JS numbers instead of node-postgres' default strings. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * A connection string with its password replaced by `***`, for messages.
 * @example redactUrl('postgres://me:secret@db:5432/x') // 'postgres://me:***@db:5432/x'
 */
export function redactUrl(url: string): string {
  const masked = url.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1***');
  try {
    const u = new URL(masked);
    if (u.password !== '') u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/^password$/i.test(key)) u.searchParams.set(key, '***');
    return u.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return masked.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

function passwordOf(url: string): string | null {
  try {
    const p = decodeURIComponent(new URL(url).password);
    return p === '' ? null : p;
  } catch {
    return /password\s*=\s*('[^']*'|\S+)/i.exec(url)?.[1]?.replace(/^'|'$/g, '') ?? null;
  }
}

/** Quotes one SQL identifier (double quotes, embedded quotes doubled). */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Splits a possibly schema-qualified table name into its parts: bare parts end at a dot, quoted
 * parts ("…", with "" for a quote) may hold dots and spaces.
 * @example tableParts('"my schema".events') // ['my schema', 'events']
 */
export function tableParts(table: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const bad = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(
      'openPostgres',
      'table',
      table,
      `a table name like predictions or public.predictions (${why})`,
    );
  while (i <= table.length) {
    if (table[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= table.length) throw bad('unterminated quote');
        if (table[i] === '"') {
          if (table[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += table[i];
        i++;
      }
      parts.push(part);
    } else {
      const end = table.indexOf('.', i);
      const part = (end === -1 ? table.slice(i) : table.slice(i, end)).trim();
      if (part === '' || part.includes('"')) throw bad('empty part or stray quote');
      parts.push(part);
      i = end === -1 ? table.length : end;
    }
    if (i >= table.length) break;
    if (table[i] !== '.') throw bad(`unexpected "${table[i]}"`);
    i++;
    if (i >= table.length) throw bad('trailing dot');
  }
  if (parts.length === 0 || parts.length > 3) throw bad('one to three dotted parts');
  return parts;
}

function connectionError(what: string, safeUrl: string, password: string | null, e: unknown): AequaError {
  let msg = e instanceof Error ? e.message : String(e);
  if (password !== null && password !== '') msg = msg.replaceAll(password, '***');
  return new AequaError('AEQ_SQL_CONNECTION', `${what} (${safeUrl}) failed: ${msg.split('\n')[0]}`, {
    hint: 'Check the connection string, that the server is running, and the table or query name.',
    cause: e,
    details: { url: safeUrl },
  });
}

/**
 * Connects to PostgreSQL and opens a table or a query for SQL pushdown (`sqlCube`). Exactly one of
 * `table` and `query` is required. The relation is the quoted table (`"public"."predictions"`) or
 * `(query) AS src`; queries run one at a time on one connection. BIGINT and NUMERIC values come back
 * as JS numbers. Close it when done.
 *
 * @param url - a PostgreSQL connection string, e.g. `postgres://user:pass@host:5432/db`.
 * @param opts - the table or query to aggregate.
 * @returns the executor; `dialect: 'postgres'`.
 * @throws {AEQ_INVALID_ARGUMENT} when both or neither of `table` and `query` are given, or the table name is malformed.
 * @throws {AEQ_SQL_CONNECTION} when the server cannot be reached, the login fails, or the relation
 *   cannot be read (the message has the URL without its password).
 * @example
 * const src = await openPostgres('postgres://postgres@127.0.0.1:54329/aequa', { table: 'public.scores' });
 * src.relation // '"public"."scores"'
 * await src.close();
 */
export async function openPostgres(url: string, opts: PostgresOptions): Promise<PostgresSource> {
  const safeUrl = redactUrl(url);
  const password = passwordOf(url);
  const hasTable = opts.table !== undefined && opts.table.trim() !== '';
  const hasQuery = opts.query !== undefined && opts.query.trim() !== '';
  if (hasTable === hasQuery)
    throw new InvalidArgumentError(
      'openPostgres',
      'opts',
      hasTable ? 'both table and query' : 'neither table nor query',
      'exactly one of table and query',
      'Pass --table NAME or --query "SELECT …".',
    );
  const relation = hasTable
    ? tableParts(opts.table!.trim()).map(quoteIdent).join('.')
    : `(${opts.query!.trim().replace(/;+\s*$/, '')}) AS src`;
  const description = hasTable ? `${safeUrl} table ${relation}` : `${safeUrl} query`;

  let client: Client;
  try {
    const pg = await import('pg');
    client = new pg.Client({
      connectionString: url,
      types: {
        getTypeParser: ((oid: number, format?: string) => {
          if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
          return format === undefined
            ? pg.types.getTypeParser(oid)
            : pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    await client.connect();
  } catch (e) {
    throw connectionError('Connecting to PostgreSQL', safeUrl, password, e);
  }
  // A client error after connecting (server gone) must not crash the process; queries then fail.
  client.on('error', () => {});

  let closed = false;
  let names: readonly string[] | null = null;
  const query = async (
    sql: string,
    params?: readonly unknown[],
  ): Promise<readonly Record<string, unknown>[]> => {
    if (closed) throw new AequaError('AEQ_SQL_CONNECTION', `The PostgreSQL source ${description} is closed.`);
    try {
      const r = await client.query(sql, params === undefined ? undefined : [...params]);
      return r.rows as Record<string, unknown>[];
    } catch (e) {
      throw new AequaError(
        'AEQ_SQL_CONNECTION',
        `PostgreSQL query on ${description} failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`,
        {
          hint: `Check the table or query; the data is read from ${relation}.`,
          cause: e,
          details: { sql },
        },
      );
    }
  };
  const source: PostgresSource = {
    dialect: 'postgres',
    relation,
    description,
    query,
    async columns() {
      if (names !== null) return names;
      if (closed)
        throw new AequaError('AEQ_SQL_CONNECTION', `The PostgreSQL source ${description} is closed.`);
      try {
        const r = await client.query(`SELECT * FROM ${relation} LIMIT 0`);
        names = r.fields.map((f) => f.name);
        return names;
      } catch (e) {
        throw connectionError(
          `Reading the columns of ${hasTable ? relation : 'the query'}`,
          safeUrl,
          password,
          e,
        );
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end();
    },
  };
  // Fail now, with a clear message, when the table or query is wrong.
  try {
    await source.columns();
  } catch (e) {
    await source.close().catch(() => {});
    throw e;
  }
  return source;
}
