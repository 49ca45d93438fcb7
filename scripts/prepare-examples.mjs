#!/usr/bin/env node
/**
 * Builds the example datasets in examples/data/ from the raw files in ../shared/datasets
 * (`npm run data:examples`, or `node scripts/prepare-examples.mjs --from DIR --out DIR`).
 * Cleaning follows each dataset's README: UCI Adult (trim, `?` → empty, no trailing period on
 * test labels), ProPublica's COMPAS filter (https://github.com/propublica/compas-analysis), and
 * Statlog German Credit with conventional names. Output is deterministic (same bytes on every
 * run: file order, LF, RFC 4180 quoting) and written atomically; the sha256 of each file is printed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : fallback;
}

const FROM = arg('--from', fileURLToPath(new URL('../../shared/datasets/', import.meta.url)));
const OUT = arg('--out', fileURLToPath(new URL('../examples/data/', import.meta.url)));

/** Quotes a field only when it holds a comma, quote or line break, or blanks at either end. */
function field(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]|^[ \t]|[ \t]$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csv(names, rows) {
  const lines = [names.map(field).join(',')];
  for (const r of rows) lines.push(r.map(field).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes via a temporary file and a rename, so a reader never sees half a file. */
function writeAtomic(path, text) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return createHash('sha256').update(text).digest('hex');
}

const ADULT_NAMES = [
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

/** UCI Adult: ", "-separated, no header, `?` = missing; the test file has a first line to skip. */
function adult(file, isTest) {
  const lines = readFileSync(join(FROM, 'adult', file), 'utf8').split('\n');
  const rows = [];
  for (const [k, line] of lines.entries()) {
    if (isTest && k === 0) continue; // "|1x3 Cross validator"
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== ADULT_NAMES.length) throw new Error(`${file} line ${k + 1}: ${cells.length} fields`);
    const last = cells.length - 1;
    if (isTest) cells[last] = cells[last].replace(/\.$/, '');
    rows.push(cells.map((c) => (c === '?' ? null : c)));
  }
  return rows;
}

const COMPAS_COLUMNS = [
  'sex',
  'age',
  'age_cat',
  'race',
  'juv_fel_count',
  'juv_misd_count',
  'juv_other_count',
  'priors_count',
  'c_charge_degree',
  'decile_score',
  'score_text',
  'v_decile_score',
  'two_year_recid',
];

/** ProPublica's standard filter, keeping analysis columns only (no names, dates, case numbers). */
async function compas() {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const path = join(FROM, 'compas', 'compas-scores-two-years.csv').replaceAll("'", "''");
    const cols = COMPAS_COLUMNS.map((c) => `"${c}"`).join(', ');
    const reader = await conn.runAndReadAll(
      `SELECT ${cols} FROM read_csv('${path}', header=true, all_varchar=true)
       WHERE CAST(days_b_screening_arrest AS INTEGER) BETWEEN -30 AND 30
         AND is_recid <> '-1' AND c_charge_degree <> 'O' AND score_text <> 'N/A'`,
    );
    return reader
      .getRows()
      .map((r, i) => [String(i + 1), ...r.map((v) => (v === null ? null : String(v).trim()))]);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const GERMAN_NAMES = [
  'checking_status',
  'duration',
  'credit_history',
  'purpose',
  'credit_amount',
  'savings',
  'employment_since',
  'installment_rate',
  'personal_status_sex',
  'other_debtors',
  'residence_since',
  'property',
  'age',
  'other_installment_plans',
  'housing',
  'existing_credits',
  'job',
  'num_dependents',
  'telephone',
  'foreign_worker',
];

/** Statlog German Credit: space-separated, no header; attribute 21 is 1 = good, 2 = bad. */
function german() {
  const lines = readFileSync(join(FROM, 'german-credit', 'german.data'), 'utf8').split('\n');
  const rows = [];
  for (const [k, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const cells = line.trim().split(/ +/);
    if (cells.length !== 21) throw new Error(`german.data line ${k + 1}: ${cells.length} fields`);
    const cls = cells[20];
    if (cls !== '1' && cls !== '2') throw new Error(`german.data line ${k + 1}: class ${cls}`);
    const sex = cells[8] === 'A92' ? 'female' : 'male';
    const ageGroup = Number(cells[12]) < 25 ? '<25' : '>=25';
    rows.push([...cells.slice(0, 20), sex, ageGroup, cls === '1' ? 'good' : 'bad', cls === '1' ? '1' : '0']);
  }
  return rows;
}

mkdirSync(OUT, { recursive: true });
const outputs = [
  ['adult-train.csv', ADULT_NAMES, adult('adult.data', false)],
  ['adult-test.csv', ADULT_NAMES, adult('adult.test', true)],
  ['compas.csv', ['id', ...COMPAS_COLUMNS], await compas()],
  ['german-credit.csv', [...GERMAN_NAMES, 'sex', 'age_group', 'credit_risk', 'good_credit'], german()],
];
process.stdout.write('| file | rows | columns | sha256 |\n| --- | --- | --- | --- |\n');
for (const [name, names, rows] of outputs) {
  const sha = writeAtomic(join(OUT, name), csv(names, rows));
  process.stdout.write(`| \`${name}\` | ${rows.length} | ${names.length} | \`${sha}\` |\n`);
}
