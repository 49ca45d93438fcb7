/**
 * The SQL producer against a real in-memory DuckDB: identifier quoting end to end (a column named
 * `we"ird col`), text values bound as parameters, type mapping, and the error cases. The
 * equality with the memory producer on many datasets is in test/conformance/producers.test.ts.
 */
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingColumnError } from '../../core/index.js';
import { resolveSpec } from './memory.js';
import { cubeQueries, quoteIdentifier, sqlCube, sqlKind, sqlProducer } from './sql.js';
import type { SqlExecutor } from './types.js';

let instance: DuckDBInstance;
let exec: SqlExecutor;

/** A minimal executor over the test database (BIGINT as number, as the contract says). */
function executor(relation: string, columns: readonly string[]): SqlExecutor {
  return {
    dialect: 'duckdb',
    relation,
    description: 'the test table',
    async query(sql, params) {
      const conn = await instance.connect();
      try {
        const r = await conn.runAndReadAll(sql, params as DuckDBValue[] | undefined);
        return r
          .getRowObjectsJS()
          .map((row) =>
            Object.fromEntries(
              Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
            ),
          );
      } finally {
        conn.closeSync();
      }
    },
    columns: async () => columns,
    close: async () => {},
  };
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // row  we"ird col   select  p  amount  score  label
  //  0   x            1       1  2       0.9    ok
  //  1   x            0       1  1       0.1    ' OR 1=1 --
  //  2   y'all        1       0  1       0.4    o'k
  //  3   y'all        0       0  4       0.6    ok
  //  4   NULL         1       1  1       0.7    ok
  await conn.run(
    `CREATE TABLE "my ""table""" ("we""ird col" VARCHAR, "select" INTEGER, p BOOLEAN, amount DOUBLE, score DOUBLE, label VARCHAR)`,
  );
  await conn.run(`INSERT INTO "my ""table""" VALUES
    ('x', 1, true, 2, 0.9, 'ok'), ('x', 0, true, 1, 0.1, ''' OR 1=1 --'), ('y''all', 1, false, 1, 0.4, 'o''k'),
    ('y''all', 0, false, 4, 0.6, 'ok'), (NULL, 1, true, 1, 0.7, 'ok')`);
  await conn.run(`CREATE TABLE bad (y INTEGER, s DOUBLE, w DOUBLE, t VARCHAR)`);
  await conn.run(`INSERT INTO bad VALUES (1, 'NaN', 1, 'a'), (0, 0.5, -1, 'b'), (NULL, 0.2, 1, 'c')`);
  conn.closeSync();
  exec = executor(`"my ""table"""`, ['we"ird col', 'select', 'p', 'amount', 'score', 'label']);
});

afterAll(() => {
  instance.closeSync();
});

describe('quoteIdentifier', () => {
  it('wraps in double quotes and doubles embedded quotes', () => {
    expect(quoteIdentifier('we"ird col')).toBe('"we""ird col"');
    expect(quoteIdentifier('a"; DROP TABLE t; --')).toBe('"a""; DROP TABLE t; --"');
  });
});

describe('sqlKind', () => {
  it('maps DuckDB and PostgreSQL type names to number, boolean or text', () => {
    expect(
      ['INTEGER', 'DECIMAL(10,2)', 'HUGEINT', 'double precision', 'numeric', 'real', 'bigint'].map(sqlKind),
    ).toEqual(Array(7).fill('number'));
    expect(['BOOLEAN', 'boolean'].map(sqlKind)).toEqual(['boolean', 'boolean']);
    expect(['VARCHAR', 'text', 'character varying', 'DATE', 'INTERVAL'].map(sqlKind)).toEqual(
      Array(5).fill('text'),
    );
  });
});

