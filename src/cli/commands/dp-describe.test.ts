import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';

// 1200 rows: age = 20 + i mod 50 (mean 44.5); sex F/M alternating; approved: F when i mod 8 = 0
// (rate 1/4), M when i mod 4 = 1 (rate 1/2); pid = i div 3 (400 people, 3 rows each).
let dir: string;
let csv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-dp-describe-'));
  const lines = ['pid,age,sex,approved'];
  for (let i = 0; i < 1200; i++) {
    const sex = i % 2 === 0 ? 'F' : 'M';
    const yes = sex === 'F' ? i % 8 === 0 : i % 4 === 1;
    lines.push(`p${Math.floor(i / 3)},${20 + (i % 50)},${sex},${yes ? 'yes' : 'no'}`);
  }
  csv = join(dir, 'people.csv');
  await writeFile(csv, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): CapturedIo {
  return captureIo({ columns: 100 });
}

describe('aequa dp-describe', () => {
  it('releases a JSON summary and a DP fairness audit whose ε add up to --epsilon', async () => {
    const c = capture();
    const code = await runCli(
      [
        'dp-describe',
        csv,
        '--epsilon',
        '4',
        '--delta',
        '1e-6',
        '--clamp',
        'age=0:100',
        '--label',
        'approved',
        '--positive',
        'yes',
        '--sensitive',
        'sex',
        '--levels',
        'sex=F,M',
        '--format',
        'json',
      ],
      c,
    );
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(c.out());
    expect(j.privacy.epsilon).toBeCloseTo(4, 12);
    expect(j.describe.spent.epsilon).toBeCloseTo(2, 12);
    expect(j.fairness.epsilon).toBe(2);
    const age = j.describe.columns.find((x: { name: string }) => x.name === 'age');
    // ε per part = 2/5 (rows, pid, age, sex, approved); age moments get 0.2 → mean noise sd ≈ 0.6
    expect(Math.abs(age.mean.value - 44.5)).toBeLessThan(4);
    const f = j.fairness.groups.find((g: { group: string }) => g.group === 'F');
    expect(Math.abs(f.selectionRate.value - 0.25)).toBeLessThan(0.03);
  });

  it('prints a readable table with contribution bounding by --id-column', async () => {
    const c = capture();
    const code = await runCli(
      [
        'dp-describe',
        csv,
        '--epsilon',
        '1',
        '--id-column',
        'pid',
        '--max-rows-per-person',
        '1',
        '--clamp',
        'age=0:100',
        '--levels',
        'sex=F,M',
        '--select',
        'age,sex',
      ],
      c,
    );
    expect(code).toBe(0);
    expect(c.out()).toMatch(/at most 1 row\(s\) per person/);
    expect(c.out()).toMatch(/^age \(number, clamped 0:100\): n ≈ \d+, mean /m);
    expect(c.out()).toMatch(/^sex \(category\): F: \d+, M: \d+/m);
    expect(c.out()).not.toMatch(/^approved/m); // not selected
  });

  it.each([
    [['--epsilon', '0'], /--epsilon must be > 0/],
    [['--epsilon', '1', '--delta', '1'], /--delta must be in \[0, 1\)/],
    [['--epsilon', '1', '--clamp', 'age=0-100'], /--clamp must be COL=LOW:HIGH/],
    [['--epsilon', '1', '--clamp', 'age=300:400'], /excludes every one of its values/],
    [['--epsilon', '1', '--label', 'approved'], /needs both --label and --sensitive/],
    [['--delta', '1e-6'], /--epsilon is required/],
  ])('refuses %j with exit 2 and a clear message', async (args, msg) => {
    const c = capture();
    expect(await runCli(['dp-describe', csv, ...args], c)).toBe(2);
    expect(c.err()).toMatch(msg);
  });
});

