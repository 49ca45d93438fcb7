/**
 * End-to-end tests of `aequa audit` (DESIGN "Contracts that outside tools rely on"): the CLI runs
 * in-process through `runCli` with a capturing `CliIo` (fastify `inject` style), on the bundled
 * COMPAS data and the raw UCI/ProPublica files; exit codes 0/1/2, one clear message with its code
 * and no stack on bad input, the policy gate, and reports that validate against
 * schemas/audit.schema.json. One subprocess test runs the built `dist/cli/main.js` for real exit codes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { type CapturedRun, runCaptured } from '../../src/cli/test-io.fixture.js';
import type { AuditResult } from '../../src/metrics/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const COMPAS = resolve(ROOT, 'examples/data/compas.csv');
const FIX = resolve(ROOT, 'test/fixtures/e2e');
const POLICIES = resolve(ROOT, 'test/fixtures/policies');
const DATASETS = resolve(import.meta.dirname, '../../../shared/datasets');
const ADULT_TEST = join(DATASETS, 'adult/adult.test');
const COMPAS_RAW = join(DATASETS, 'compas/compas-scores-two-years.csv');
const RACES = ['African-American', 'Asian', 'Caucasian', 'Hispanic', 'Native American', 'Other'];
const DEMO = [
  'audit',
  COMPAS,
  '--label',
  'two_year_recid',
  '--score',
  'decile_score',
  '--threshold',
  '5',
  '--sensitive',
  'race,sex',
  '--intersections',
  '--ci',
  '0.95',
];
/** The demo without intervals or intersections: the error cases need only get to the failure. */
const QUICK = ['audit', COMPAS, '--score', 'decile_score', '--threshold', '5'];

type Run = CapturedRun;

function cli(argv: readonly string[]): Promise<Run> {
  return runCaptured(runCli, argv);
}

/** A stack frame line as V8 prints it. */
const STACK_LINE = /^\s+at /m;

/** Exit 2 with exactly one `aequa:` error line, the code in parentheses, and no stack trace. */
function expectUsageFailure(r: Run, code: string): string {
  expect(r.code, r.stderr).toBe(2);
  const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('aequa: '));
  expect(errorLines, r.stderr).toHaveLength(1);
  expect(r.stderr).toContain(`(${code})`);
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stdout).toBe('');
  return errorLines[0]!;
}

