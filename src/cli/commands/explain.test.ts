import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { formatCsv } from '../../data/io/index.js';
import type { ExplanationJSON } from '../../explain/index.js';
import { gradientBoosting, logisticRegression, saveModelJSON } from '../../models/index.js';
import type { CliIo } from '../io.js';
import { runExplain } from './explain.js';

let dir: string;
let csv: string;
let gbdtPath: string;
let logitPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-explain-'));
  const rng = seededRng(11);
  const n = 200;
  const age = new Float64Array(n);
  const hours = new Float64Array(n);
  const job: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    age[i] = Math.round(20 + 45 * rng.nextFloat64());
    hours[i] = Math.round(10 + 50 * rng.nextFloat64());
    job.push(['clerk', 'nurse', 'pilot'][Math.floor(3 * rng.nextFloat64())]!);
    const s =
      0.06 * (age[i]! - 42) +
      0.04 * (hours[i]! - 35) +
      (job[i] === 'pilot' ? 1 : 0) +
      rng.nextFloat64() -
      0.5;
    y.push(s > 0 ? 'yes' : 'no');
  }
  const t = fromArrays({ age, hours, job, y });
  csv = join(dir, 'data.csv');
  await writeFile(csv, formatCsv(t));
  await writeFile(join(dir, 'no-job.csv'), formatCsv(fromArrays({ age: [30], hours: [40] })));
  const features = ['age', 'hours', 'job'];
  gbdtPath = join(dir, 'gbdt.json');
  await writeFile(
    gbdtPath,
    saveModelJSON(await gradientBoosting({ nEstimators: 20, maxDepth: 3 }).fit(t, 'y', { features })),
  );
  logitPath = join(dir, 'logit.json');
  await writeFile(logitPath, saveModelJSON(await logisticRegression().fit(t, 'y', { features })));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
    columns: 120,
    env: {},
  };
  const code = await runExplain([...argv, '--no-ledger'], io);
  return { code, stdout, stderr };
}

describe('aequa explain', () => {
  it('writes the JSON contract, attributions adding up to prediction − base value', async () => {
    const r = await run([gbdtPath, csv, '--rows', '0,5,9', '--link', 'logit', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as ExplanationJSON;
    expect(j.schemaVersion).toBe('1.0.0');
    expect(j.method).toBe('tree');
    expect(j.explanations.map((e) => e.row)).toEqual([0, 5, 9]);
    for (const e of j.explanations) {
      expect(Object.keys(e.attributions)).toEqual(['age', 'hours', 'job']);
      const s = Object.values(e.attributions).reduce((a, b) => a + b, 0);
      // TreeSHAP is exact: only rounding (1e-9 covers the JSON round trip of ~20 tree sums).
      expect(Math.abs(s - (e.prediction - e.baseValue))).toBeLessThan(1e-9);
    }
  });

  it('prints per row the prediction, base value and signed top attributions', async () => {
    const r = await run([logitPath, csv, '--rows', '3', '--method', 'exact', '--background', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('method exact');
    expect(r.stdout).toMatch(/row 3: prediction 0\.\d{3} · base value 0\.\d{3}/);
    expect(r.stdout).toMatch(/[▲▼] (age|hours|job) = /);
  });

  it('writes explanation.json and explanation.md with --out, reproducibly for a seed', async () => {
    const out = join(dir, 'out');
    const args = [
      logitPath,
      csv,
      '--rows',
      '1',
      '--method',
      'kernel',
      '--nsamples',
      '6',
      '--seed',
      '3',
      '--out',
      out,
    ];
    await run(args);
    const first = await readFile(join(out, 'explanation.json'), 'utf8');
    await run(args);
    expect(await readFile(join(out, 'explanation.json'), 'utf8')).toBe(first);
    expect(await readFile(join(out, 'explanation.md'), 'utf8')).toContain('## Row 1');
  });

  it('runs LIME on a table and, with --text-column, on the words of a text model', async () => {
    const r = await run([
      logitPath,
      csv,
      '--rows',
      '2',
      '--method',
      'lime',
      '--nsamples',
      '500',
      '--format',
      'json',
    ]);
    const j = JSON.parse(r.stdout) as ExplanationJSON;
    expect(j.method).toBe('lime');
    expect(Object.keys(j.explanations[0]!.attributions)).toEqual(['age', 'hours', 'job']);
    const texts = join(dir, 'texts.csv');
    await writeFile(texts, 'review\nthe soup was awful\n');
    const mod = join(dir, 'toxic.mjs');
    await writeFile(
      mod,
      "export function predictProba(rows) { return rows.map((r) => (String(r.review).includes('awful') ? 0.9 : 0.1)); }\n",
    );
    const t = await run([
      mod,
      texts,
      '--features',
      'review',
      '--text-column',
      'review',
      '--method',
      'lime',
      '--nsamples',
      '300',
    ]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/▲ awful = true/);
  });

  it('explains the rows matching --where, up to --limit', async () => {
    const r = await run([
      logitPath,
      csv,
      '--where',
      "job='pilot' and age>=50",
      '--limit',
      '3',
      '--format',
      'json',
    ]);
    const j = JSON.parse(r.stdout) as ExplanationJSON;
    expect(j.explanations.length).toBeGreaterThan(0);
    expect(j.explanations.length).toBeLessThanOrEqual(3);
    for (const e of j.explanations) {
      expect(e.values!.job).toBe('pilot');
      expect(e.values!.age as number).toBeGreaterThanOrEqual(50);
    }
    await expect(run([logitPath, csv, '--where', 'age>>3'])).rejects.toMatchObject({
      code: 'AEQ_CLI_USAGE',
      message: expect.stringContaining('cannot read'),
    });
    await expect(run([logitPath, csv, '--where', "job='astronaut'"])).rejects.toMatchObject({
      code: 'AEQ_CLI_USAGE',
      message: expect.stringContaining('matches no row'),
    });
  });

  it('fails with clear errors: row out of range, background lacking a feature, IG on trees, bad method', async () => {
    await expect(run([gbdtPath, csv, '--rows', '200', '--link', 'logit'])).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
      message: expect.stringContaining('0..199'),
    });
    await expect(
      run([logitPath, csv, '--method', 'exact', '--background', join(dir, 'no-job.csv')]),
    ).rejects.toMatchObject({ code: 'AEQ_MODEL_FEATURES', message: expect.stringContaining('job') });
    await expect(run([gbdtPath, csv, '--method', 'ig'])).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
    });
    await expect(run([gbdtPath, csv, '--method', 'magic'])).rejects.toMatchObject({ code: 'AEQ_CLI_USAGE' });
  });
});
