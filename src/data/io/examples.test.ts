/**
 * The committed example datasets (examples/data) match the checksums in their README, load with
 * the documented row counts, and compas.csv carries no direct identifiers. The README table is the
 * source of truth for the checksums; it is written by scripts/prepare-examples.mjs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecords } from './formats.js';
import { loadTable } from './load.js';

const DIR = resolve(import.meta.dirname, '../../../examples/data');
const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
const table = [...readme.matchAll(/^\| `([\w.-]+\.csv)` \| (\d+) \| (\d+) \| `([0-9a-f]{64})` \|$/gm)].map(
  (m) => ({
    file: m[1]!,
    rows: Number(m[2]),
    columns: Number(m[3]),
    sha256: m[4]!,
  }),
);

describe('examples/data', () => {
  it('lists the four example files in the README', () => {
    expect(table.map((t) => t.file)).toEqual([
      'adult-train.csv',
      'adult-test.csv',
      'compas.csv',
      'german-credit.csv',
    ]);
  });

  it.each(table)('$file has the sha256 given in the README', ({ file, sha256 }) => {
    const sha = createHash('sha256')
      .update(readFileSync(join(DIR, file)))
      .digest('hex');
    expect(sha).toBe(sha256);
  });

  it.each(table)(
    '$file loads with the row and column counts given in the README',
    async ({ file, rows, columns }) => {
      const t = await loadTable(join(DIR, file));
      expect(t.nrows).toBe(rows);
      expect(t.names.length).toBe(columns);
    },
  );

  it('compas.csv has no identifier columns and no date-like values', () => {
    const records = parseRecords(readFileSync(join(DIR, 'compas.csv'), 'utf8'), ',', 1e6);
    const header = records[0]!;
    for (const name of header) {
      expect(['name', 'first', 'last', 'dob']).not.toContain(name);
      expect(name).not.toMatch(/case_number|date|jail|custody/);
    }
    const datePattern = /\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}/;
    const offending = records
      .slice(1)
      .flat()
      .filter((v) => datePattern.test(v));
    expect(offending).toEqual([]);
    expect(records.length - 1).toBe(6172); // ProPublica's filtered count
  });

  it('compas.csv numbers its rows 1..n instead of keeping the original ids', () => {
    const records = parseRecords(readFileSync(join(DIR, 'compas.csv'), 'utf8'), ',', 1e6);
    const ids = records.slice(1).map((r) => r[0]);
    expect(ids).toEqual(ids.map((_, i) => String(i + 1)));
  });

  it('adult-test.csv labels carry no trailing period', async () => {
    const t = await loadTable(join(DIR, 'adult-test.csv'));
    const income = t.column('income');
    expect(income.kind === 'category' && income.levels).toEqual(['<=50K', '>50K']);
  });
});