/** A minimal RFC 4180 reader (quoted fields with commas and doubled quotes), for the raw COMPAS file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'aequa-e2e-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('aequa audit on the bundled COMPAS data (the demo command)', () => {
  let demo: Run;
  let outDir: string;
  beforeAll(async () => {
    outDir = join(tmp, 'demo-out');
    demo = await cli([...DEMO, '--out', outDir]);
  });

  it('exits 0 and prints every race group, the intersections and the verdict', () => {
    expect(demo.code, demo.stderr).toBe(0);
    for (const race of RACES) expect(demo.stdout).toContain(race);
    expect(demo.stdout).toContain('Female');
    expect(demo.stdout).toContain('race × sex');
    expect(demo.stdout).toMatch(/^Verdict$/m);
    // 6172 rows: the README of examples/data lists compas.csv with 6172 rows.
    expect(demo.stdout).toContain('6172 rows');
  });

  it('writes report.html, report.md and report.json with no temporary file left behind', async () => {
    expect((await readdir(outDir)).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    const html = await readFile(join(outDir, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>') || html.startsWith('<!DOCTYPE html>')).toBe(true);
    const md = await readFile(join(outDir, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Fairness audit/);
  });

  it('writes a report.json that validates against schemas/audit.schema.json', async () => {
    const schema = JSON.parse(await readFile(resolve(ROOT, 'schemas/audit.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const report = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as AuditResult;
    const ok = validate(report);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(Object.keys(report.byFeature)).toEqual(['race', 'sex', 'race&sex']);
    expect(Object.keys(report.byFeature.race!.groups).sort()).toEqual(RACES);
    expect(report.options.ci).toBe(0.95);
  });
});

describe('aequa audit output formats', () => {
  it('prints only JSON with --format json, with schemaVersion 1.0.0', async () => {
    const r = await cli([...QUICK, '--label', 'two_year_recid', '--sensitive', 'race', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimStart().startsWith('{')).toBe(true);
    const j = JSON.parse(r.stdout) as AuditResult;
    expect(j.schemaVersion).toBe('1.0.0');
    expect(j.rows).toBe(6172);
    expect(j.input.engine).toBe('memory');
  });

  it('prints Markdown with --format markdown', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race',
      '--format',
      'markdown',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Fairness audit: /);
    expect(r.stdout).toMatch(/^## Verdict$/m);
    expect(r.stdout).toMatch(/^\| .* \|$/m);
    expect(r.stdout).not.toContain('┌');
  });

  it('rejects an unknown --format with exit 2', async () => {
    const r = await cli([...QUICK, '--label', 'two_year_recid', '--sensitive', 'race', '--format', 'xml']);
    expect(expectUsageFailure(r, 'AEQ_CLI_USAGE')).toContain('"xml"');
  });
});

describe('aequa audit on bad input: exit 2, one message with its code, no stack', () => {
  it('suggests the closest column for a misspelled --label', async () => {
    const r = await cli([...QUICK, '--label', 'two_year_recd', '--sensitive', 'race']);
    const msg = expectUsageFailure(r, 'AEQ_DATA_MISSING_COLUMN');
    expect(msg).toContain('"two_year_recd"');
    expect(msg).toContain('Did you mean "two_year_recid"?');
  });

  it('says that --label is required when it is missing', async () => {
    const r = await cli([...QUICK, '--sensitive', 'race']);
    expect(expectUsageFailure(r, 'AEQ_CLI_USAGE')).toContain('--label is required');
  });

  it('suggests the closest flag for an unknown one', async () => {
    const r = await cli(['audit', COMPAS, '--label', 'two_year_recid', '--scor', 'decile_score']);
    const msg = expectUsageFailure(r, 'AEQ_CLI_USAGE');
    expect(msg).toContain('--scor');
    expect(msg).toContain('Did you mean --score?');
  });

  it('asks for --positive when the label has more than two values', async () => {
    const r = await cli([...QUICK, '--label', 'race', '--sensitive', 'sex']);
    const msg = expectUsageFailure(r, 'AEQ_DATA_NOT_BINARY');
    expect(msg).toContain('"race"');
    expect(msg).toContain('6 values');
    expect(msg).toContain('--positive');
  });

  it('refuses to guess the positive value of a two-valued text label', async () => {
    const r = await cli([...QUICK, '--label', 'sex', '--sensitive', 'race']);
    const msg = expectUsageFailure(r, 'AEQ_DATA_AMBIGUOUS_POSITIVE');
    expect(msg).toContain('"Female"');
    expect(msg).toContain('"Male"');
  });

  it('runs a two-valued text label once --positive names the positive value', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'sex',
      '--positive',
      'Female',
      '--sensitive',
      'race',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as AuditResult).input.positive).toEqual(['Female']);
  });

  it('reports a missing label cell and points to --drop-missing', async () => {
    const r = await cli([
      'audit',
      join(FIX, 'missing-label.csv'),
      '--label',
      'y',
      '--prediction',
      'yhat',
      '--sensitive',
      'g',
    ]);
    const msg = expectUsageFailure(r, 'AEQ_DATA_MISSING_VALUES');
    expect(msg).toContain('"y"');
    expect(r.stderr).toContain('--drop-missing');
  });

  it('drops the row with the missing label under --drop-missing and counts it', async () => {
    const r = await cli([
      'audit',
      join(FIX, 'missing-label.csv'),
      '--label',
      'y',
      '--prediction',
      'yhat',
      '--sensitive',
      'g',
      '--drop-missing',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as AuditResult;
    // missing-label.csv: 6 data rows, one with an empty y.
    expect(j.input.rowsSeen).toBe(6);
    expect(j.input.rowsDropped).toBe(1);
    expect(j.rows).toBe(5);
  });

  it('says when a file is not what its extension says', async () => {
    const r = await cli([
      'audit',
      join(FIX, 'csv-named-parquet.parquet'),
      '--label',
      'two_year_recid',
      '--prediction',
      'two_year_recid',
      '--sensitive',
      'race',
    ]);
    const msg = expectUsageFailure(r, 'AEQ_IO_FORMAT');
    expect(msg).toContain('Parquet');
    expect(r.stderr).toContain('--input-format');
  });

  it('names a nonexistent file', async () => {
    const missing = join(tmp, 'no-such-file.csv');
    const r = await cli(['audit', missing, '--label', 'y', '--prediction', 'p', '--sensitive', 'g']);
    expect(expectUsageFailure(r, 'AEQ_IO_FILE_NOT_FOUND')).toContain(missing);
  });

  it('lists the groups when --reference names a value not in the data', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race',
      '--reference',
      'race=Martian',
    ]);
    const msg = expectUsageFailure(r, 'AEQ_INVALID_ARGUMENT');
    expect(msg).toContain('"Martian"');
    for (const race of RACES) expect(msg).toContain(race);
  });

  it('rejects --reference for a feature that is not audited', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race',
      '--reference',
      'rase=Caucasian',
    ]);
    expect(expectUsageFailure(r, 'AEQ_INVALID_ARGUMENT')).toContain('"rase"');
  });

  it('rejects --ci 2 as a confidence level', async () => {
    const r = await cli([...QUICK, '--label', 'two_year_recid', '--sensitive', 'race', '--ci', '2']);
    const msg = expectUsageFailure(r, 'AEQ_CLI_USAGE');
    expect(msg).toContain('--ci');
    expect(msg).toContain('2');
  });

  it('reports null metrics with reasons for a group with one class, instead of crashing', async () => {
    // one-class-group.csv: group b has only positives (y = 1, 1), so its FPR is 0/0.
    const r = await cli([
      'audit',
      join(FIX, 'one-class-group.csv'),
      '--label',
      'y',
      '--prediction',
      'yhat',
      '--sensitive',
      'g',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const b = (JSON.parse(r.stdout) as AuditResult).byFeature.g!.groups.b!;
    expect(b.falsePositiveRate).toBeNull();
    expect(b.undefinedBecause?.falsePositiveRate).toBe('noNegatives');
    expect(b.truePositiveRate).toBe(0.5);
    expect(r.stderr).toContain('AEQ_W_UNDEFINED_METRIC');
  });
});

describe('aequa audit --policy (the release gate)', () => {
  it('exits 0 when every rule holds', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race,sex',
      '--policy',
      join(POLICIES, 'pass.yaml'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Policy .*pass\.yaml: passed/);
    expect(r.stdout).toContain('sex: disparateImpact = 0.8898 satisfies >= 0.8');
  });

  it('exits 1 and prints the failing rule when a rule fails', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race,sex',
      '--policy',
      join(POLICIES, 'fail.yaml'),
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('FAILED (1 of 2 rules)');
    // Disparate impact of race vs African-American: Other 70/343 over African-American 1829/3175.
    expect(r.stdout).toContain('✗ race: disparateImpact = 0.3543 violates >= 0.8');
    expect(r.stdout).toContain('✓ sex: disparateImpact = 0.8898 satisfies >= 0.8');
  });

  it('records the failed policy in the JSON result too', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race',
      '--policy',
      join(POLICIES, 'fail.yaml'),
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const p = (JSON.parse(r.stdout) as AuditResult).policy!;
    expect(p.passed).toBe(false);
    expect(p.rules.map((x) => [x.feature, x.passed])).toEqual([['race', false]]);
  });

  it('exits 2 listing every problem of an invalid policy file', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race',
      '--policy',
      join(POLICIES, 'invalid.yaml'),
    ]);
    expect(expectUsageFailure(r, 'AEQ_POLICY_INVALID')).toContain('5 problems');
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('✖ '));
    expect(problems).toHaveLength(5);
    const paths = r.stderr
      .split('\n')
      .filter((l) => l.trim().startsWith('→ at '))
      .map((l) => l.trim().slice('→ at '.length));
    expect(paths).toEqual(['extra', 'rules.0', 'rules.1.op', 'rules.1.value', 'rules.2']);
  });

  it('exits 2 for a policy rule that names an unknown metric', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race',
      '--policy',
      join(POLICIES, 'typo-metric.yaml'),
    ]);
    expectUsageFailure(r, 'AEQ_POLICY_INVALID');
    expect(r.stderr).toContain('Unknown metric "disparateImpakt"');
    expect(r.stderr).toContain('Did you mean "disparateImpact"?');
  });

  it('accepts the policy exactly as README.md writes it', async () => {
    const r = await cli([
      ...QUICK,
      '--label',
      'two_year_recid',
      '--sensitive',
      'race,sex',
      '--policy',
      join(POLICIES, 'readme-form.yaml'),
    ]);
    expect(r.stderr).not.toContain('AEQ_POLICY_INVALID');
    // It runs; the four-fifths rule fails on race, so the gate says 1.
    expect(r.code).toBe(1);
  });
});

describe.skipIf(!existsSync(ADULT_TEST))(`aequa audit on the raw UCI Adult test file (${ADULT_TEST})`, () => {
  it('reads a header-less file with --columns, --skip and --na, and audits a perfect classifier', async () => {
    const r = await cli([
      'audit',
      ADULT_TEST,
      '--no-header',
      '--columns',
      'age,workclass,fnlwgt,education,education_num,marital_status,occupation,relationship,race,sex,capital_gain,capital_loss,hours_per_week,native_country,income',
      '--skip',
      '1',
      '--na',
      '?',
      '--label',
      'income',
      '--positive',
      '>50K.',
      '--prediction',
      'income',
      '--sensitive',
      'sex',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as AuditResult;
    // Independent count from the raw text: data lines after the first, fields split on ", ".
    const lines = readFileSync(ADULT_TEST, 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '');
    const fields = lines.map((l) => l.split(',').map((s) => s.trim()));
    const positives = fields.filter((f) => f[14] === '>50K.').length;
    expect(j.rows).toBe(lines.length);
    // Base rate over 16281 rows, to 1e-12: one division.
    expect(Math.abs((j.overall.baseRate as number) - positives / lines.length)).toBeLessThan(1e-12);
    // prediction = label: TPR 1, FPR 0, accuracy 1 in every group.
    expect(j.overall.truePositiveRate).toBe(1);
    expect(j.overall.falsePositiveRate).toBe(0);
    const groups = j.byFeature.sex!.groups;
    expect(Object.keys(groups).sort()).toEqual(['Female', 'Male']);
    for (const [name, g] of Object.entries(groups)) {
      expect(g.count).toBe(fields.filter((f) => f[9] === name).length);
      expect(g.truePositiveRate).toBe(1);
      expect(g.falsePositiveRate).toBe(0);
      expect(g.accuracy).toBe(1);
    }
  });
});

describe.skipIf(!existsSync(COMPAS_RAW))(
  `aequa audit on the raw ProPublica COMPAS file (${COMPAS_RAW})`,
  () => {
    it('renames the duplicated header column to decile_score_1, which --score accepts', async () => {
      const r = await cli([
        'audit',
        COMPAS_RAW,
        '--label',
        'two_year_recid',
        '--score',
        'decile_score_1',
        '--threshold',
        '5',
        '--sensitive',
        'race',
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('AEQ_W_DUPLICATE_COLUMN');
      expect(r.stderr).toContain('"decile_score_1"');
      const j = JSON.parse(r.stdout) as AuditResult;
      expect(j.input.score).toBe('decile_score_1');
      // Independently: the second decile_score column (index 39), score ≥ 5 means selected.
      const rows = parseCsv(readFileSync(COMPAS_RAW, 'utf8'));
      const header = rows[0]!;
      const second = header.indexOf('decile_score', header.indexOf('decile_score') + 1);
      expect(second).toBeGreaterThan(0);
      const data = rows.slice(1).filter((x) => x.length === header.length);
      expect(j.rows).toBe(data.length);
      const selected = data.filter((x) => Number(x[second]) >= 5).length;
      expect(Math.abs((j.overall.selectionRate as number) - selected / data.length)).toBeLessThan(1e-12);
    });
  },
);

describe('the aequa executable (one real subprocess)', () => {
  const MAIN = resolve(ROOT, 'dist/cli/main.js');
  const run = (args: readonly string[]) =>
    spawnSync(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });

  it('is built (run `npm run build` before the e2e tests)', () => {
    expect(existsSync(MAIN), `${MAIN} is missing; run npm run build`).toBe(true);
  });

  it.runIf(existsSync(MAIN))(
    'exits with status 1 when the policy fails and 2 for a missing column, without a stack',
    () => {
      const failing = run([
        ...QUICK,
        '--label',
        'two_year_recid',
        '--sensitive',
        'race',
        '--policy',
        join(POLICIES, 'fail.yaml'),
      ]);
      expect(failing.status, failing.stderr).toBe(1);
      expect(failing.stdout).toContain('violates >= 0.8');

      const missing = run([...QUICK, '--label', 'two_year_recd', '--sensitive', 'race']);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('AEQ_DATA_MISSING_COLUMN');
      expect(missing.stderr).not.toContain('    at ');
      expect(missing.stdout).toBe('');
    },
  );
});
