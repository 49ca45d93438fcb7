/**
 * A DuckDB query as the data source (`--sql duckdb: --query …`): the GROUP BY is pushed into
 * DuckDB over whatever the query reads, and the audit equals the in-memory one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';

const COMPAS = resolve(import.meta.dirname, '../../examples/data/compas.csv');
const common = {
  label: 'two_year_recid',
  score: 'decile_score',
  threshold: 5,
  sensitive: ['race', 'sex'],
} as const;

describe('DuckDB query source', () => {
  it('gives the same audit as loading the file into memory', async () => {
    const mem = await audit({ data: COMPAS, ...common });
    const q = await audit({
      data: { url: 'duckdb:', query: `SELECT * FROM read_csv('${COMPAS}')` },
      ...common,
    });
    expect(q.input.engine).toBe('duckdb');
    expect(q.byFeature).toEqual(mem.byFeature);
    expect(q.overall).toEqual(mem.overall);
  });

  it('reads a table of a DuckDB database file, read-only', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = join(mkdtempSync(join(tmpdir(), 'aequa-duck-')), 'p.duckdb');
    const inst = await DuckDBInstance.create(db);
    const c = await inst.connect();
    await c.run(`CREATE TABLE preds AS SELECT * FROM read_csv('${COMPAS}')`);
    c.closeSync();
    inst.closeSync();
    const mem = await audit({ data: COMPAS, ...common });
    const t = await audit({ data: { url: `duckdb:${db}`, table: 'preds' }, ...common });
    expect(t.byFeature.race).toEqual(mem.byFeature.race);
  });

  it('says what failed when the query is wrong', async () => {
    await expect(audit({ data: { url: 'duckdb:', query: 'SELEC 1' }, ...common })).rejects.toMatchObject({
      code: 'AEQ_SQL_CONNECTION',
    });
  });
});