describe('sqlCube on DuckDB', () => {
  it('groups by a column named we"ird col and reads a label column named select', async () => {
    // label "select" (1 = positive), prediction p (boolean, 'true' positive by default), weight amount
    //   x:      (1, true, 2) tp 2;  (0, true, 1) fp 1
    //   y'all:  (1, false, 1) fn 1; (0, false, 4) tn 4
    //   null:   (1, true, 1) tp 1
    const cube = await sqlCube(exec, {
      task: 'binary',
      label: 'select',
      prediction: 'p',
      weight: 'amount',
      dims: ['we"ird col'],
    });
    expect(cube.producer).toBe('duckdb');
    expect(cube.cells).toEqual([
      { key: ['x'], confusion: { tp: 2, fp: 1, tn: 0, fn: 0, ntp: 1, nfp: 1, ntn: 0, nfn: 0 } },
      { key: ["y'all"], confusion: { tp: 0, fp: 0, tn: 4, fn: 1, ntp: 0, nfp: 0, ntn: 1, nfn: 1 } },
      { key: [null], confusion: { tp: 1, fp: 0, tn: 0, fn: 0, ntp: 1, nfp: 0, ntn: 0, nfn: 0 } },
    ]);
  });

  it('binds text positive values as parameters, so quotes in them are data', async () => {
    // label positive = "' OR 1=1 --" and "o'k": rows 1 and 2; score ≥ 0.5 → rows 0, 3, 4
    //   row 1: y1 ŷ0 fn;  row 2: y1 ŷ0 fn;  rows 0, 3, 4: y0 ŷ1 fp  → fn 2, fp 3
    const cube = await sqlCube(exec, {
      task: 'binary',
      label: 'label',
      score: 'score',
      threshold: 0.5,
      positive: ["' OR 1=1 --", "o'k"],
      dims: [],
    });
    expect(cube.cells[0]!.confusion).toEqual({ tp: 0, fp: 3, tn: 0, fn: 2, ntp: 0, nfp: 3, ntn: 0, nfn: 2 });
    // histogram values ascending, positives at 0.1 and 0.4
    expect([...cube.cells[0]!.scores!.values]).toEqual([0.1, 0.4, 0.6, 0.7, 0.9]);
    expect([...cube.cells[0]!.scores!.npos]).toEqual([1, 1, 0, 0, 0]);
  });

  it('names a missing column with the closest match', async () => {
    expect.assertions(2);
    await sqlCube(exec, { task: 'binary', label: 'selcet', prediction: 'p', dims: [] }).catch(
      (e: unknown) => {
        expect(e).toBeInstanceOf(MissingColumnError);
        expect((e as MissingColumnError).suggestion).toBe('select');
      },
    );
  });

  it('rejects NaN, negative weights, missing labels and text scores with the memory producer codes', async () => {
    const bad = executor('bad', ['y', 's', 'w', 't']);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'none',
        (e: { code: string }) => e.code,
      );
    expect(
      await code(
        sqlCube(bad, { task: 'binary', label: 'y', score: 's', threshold: 0.5, dims: [], dropMissing: true }),
      ),
    ).toBe('AEQ_DATA_NAN');
    expect(
      await code(
        sqlCube(bad, {
          task: 'binary',
          label: 'y',
          prediction: 'y',
          weight: 'w',
          dims: [],
          dropMissing: true,
        }),
      ),
    ).toBe('AEQ_INVALID_ARGUMENT');
    expect(await code(sqlCube(bad, { task: 'binary', label: 'y', prediction: 'y', dims: [] }))).toBe(
      'AEQ_DATA_MISSING_VALUES',
    );
    expect(
      await code(sqlCube(bad, { task: 'binary', label: 'y', score: 't', threshold: 0.5, dims: [] })),
    ).toBe('AEQ_DATA_TYPE');
  });

  it('drops the missing label with dropMissing and counts it', async () => {
    const bad = executor('bad', ['y', 's', 'w', 't']);
    const cube = await sqlProducer(bad).cube({
      task: 'binary',
      label: 'y',
      prediction: 'y',
      dims: ['t'],
      dropMissing: true,
    });
    expect(cube.rowsSeen).toBe(3);
    expect(cube.rowsDropped).toBe(1);
    expect(cube.cells.map((c) => c.key)).toEqual([['a'], ['b']]);
  });
});

describe('cubeQueries', () => {
  it('quotes every column name and binds text values instead of writing them into the SQL', () => {
    const spec = resolveSpec(
      {
        task: 'binary',
        label: 'la"bel',
        prediction: 'pr ed',
        weight: 'w',
        positive: ["it's"],
        dims: ['a b'],
      },
      'test',
    );
    const kinds = new Map([
      ['la"bel', 'text'],
      ['pr ed', 'text'],
      ['w', 'number'],
      ['a b', 'text'],
    ] as const);
    const q = cubeQueries(spec, kinds, '"t"', 'postgres');
    const { sql, params } = q.stats[0]!;
    expect(sql).toContain('"la""bel"');
    expect(sql).toContain('"pr ed"');
    expect(sql).toContain('CAST("a b" AS VARCHAR) AS d0');
    expect(sql).not.toContain("it's");
    expect(params).toEqual(["it's", "it's"]);
    expect(q.checks).toContain('"la""bel" IS NULL');
  });
});
