/**
 * openPostgres: password redaction, table-name parsing, argument and connection errors, and — when
 * AEQUA_PG_URL points at a server (`bash scripts/postgres.sh` prints one) — a real table and query.
 * Under CI a missing AEQUA_PG_URL fails instead of skipping.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { AequaError } from '../../core/index.js';
import type { SqlExecutor } from '../../metrics/producers/types.js';
import { openPostgres, type PostgresSource, redactUrl, tableParts } from './postgres.js';

const PG_URL = process.env.AEQUA_PG_URL;
const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';

describe('redactUrl', () => {
  it('replaces the password of a URL and of a key=value string', () => {
    expect(redactUrl('postgres://me:s3cret@db.example:5432/x')).toBe('postgres://me:***@db.example:5432/x');
    expect(redactUrl('postgres://me@db/x?password=s3cret')).toBe('postgres://me@db/x?password=***');
    expect(redactUrl('host=db user=me password=s3cret dbname=x')).toBe(
      'host=db user=me password=*** dbname=x',
    );
    expect(redactUrl('postgres://me@db/x')).toBe('postgres://me@db/x');
  });
});

describe('tableParts', () => {
  it('splits bare and quoted parts of a qualified name', () => {
    expect(tableParts('predictions')).toEqual(['predictions']);
    expect(tableParts('public.predictions')).toEqual(['public', 'predictions']);
    expect(tableParts('"my schema"."a.b ""c"""')).toEqual(['my schema', 'a.b "c"']);
  });

  it('rejects malformed names', () => {
    for (const bad of ['', 'a.', '"open', 'a."b', 'a.b.c.d'])
      expect(() => tableParts(bad), bad).toThrow(expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }));
  });
});

describe('openPostgres errors', () => {
  it('needs exactly one of table and query', async () => {
    expect.assertions(2);
    await openPostgres('postgres://x@127.0.0.1:1/db', {}).catch((e: AequaError) =>
      expect(e.code).toBe('AEQ_INVALID_ARGUMENT'),
    );
    await openPostgres('postgres://x@127.0.0.1:1/db', { table: 't', query: 'SELECT 1' }).catch(
      (e: AequaError) => expect(e.code).toBe('AEQ_INVALID_ARGUMENT'),
    );
  });

  it('wraps a refused connection as AEQ_SQL_CONNECTION without the password', async () => {
    expect.assertions(4);
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    await openPostgres('postgres://me:hunter2@127.0.0.1:1/db', { table: 't' }).catch((e: AequaError) => {
      expect(e).toBeInstanceOf(AequaError);
      expect(e.code).toBe('AEQ_SQL_CONNECTION');
      expect(e.message).toContain('postgres://me:***@127.0.0.1:1/db');
      expect(e.message).not.toContain('hunter2');
    });
  });
});

describe('openPostgres against a server', () => {
  if (PG_URL === undefined) {
    if (IN_CI)
      it('runs in CI (AEQUA_PG_URL must be set by scripts/postgres.sh)', () => {
        expect.fail('AEQUA_PG_URL is not set, but CI is.');
      });
    else
      it.skip('is skipped: AEQUA_PG_URL is not set (run `bash scripts/postgres.sh` and export the URL)', () => {});
    return;
  }
  const schema = `aequa_pgtest_${process.pid}`;
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`CREATE SCHEMA "${schema}"`);
    await c.query(
      `CREATE TABLE "${schema}"."Scores ""x""" (id bigint, amount numeric(6,2), name text, ok boolean)`,
    );
    await c.query(
      `INSERT INTO "${schema}"."Scores ""x""" VALUES (9007199254740991, 1.25, 'a', true), (2, NULL, NULL, false)`,
    );
    await c.end();
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  it('opens a schema-qualified table, lists its columns and reads BIGINT and NUMERIC as numbers', async () => {
    const src = await openPostgres(PG_URL, { table: `${schema}."Scores ""x"""` });
    try {
      expectTypeOf(src).toMatchTypeOf<SqlExecutor>();
      expect(src.relation).toBe(`"${schema}"."Scores ""x"""`);
      expect(await src.columns()).toEqual(['id', 'amount', 'name', 'ok']);
      const rows = await src.query(`SELECT * FROM ${src.relation} ORDER BY id DESC`);
      expect(rows).toEqual([
        { id: 9007199254740991, amount: 1.25, name: 'a', ok: true },
        { id: 2, amount: null, name: null, ok: false },
      ]);
      expect(await src.query(`SELECT count(*) AS n FROM ${src.relation} WHERE name = $1`, ['a'])).toEqual([
        { n: 1 },
      ]);
    } finally {
      await src.close();
      await src.close();
    }
  });

  it('opens a query as a subquery relation', async () => {
    const src: PostgresSource = await openPostgres(PG_URL, {
      query: `SELECT id, ok FROM "${schema}"."Scores ""x""" WHERE ok;`,
    });
    try {
      expect(src.relation.startsWith('(SELECT id, ok')).toBe(true);
      expect(await src.columns()).toEqual(['id', 'ok']);
      expect(await src.query(`SELECT count(*) AS n FROM ${src.relation}`)).toEqual([{ n: 1 }]);
    } finally {
      await src.close();
    }
  });

  it('reports a missing table as AEQ_SQL_CONNECTION when opening', async () => {
    expect.assertions(2);
    await openPostgres(PG_URL, { table: `${schema}.nope` }).catch((e: AequaError) => {
      expect(e.code).toBe('AEQ_SQL_CONNECTION');
      expect(e.message).toContain('does not exist');
    });
  });
});
