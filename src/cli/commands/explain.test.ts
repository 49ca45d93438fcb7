import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../accountability/index.js';
import { seededRng } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { formatCsv } from '../../data/io/index.js';
import { type ExplanationJSON, parseAttribution } from '../../explain/index.js';
import { gradientBoosting, logisticRegression, saveModelJSON } from '../../models/index.js';
import { runCli } from '../run.js';
import { type CapturedRun, captureIo, runCaptured } from '../test-io.fixture.js';
import { runExplain } from './explain.js';

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(await readFile(new URL('../../../schemas/explanation.schema.json', import.meta.url), 'utf8')),
);

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

function run(argv: readonly string[]): Promise<CapturedRun> {
  return runCaptured(runExplain, [...argv, '--no-ledger']);
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

  it('auto picks the log-odds scale for a boosted-tree classifier when --link is not given, and says so', async () => {
    const r = await run([gbdtPath, csv, '--rows', '2']);
    expect(r.stdout).toContain('method tree');
    expect(r.stdout).toContain('log-odds of yes');
    expect(r.stdout).toContain('log-odds chosen for the boosted-tree classifier');
    // An explicit --link identity is respected: a black-box method on the probability scale.
    const p = await run([gbdtPath, csv, '--rows', '2', '--link', 'identity', '--format', 'json']);
    const j = JSON.parse(p.stdout) as ExplanationJSON;
    expect(j.method).toBe('exact');
    expect(j.explanations[0]!.prediction).toBeGreaterThanOrEqual(0);
    expect(j.explanations[0]!.prediction).toBeLessThanOrEqual(1);
  });

  it('adds per row K counterfactuals that flip the decision and never touch immutable features, and a faithful text', async () => {
    const r = await run([
      logitPath,
      csv,
      '--rows',
      '0,1',
      '--method',
      'exact',
      '--background',
      '30',
      '--counterfactuals',
      '2',
      '--immutable',
      'age',
      '--ranges',
      'hours=10:60',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors)).toBe(true);
    type Row = ExplanationJSON['explanations'][number] & {
      text: string;
      counterfactuals: {
        changes: { feature: string; from: unknown; to: unknown }[];
        prediction: number;
        valid: boolean;
        sparsity: number;
      }[];
      counterfactualMetrics: { validity: number; desiredOutcome: string; originalOutcome: string };
    };
    const j = JSON.parse(r.stdout) as { explanations: Row[] };
    for (const e of j.explanations) {
      expect(e.counterfactuals.length).toBeGreaterThan(0);
      expect(e.counterfactualMetrics.desiredOutcome).not.toBe(e.counterfactualMetrics.originalOutcome);
      for (const c of e.counterfactuals) {
        expect(c.valid).toBe(true);
        // Valid means P(desired class) ≥ 0.5 (the default threshold of a binary model).
        expect(c.prediction).toBeGreaterThanOrEqual(0.5);
        expect(c.changes.map((ch) => ch.feature)).not.toContain('age');
        expect(c.sparsity).toBe(c.changes.length);
        for (const ch of c.changes)
          if (ch.feature === 'hours') {
            expect(ch.to as number).toBeGreaterThanOrEqual(10);
            expect(ch.to as number).toBeLessThanOrEqual(60);
          }
      }
      // The text's numbers are the attributions: every "(±x.xx)" is some feature's φ rounded to 2 decimals.
      const nums = [...e.text.matchAll(/\(([+\u2212]\d+\.\d\d)\)/g)].map((m) => parseAttribution(m[1]!));
      expect(nums.length).toBeGreaterThan(0);
      const phis = Object.values(e.attributions);
      for (const x of nums) expect(phis.some((p) => Math.abs(p - x) <= 0.005 + 1e-12)).toBe(true);
      // It ends with the first counterfactual's change.
      const first = e.counterfactuals[0]!.changes[0]!;
      expect(e.text).toContain(`${first.feature} from ${first.from}`);
    }
    const t = await run([
      logitPath,
      csv,
      '--rows',
      '0',
      '--method',
      'exact',
      '--background',
      '30',
      '--counterfactuals',
      '2',
    ]);
    expect(t.stdout).toMatch(/counterfactuals \((no|yes) → (yes|no)\): validity 1\.000/);
    expect(t.stdout).toMatch(/The application was predicted (yes|no)/);
    await expect(run([logitPath, csv, '--immutable', 'age'])).rejects.toMatchObject({
      code: 'AEQ_CLI_USAGE',
    });
    await expect(
      run([logitPath, csv, '--counterfactuals', '2', '--ranges', 'hours=9']),
    ).rejects.toMatchObject({
      code: 'AEQ_CLI_USAGE',
      message: expect.stringContaining('COL=LO:HI'),
    });
  });

  it('writes report.html and adds global and disparity results with --global and --disparity', async () => {
    const out = join(dir, 'report');
    const r = await run([
      gbdtPath,
      csv,
      '--rows',
      '0,1,2',
      '--out',
      out,
      '--global',
      '--disparity',
      'job',
      '--groups',
      'pilot,clerk',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      global: {
        permutationImportance: { metric: string; features: { feature: string; mean: number }[] };
        surrogate: { fidelity: number };
      };
      disparity: {
        groups: { a: string; b: string };
        gap: number;
        baseGap: number;
        residual: number;
        contributions: { contribution: number }[];
      };
    };
    expect(validate(j), JSON.stringify(validate.errors)).toBe(true);
    expect(j.global.permutationImportance.metric).toBe('auc');
    expect(j.global.permutationImportance.features.map((f) => f.feature).sort()).toEqual([
      'age',
      'hours',
      'job',
    ]);
    expect(j.global.surrogate.fidelity).toBeGreaterThan(0.5);
    expect(j.disparity.groups).toEqual({ a: 'pilot', b: 'clerk' });
    // TreeSHAP is exact with one background: gap = base gap + Σ contributions, up to rounding (1e-9).
    const sum = j.disparity.contributions.reduce((a, c) => a + c.contribution, 0);
    expect(Math.abs(j.disparity.gap - j.disparity.baseGap - sum - j.disparity.residual)).toBeLessThan(1e-9);
    expect(Math.abs(j.disparity.residual)).toBeLessThan(1e-9);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const id of ['summary', 'row-0', 'row-2', 'global', 'disparity'])
      expect(html).toContain(`id="${id}"`);
    expect(html).not.toContain('<script');
  });

  it('records the run in the ledger with an explanation summary that a model card picks up', async () => {
    const ledgerDir = join(dir, 'ledger');
    await (await Ledger.init(ledgerDir, { origin: 'test/explain' })).close();
    const io = captureIo({ env: { AEQUA_LEDGER_DIR: ledgerDir, AEQUA_ACTOR: 'ana' } });
    expect(await runCli(['explain', gbdtPath, csv, '--rows', '0,1,2,3'], io)).toBe(0);
    expect(io.err()).toContain('ledger: recorded as entry 0');
    const ledger = await Ledger.open(ledgerDir);
    const rec = (await ledger.get(0)).record;
    await ledger.close();
    const ex = rec.summary.explanation as {
      method: string;
      rowsExplained: number;
      coverage: number;
      topFeatures: { feature: string }[];
    };
    expect(ex.method).toBe('tree');
    expect(ex.rowsExplained).toBe(4);
    // 4 rows of 200 explained.
    expect(ex.coverage).toBe(4 / 200);
    expect(rec.summary.coverage).toBe(4 / 200);
    expect(ex.topFeatures.length).toBe(3);
    // meanAbs of the summary is the mean |φ| over the 4 rows, recomputed here from the JSON output.
    const j = JSON.parse(
      (await run([gbdtPath, csv, '--rows', '0,1,2,3', '--format', 'json'])).stdout,
    ) as ExplanationJSON;
    const byHand = (f: string): number =>
      j.explanations.reduce((a, e) => a + Math.abs(e.attributions[f]!), 0) / 4;
    for (const t of ex.topFeatures as { feature: string; meanAbs: number }[])
      expect(Math.abs(t.meanAbs - byHand(t.feature))).toBeLessThan(1e-9);
    const cardIo = captureIo({ env: io.env });
    expect(await runCli(['card', '--model', gbdtPath, '--format', 'json'], cardIo)).toBe(0);
    const { card } = JSON.parse(cardIo.out()) as {
      card: { aequa: { explanation?: { method: string; topFeatures: unknown[] } } };
    };
    expect(card.aequa.explanation?.method).toBe('tree');
    expect(card.aequa.explanation?.topFeatures).toEqual(ex.topFeatures);
    const limits = (card as unknown as { considerations: { limitations: { description: string }[] } })
      .considerations.limitations;
    expect(limits.map((l) => l.description)).not.toContain('No explanation run is recorded for this model.');
  });
});
