/**
 * The pushdown's pre-noise aggregates equal the in-memory ones exactly, on real DuckDB (in-process) and on
 * real PostgreSQL when AEQUA_PG_URL points at a server (skipped otherwise, as in src/data/io/postgres.test.ts).
 * The data are integers and the clamp midpoints halves, so every sum is exact in binary64 in any order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { openPostgres, openTable } from '../../data/io/index.js';
import type { SqlExecutor } from '../../metrics/index.js';
import { type AggregateSpec, memoryAggregates, sqlAggregates } from './sql-aggregates.js';

const PG_URL = process.env.AEQUA_PG_URL;

// 12 rows, persons p1…p6 with 1–3 rows each; within a person every row is identical except `visit`,
// so whichever rows bounding keeps, the aggregates over age/sex/y are determined.
const ids = ['p1', 'p1', 'p1', 'p2', 'p3', 'p3', 'p4', 'p5', 'p5', 'p5', 'p6', 'p6'];
const visit = [1, 2, 3, 1, 1, 2, 1, 1, 2, 3, 1, 2];
const age = [34, 34, 34, 71, 15, 15, 150, 45, 45, 45, null, null];
const sex = ['F', 'F', 'F', 'M', 'F', 'F', 'M', 'M', 'M', 'M', 'F', 'F'];
const y = ['yes', 'yes', 'yes', 'no', 'no', 'no', 'yes', 'no', 'no', 'no', 'yes', 'yes'];
const table = fromArrays({ id: ids, visit, age, sex, y });
const spec: AggregateSpec = {
  numeric: { age: [18, 99] },
  categorical: ['sex'],
  groups: { sensitive: 'sex', label: 'y', positive: ['yes'] },
};

function byPerson(k: number) {
  // the first k rows of each person (all rows of a person are alike, see above)
  const seen = new Map<string, number>();
  const keep: number[] = [];
  ids.forEach((p, i) => {
    const c = seen.get(p) ?? 0;
    if (c < k) keep.push(i);
    seen.set(p, c + 1);
  });
  return table.take(Uint32Array.from(keep));
}

function suite(name: string, open: () => Promise<SqlExecutor>) {
  describe(name, () => {
    let exec: SqlExecutor;
    beforeAll(async () => {
      exec = await open();
    });
    afterAll(async () => {
      await exec?.close();
    });

    it('computes the clamped counts, centred sums and sums of squares, category and group counts exactly', async () => {
      const got = await sqlAggregates(exec, spec);
      expect(got).toEqual(memoryAggregates(table, spec));
      // by hand: ages clamped to [18, 99], centred on 58.5: 34→−24.5 ×3, 71→12.5, 15→18→−40.5 ×2,
      // 150→99→40.5, 45→−13.5 ×3; 10 valid cells
      expect(got.numeric.age).toEqual({
        count: 10,
        s1: 3 * -24.5 + 12.5 + 2 * -40.5 + 40.5 + 3 * -13.5,
        s2: 3 * 24.5 ** 2 + 12.5 ** 2 + 2 * 40.5 ** 2 + 40.5 ** 2 + 3 * 13.5 ** 2,
        inside: 7, // 34 ×3, 71 and 45 ×3 lie in [18, 99]; 15 ×2 and 150 do not
      });
      expect(got.groups).toEqual({ F: { size: 7, positives: 5 }, M: { size: 5, positives: 1 } });
    });

    it('keeps at most k rows per person with the window function, reproducibly', async () => {
      for (const k of [1, 2]) {
        const s = { ...spec, idColumn: 'id', maxRowsPerPerson: k };
        const got = await sqlAggregates(exec, s);
        expect(got).toEqual(memoryAggregates(byPerson(k), spec));
        expect(await sqlAggregates(exec, s)).toEqual(got);
      }
      // k = 1: six persons, one row each
      expect((await sqlAggregates(exec, { idColumn: 'id', maxRowsPerPerson: 1 })).rows).toBe(6);
    });

    it('refuses a clamping range that excludes every value, as the in-memory path does', async () => {
      const { dpDescribeSql } = await import('./dp-describe-sql.js');
      const e = await dpDescribeSql(exec, { epsilon: 1, clamp: { age: [200, 300] } }).catch(
        (x: unknown) => x,
      );
      expect(e).toMatchObject({ code: 'AEQ_PRIVACY_CLAMP_RANGE' });
      expect((await sqlAggregates(exec, { numeric: { age: [200, 300] } })).numeric.age?.inside).toBe(0);
    });

    it('names the missing column and the columns that exist', async () => {
      const e = await sqlAggregates(exec, { numeric: { agee: [0, 1] } }).catch((x: Error) => x);
      expect(e).toBeInstanceOf(Error);
      expect(JSON.stringify({ m: (e as Error).message, d: (e as { details?: unknown }).details })).toMatch(
        /agee[\s\S]*id, visit, age, sex, y/,
      );
    });
  });
}

suite('sqlAggregates on DuckDB', () => openTable(table, { description: 'test table' }));

describe.skipIf(!PG_URL)('sqlAggregates on PostgreSQL', () => {
  const name = `aequa_dp_${process.pid}`;
  let admin: SqlExecutor;
  beforeAll(async () => {
    admin = await openPostgres(PG_URL!, { query: 'SELECT 1' });
    await admin.query(`DROP TABLE IF EXISTS ${name}`);
    await admin.query(`CREATE TABLE ${name} (id text, visit int, age double precision, sex text, y text)`);
    for (let i = 0; i < ids.length; i++)
      await admin.query(`INSERT INTO ${name} VALUES ($1, $2, $3, $4, $5)`, [
        ids[i],
        visit[i],
        age[i],
        sex[i],
        y[i],
      ]);
  });
  afterAll(async () => {
    await admin?.query(`DROP TABLE IF EXISTS ${name}`);
    await admin?.close();
  });
  suite('a real table', () => openPostgres(PG_URL!, { table: name }));
});
