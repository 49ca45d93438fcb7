/**
 * Loading every format through real DuckDB (and flechette for Arrow), the raw benchmark files with
 * their quirks, the error cases, and a CSV round trip. Expected values come from the fixture
 * text (read by eye, stated in comments) or from independent plain-JS parsing of the raw files.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { columnFromArray, tableFromColumns, tableToIPC } from '@uwdata/flechette';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AequaError, withWarnings } from '../../core/index.js';
import type { SqlExecutor } from '../../metrics/producers/types.js';
import { type Column, cellString, missingCount } from '../column.js';
import { fromArrays, type Table } from '../table.js';
import { formatCsv, loadTable, openSource, openTable } from './index.js';

const FIX = resolve(import.meta.dirname, '../../../test/fixtures/data');
const DATASETS = resolve(import.meta.dirname, '../../../../shared/datasets');
const ADULT = [
  'age',
  'workclass',
  'fnlwgt',
  'education',
  'education_num',
  'marital_status',
  'occupation',
  'relationship',
  'race',
  'sex',
  'capital_gain',
  'capital_loss',
  'hours_per_week',
  'native_country',
  'income',
];

let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'aequa-io-'));
  // Parquet made by DuckDB itself, with typed columns, a NULL and a DECIMAL.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT * FROM (VALUES (1::BIGINT, 'a', 0.25::DOUBLE, true, 1.50::DECIMAL(5,2)),
                                 (2::BIGINT, 'b', NULL, false, 2.25::DECIMAL(5,2)),
                                 (3::BIGINT, ' a ', 1.0::DOUBLE, NULL, 3.00::DECIMAL(5,2))) t(id, g, s, ok, d))
     TO '${join(tmp, 'rows.parquet')}' (FORMAT parquet)`,
  );
  await conn.run(`COPY (SELECT 'NaN'::DOUBLE AS x) TO '${join(tmp, 'nan.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
  // Arrow IPC file made by flechette.
  const at = tableFromColumns({
    id: columnFromArray(new Float64Array([1, 2, 3])),
    g: columnFromArray(['x', null, ' y ']),
    n: columnFromArray(['1', '2', '?']),
    ok: columnFromArray([true, false, null]),
  });
  writeFileSync(join(tmp, 'rows.arrow'), tableToIPC(at, { format: 'file' })!);
  writeFileSync(join(tmp, 'quirky.csv.gz'), gzipSync(readFileSync(join(FIX, 'quirky.csv'))));
  const junk = new Uint8Array(2048);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) % 256; // deterministic bytes incl. NUL
  writeFileSync(join(tmp, 'junk.csv'), junk);
  writeFileSync(join(tmp, 'empty.csv'), '');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function strings(col: Column, n: number): (string | null)[] {
  return Array.from({ length: n }, (_, i) => cellString(col, i));
}

async function expectCode(p: Promise<unknown>, code: string): Promise<AequaError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AequaError);
    expect((e as AequaError).code).toBe(code);
    return e as AequaError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

describe('loading the quirky CSV fixture', () => {
  it('trims text and names, treats empty and NA cells as missing, and infers kinds after that', async () => {
    // quirky.csv: header "id, name ,score,score,passed,group", CRLF, "?" in both score columns.
    const { result: t, warnings } = await withWarnings(() =>
      loadTable(join(FIX, 'quirky.csv'), { na: ['?'] }),
    );
    expect(t.names).toEqual(['id', 'name', 'score', 'score_1', 'passed', 'group']);
    expect(warnings.map((w) => w.code)).toEqual(['AEQ_W_DUPLICATE_COLUMN']);
    expect(t.nrows).toBe(4);
    expect(strings(t.column('name'), 4)).toEqual(['Ann', 'Bob', null, 'Dee']);
    const score = t.column('score');
    expect(score.kind).toBe('number');
    expect(strings(score, 4)).toEqual(['0.5', null, '15', '-2']); // "1.5e1" is 15
    expect(t.column('passed').kind).toBe('boolean');
    expect(strings(t.column('passed'), 4)).toEqual(['true', 'false', 'true', null]);
    const group = t.column('group');
    expect(group.kind).toBe('category');
    // Levels sorted by code point; quoted commas and doubled quotes kept as text.
    expect(group.kind === 'category' && group.levels).toEqual(['a, b', 'c', 'say "hi"']);
    expect(strings(group, 4)).toEqual(['a, b', 'c', 'say "hi"', 'c']);
  });

  it('keeps a column with an unlisted NA marker as text', async () => {
    const t = await loadTable(join(FIX, 'quirky.csv'));
    expect(t.column('score').kind).toBe('category');
    expect(strings(t.column('score'), 4)).toEqual(['0.5', '?', '1.5e1', '-2']);
  });

  it('keeps blanks when trim is false', async () => {
    const t = await loadTable(join(FIX, 'quirky.csv'), { trim: false, na: ['?'] });
    expect(t.names[1]).toBe(' name ');
    expect(strings(t.column(' name '), 4)).toEqual(['  Ann ', 'Bob', null, 'Dee']);
  });

  it('applies schema overrides over inference', async () => {
    const t = await loadTable(join(FIX, 'quirky.csv'), {
      na: ['?'],
      schema: { id: 'category', passed: 'category' },
    });
    expect(t.column('id').kind).toBe('category');
    expect(strings(t.column('passed'), 4)).toEqual(['TRUE', 'false', 'true', null]);
  });

  it('reads gzip-compressed CSV the same as the plain file', async () => {
    const a = await loadTable(join(FIX, 'quirky.csv'), { na: ['?'] });
    const b = await loadTable(join(tmp, 'quirky.csv.gz'), { na: ['?'] });
    expect(b.names).toEqual(a.names);
    for (const n of a.names) expect(strings(b.column(n), 4)).toEqual(strings(a.column(n), 4));
  });

  it('stops after limit rows', async () => {
    const t = await loadTable(join(FIX, 'quirky.csv'), { na: ['?'], limit: 2 });
    expect(t.nrows).toBe(2);
    expect(strings(t.column('name'), 2)).toEqual(['Ann', 'Bob']);
  });
});

describe('loading each format', () => {
  it('reads TSV by extension', async () => {
    const t = await loadTable(join(FIX, 'people.tsv'));
    expect(t.names).toEqual(['id', 'sex', 'y']);
    expect(strings(t.column('y'), 3)).toEqual(['1', '0', null]);
    expect(t.column('sex').kind).toBe('category');
  });

  it('sniffs a space delimiter and a missing header in a .data file', async () => {
    const t = await loadTable(join(FIX, 'spaces.data'));
    expect(t.names).toEqual(['column1', 'column2', 'column3']);
    expect(strings(t.column('column3'), 2)).toEqual(['3', '6']);
  });

  it('reads Parquet with its own types and trims its text', async () => {
    const t = await loadTable(join(tmp, 'rows.parquet'));
    expect(t.names).toEqual(['id', 'g', 's', 'ok', 'd']);
    expect(t.column('id').kind).toBe('number');
    expect(strings(t.column('s'), 3)).toEqual(['0.25', null, '1']);
    expect(strings(t.column('ok'), 3)).toEqual(['true', 'false', null]);
    expect(strings(t.column('d'), 3)).toEqual(['1.5', '2.25', '3']);
    expect(strings(t.column('g'), 3)).toEqual(['a', 'b', 'a']);
  });

  it('reads a JSON array of objects', async () => {
    const t = await loadTable(join(FIX, 'rows.json'), { na: ['NA'] });
    expect(t.names).toEqual(['id', 'g', 's', 'ok']);
    expect(strings(t.column('g'), 3)).toEqual(['a', 'b', null]);
    expect(strings(t.column('s'), 3)).toEqual(['0.25', null, '1']);
    expect(strings(t.column('ok'), 3)).toEqual(['true', 'false', null]);
  });

  it('reads JSON Lines', async () => {
    const t = await loadTable(join(FIX, 'rows.jsonl'));
    expect(t.nrows).toBe(2);
    expect(strings(t.column('s'), 2)).toEqual(['0.25', '0.5']);
  });

  it('reads Arrow IPC through flechette and applies the text rules to its strings', async () => {
    const t = await loadTable(join(tmp, 'rows.arrow'), { na: ['?'] });
    expect(t.names).toEqual(['id', 'g', 'n', 'ok']);
    expect(strings(t.column('g'), 3)).toEqual(['x', null, 'y']);
    expect(t.column('n').kind).toBe('number');
    expect(strings(t.column('n'), 3)).toEqual(['1', '2', null]);
    expect(strings(t.column('ok'), 3)).toEqual(['true', 'false', null]);
  });

  it('registers an Arrow file in DuckDB so SQL runs on it', async () => {
    const src = await openSource(join(tmp, 'rows.arrow'), { na: ['?'] });
    try {
      const rows = await src.query(`SELECT sum(n) AS s, count(g) AS c FROM ${src.relation}`);
      expect(rows).toEqual([{ s: 3, c: 2 }]); // n = 1 + 2 (+ missing); g has 2 values
    } finally {
      await src.close();
    }
  });
});

describe('the SQL relation of a source', () => {
  it('is a SqlExecutor whose rows use JS numbers and null', async () => {
    const src = await openSource(join(FIX, 'quirky.csv'), { na: ['?'] });
    try {
      const exec: SqlExecutor = src;
      expect(exec.dialect).toBe('duckdb');
      expect(await exec.columns()).toEqual(['id', 'name', 'score', 'score_1', 'passed', 'group']);
      const rows = await exec.query(
        `SELECT count(*) AS n, sum(score) AS s, max(name) AS m, min(CASE WHEN id > 9 THEN 1 END) AS x FROM ${exec.relation}`,
      );
      // count(*) is BIGINT in DuckDB: it must arrive as the number 4, not 4n. sum = 0.5 + 15 - 2.
      expect(rows).toEqual([{ n: 4, s: 13.5, m: 'Dee', x: null }]);
      const typed = await exec.query(
        `SELECT count(*) AS n FROM ${exec.relation} WHERE passed AND score > ?`,
        [1],
      );
      expect(typed).toEqual([{ n: 1 }]);
      expect(src.schema.columns.find((c) => c.name === 'score')).toEqual({
        name: 'score',
        kind: 'number',
        nullCount: 1,
      });
    } finally {
      await src.close();
    }
  });

  it('reports a failing query as AEQ_SQL_CONNECTION', async () => {
    const src = await openSource(join(FIX, 'people.tsv'));
    try {
      await expectCode(src.query('SELECT nope FROM aequa_data'), 'AEQ_SQL_CONNECTION');
    } finally {
      await src.close();
    }
  });

  it('loads only the requested columns and names a missing one', async () => {
    const src = await openSource(join(FIX, 'people.tsv'));
    try {
      const t = await src.toTable(['y', 'id']);
      expect(t.names).toEqual(['y', 'id']);
      const e = await expectCode(src.toTable(['sexx']), 'AEQ_DATA_MISSING_COLUMN');
      expect(e.message).toContain('"sex"');
    } finally {
      await src.close();
    }
  });
});

describe('the raw benchmark files', () => {
  it('renames the repeated COMPAS header names and loads 7214 rows', async () => {
    const path = join(DATASETS, 'compas/compas-scores-two-years.csv');
    const { result: t, warnings } = await withWarnings(() => loadTable(path));
    expect(t.nrows).toBe(7214);
    expect(t.names.length).toBe(53);
    expect(t.names).toContain('decile_score_1');
    expect(t.names).toContain('priors_count_1');
    expect(
      warnings.filter((w) => w.code === 'AEQ_W_DUPLICATE_COLUMN').map((w) => w.details?.renamed),
    ).toEqual(['decile_score_1', 'priors_count_1']);
    // The README says the repeated columns are identical on every row.
    const a = t.column('decile_score');
    const b = t.column('decile_score_1');
    expect(a.kind === 'number' && b.kind === 'number' && a.values).toEqual(b.kind === 'number' && b.values);
  });

  it('loads adult.data with names and "?" as missing, matching an independent count', async () => {
    const path = join(DATASETS, 'adult/adult.data');
    const t = await loadTable(path, { columns: ADULT, na: ['?'] });
    // Independent count: split each non-empty line on commas, trim, look for "?".
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const cells = lines.map((l) => l.split(',').map((c) => c.trim()));
    const rowsWithMissing = cells.filter((r) => r.includes('?')).length;
    const workclassMissing = cells.filter((r) => r[1] === '?').length;
    expect(t.nrows).toBe(lines.length);
    expect(t.nrows).toBe(32561); // the dataset README's count
    expect(missingCount(t.column('workclass'))).toBe(workclassMissing);
    let anyMissing = 0;
    const cols = t.names.map((n) => t.column(n));
    for (let i = 0; i < t.nrows; i++)
      if (cols.some((c) => c.valid !== null && !c.valid.isValid(i))) anyMissing++;
    expect(anyMissing).toBe(rowsWithMissing);
    expect(rowsWithMissing).toBe(2399); // the dataset README's count
    expect(t.column('age').kind).toBe('number');
    const income = t.column('income');
    expect(income.kind === 'category' && income.levels).toEqual(['<=50K', '>50K']);
  });

  it('loads adult.test after skipping its first line', async () => {
    const t = await loadTable(join(DATASETS, 'adult/adult.test'), { columns: ADULT, na: ['?'], skip: 1 });
    expect(t.nrows).toBe(16281);
    const income = t.column('income');
    expect(income.kind === 'category' && income.levels).toEqual(['<=50K.', '>50K.']);
    expect(t.column('age').kind).toBe('number');
  });

  it('loads german.data: space delimiter, no header, 1000 rows of 21 fields', async () => {
    const t = await loadTable(join(DATASETS, 'german-credit/german.data'));
    expect(t.nrows).toBe(1000);
    expect(t.names.length).toBe(21);
    const cls = t.column('column21');
    let good = 0;
    if (cls.kind === 'number') for (const v of cls.values) if (v === 1) good++;
    expect(good).toBe(700); // the dataset README's count of 1 = good
  });
});

describe('errors', () => {
  it('reports a missing file as AEQ_IO_FILE_NOT_FOUND', async () => {
    const e = await expectCode(loadTable(join(FIX, 'nope.csv')), 'AEQ_IO_FILE_NOT_FOUND');
    expect(e.message).toMatchInlineSnapshot(`"Cannot read "${join(FIX, 'nope.csv')}": no such file."`);
  });

  it('reports binary junk named .csv as AEQ_IO_FORMAT', async () => {
    const e = await expectCode(loadTable(join(tmp, 'junk.csv')), 'AEQ_IO_FORMAT');
    expect(e.message).toContain('binary data');
    expect(e.hint).toContain('--input-format');
  });

  it('reports text named .parquet as AEQ_IO_FORMAT', async () => {
    const e = await expectCode(loadTable(join(FIX, 'text.parquet')), 'AEQ_IO_FORMAT');
    expect(e.message).toContain('Parquet');
    expect(e.message).toContain('looks like text');
  });

  it('reports a Parquet file read as CSV as AEQ_IO_FORMAT', async () => {
    const e = await expectCode(loadTable(join(tmp, 'rows.parquet'), { format: 'csv' }), 'AEQ_IO_FORMAT');
    expect(e.message).toContain('a Parquet file');
  });

  it('reports an empty file and a header-only file as AEQ_DATA_EMPTY', async () => {
    await expectCode(loadTable(join(tmp, 'empty.csv')), 'AEQ_DATA_EMPTY');
    await expectCode(loadTable(join(FIX, 'header-only.csv')), 'AEQ_DATA_EMPTY');
  });

  it('reports a row with the wrong number of fields with its line', async () => {
    // ragged.csv line 3 is "4,5": two fields under a three-column header.
    const e = await expectCode(loadTable(join(FIX, 'ragged.csv')), 'AEQ_IO_FORMAT');
    expect(e.details).toMatchObject({ line: 3, expected: 3, found: 2 });
    expect(e.message).toContain('"4,5"');
  });

  it('reports NaN in a number column with its row, in CSV and in Parquet', async () => {
    const e = await expectCode(loadTable(join(FIX, 'nan.csv')), 'AEQ_DATA_NAN');
    expect(e.details).toMatchObject({ column: 'x', row: 2, value: 'NaN' });
    const p = await expectCode(loadTable(join(tmp, 'nan.parquet')), 'AEQ_DATA_NAN');
    expect(p.details).toMatchObject({ column: 'x', row: 1 });
    // Declaring the marker missing makes it load.
    const t = await loadTable(join(FIX, 'nan.csv'), { na: ['NaN'] });
    expect(strings(t.column('x'), 3)).toEqual(['1', null, '3']);
  });

  it('reports a value that does not fit an overridden kind as AEQ_DATA_TYPE', async () => {
    const e = await expectCode(
      loadTable(join(FIX, 'people.tsv'), { schema: { sex: 'number' } }),
      'AEQ_DATA_TYPE',
    );
    expect(e.details).toMatchObject({ column: 'sex', row: 1, value: 'F' });
  });

  it('refuses to load a file above maxBytes, suggesting pushdown', async () => {
    const e = await expectCode(loadTable(join(FIX, 'quirky.csv'), { maxBytes: 100 }), 'AEQ_IO_TOO_LARGE');
    expect(e.hint).toContain('--engine duckdb');
    const src = await openSource(join(FIX, 'quirky.csv'), { maxBytes: 100 });
    try {
      await expectCode(src.toTable(), 'AEQ_IO_TOO_LARGE');
    } finally {
      await src.close();
    }
  });

  it('rejects bad options and a column list of the wrong length', async () => {
    await expectCode(loadTable(join(FIX, 'people.tsv'), { skip: -1 }), 'AEQ_INVALID_ARGUMENT');
    await expectCode(loadTable(join(FIX, 'people.tsv'), { columns: ['a', 'b'] }), 'AEQ_INVALID_ARGUMENT');
    await expectCode(
      loadTable(join(FIX, 'people.tsv'), { schema: { nope: 'number' } }),
      'AEQ_DATA_MISSING_COLUMN',
    );
  });
});

describe('round trip', () => {
  it('a Table written as CSV loads back with the same columns and cells', async () => {
    const table: Table = fromArrays({
      x: [1.5, -2, null, 1e-7, 123456789.125],
      g: ['a, b', ' padded', null, 'say "hi"', 'line\nbreak'],
      flag: [true, false, null, true, true],
    });
    const path = join(tmp, 'round.csv');
    writeFileSync(path, formatCsv(table));
    const back = await loadTable(path, { trim: false });
    expect(back.names).toEqual(table.names);
    for (const n of table.names) {
      expect(back.column(n).kind).toBe(table.column(n).kind);
      expect(strings(back.column(n), 5)).toEqual(strings(table.column(n), 5));
    }
  });

  it('openTable exposes an in-memory Table to SQL', async () => {
    const src = await openTable(fromArrays({ y: [1, 0, 1, null], g: ['a', 'b', 'a', 'b'] }));
    try {
      const rows = await src.query(`SELECT g, sum(y) AS s FROM ${src.relation} GROUP BY g ORDER BY g`);
      expect(rows).toEqual([
        { g: 'a', s: 2 },
        { g: 'b', s: 0 },
      ]);
    } finally {
      await src.close();
    }
  });
});