describe('aequa dp-describe with the aggregation pushed into a database', () => {
  const PG_URL = process.env.AEQUA_PG_URL;
  // ε = 3000 makes the noise small: every check allows 20 noise sds (a Laplace draw exceeds that
  // with probability e^{−20·√2} ≈ 5e-13).
  const common = ['--epsilon', '3000', '--clamp', 'age=0:100', '--levels', 'sex=F,M', '--format', 'json'];
  const fair = ['--label', 'approved', '--positive', 'yes', '--sensitive', 'sex'];

  function checkRelease(j: {
    pushdown?: string;
    describe: {
      rows: { value: number; noiseStd: number };
      columns: { name: string; mean?: { value: number; noiseStd: number } }[];
    };
    fairness: { groups: { group: string; selectionRate: { value: number; noiseStd: number } }[] };
  }) {
    expect(j.pushdown).toBeDefined();
    const within = (r: { value: number; noiseStd: number }, exact: number) =>
      expect(Math.abs(r.value - exact)).toBeLessThan(20 * r.noiseStd + 1e-9);
    within(j.describe.rows, 1200);
    within(j.describe.columns.find((c) => c.name === 'age')!.mean!, 44.5);
    within(j.fairness.groups.find((g) => g.group === 'F')!.selectionRate, 0.25);
    within(j.fairness.groups.find((g) => g.group === 'M')!.selectionRate, 0.5);
  }

  it('--engine duckdb aggregates the file inside DuckDB and releases the same statistics', async () => {
    const c = capture();
    const code = await runCli(['dp-describe', csv, '--engine', 'duckdb', ...common, ...fair], c);
    expect(code, c.err()).toBe(0);
    const j = JSON.parse(c.out());
    checkRelease(j);
    expect(j.privacy.epsilon).toBeCloseTo(3000, 9);
  });

  it('--sql duckdb: --query runs the whole pipeline in DuckDB, with per-person bounding', async () => {
    const c = capture();
    const q = `SELECT * FROM read_csv('${csv.replaceAll("'", "''")}')`;
    const code = await runCli(
      [
        'dp-describe',
        '--sql',
        'duckdb:',
        '--query',
        q,
        ...common,
        '--id-column',
        'pid',
        '--max-rows-per-person',
        '1',
      ],
      c,
    );
    expect(code, c.err()).toBe(0);
    const j = JSON.parse(c.out());
    // 400 people (pid = i div 3), one row each
    expect(Math.abs(j.describe.rows.value - 400)).toBeLessThan(20 * j.describe.rows.noiseStd);
  });

  it('refuses --sql with a data file, and --sql without --table or --query', async () => {
    for (const [args, msg] of [
      [[csv, '--sql', 'duckdb:', '--table', 't', '--epsilon', '1'], /either a data file or --sql/],
      [['--sql', 'duckdb:', '--epsilon', '1'], /exactly one of --table NAME or --query SQL/],
      [
        [
          csv,
          '--engine',
          'duckdb',
          '--epsilon',
          '1',
          ...fair.filter((x) => x !== '--positive' && x !== 'yes'),
        ],
        /needs --positive/,
      ],
    ] as const) {
      const c = capture();
      expect(await runCli(['dp-describe', ...args], c)).toBe(2);
      expect(c.err()).toMatch(msg);
    }
  });

  it.skipIf(!PG_URL)('--sql postgres://… --table aggregates inside PostgreSQL', async () => {
    const { openPostgres } = await import('../../data/io/index.js');
    const name = `aequa_dpd_${process.pid}`;
    const admin = await openPostgres(PG_URL!, { query: 'SELECT 1' });
    try {
      await admin.query(`DROP TABLE IF EXISTS ${name}`);
      await admin.query(
        `CREATE TABLE ${name} AS SELECT 'p' || (i / 3) AS pid, 20 + i % 50 AS age, ` +
          `CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END AS sex, ` +
          `CASE WHEN (i % 2 = 0 AND i % 8 = 0) OR (i % 2 = 1 AND i % 4 = 1) THEN 'yes' ELSE 'no' END AS approved ` +
          'FROM generate_series(0, 1199) AS i',
      );
      const c = capture();
      const code = await runCli(['dp-describe', '--sql', PG_URL!, '--table', name, ...common, ...fair], c);
      expect(code, c.err()).toBe(0);
      checkRelease(JSON.parse(c.out()));
    } finally {
      await admin.query(`DROP TABLE IF EXISTS ${name}`);
      await admin.close();
    }
  });
});
