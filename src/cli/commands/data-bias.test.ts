import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataBiasResult } from '../../bias/index.js';
import { type CapturedRun, runCaptured } from '../test-io.fixture.js';
import { runDataBias } from './data-bias.js';

/*
 * 100 rows: the 10-row pattern below repeated 10 times.
 *   sex F: y 1,0,0,0 (base rate 0.25); sex M: y 1,1,1,0,0,0 (0.5); c = a,a,b,b | a×6
 */
let dir: string;
let csv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-data-bias-'));
  const base = [
    ['F', 1, 'a', 'x'],
    ['F', 0, 'a', 'x'],
    ['F', 0, 'b', 'y'],
    ['F', 0, 'b', 'y'],
    ['M', 1, 'a', 'x'],
    ['M', 1, 'a', 'x'],
    ['M', 1, 'a', 'y'],
    ['M', 0, 'a', 'y'],
    ['M', 0, 'a', 'x'],
    ['M', 0, 'a', 'y'],
  ];
  const lines = ['sex,y,c,dept'];
  for (let t = 0; t < 10; t++) for (const r of base) lines.push(r.join(','));
  csv = join(dir, 'data.csv');
  await writeFile(csv, `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'one.csv'), 'sex,y\nF,1\nF,0\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(argv: readonly string[]): Promise<CapturedRun> {
  return runCaptured(runDataBias, argv);
}

describe('aequa data-bias', () => {
  it('prints JSON with a schemaVersion and the hand-computed base rates', async () => {
    const r = await run([csv, '--label', 'y', '--sensitive', 'sex', '--control', 'dept', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as DataBiasResult;
    expect(j.schemaVersion).toBe('1.0.0');
    expect(j.input.rows).toBe(100);
    const [f, m] = j.byFeature.sex!.groups;
    expect([f!.group, f!.count, f!.baseRate, m!.baseRate]).toEqual(['F', 40, 0.25, 0.5]);
    // CDD_F = ½·(1/2 − 1/3) + ½·(2/4 − 0) = 1/3 (see src/bias/data-bias.test.ts)
    expect(j.byFeature.sex!.labels!.conditional!.conditionalDemographicDisparity.F).toBeCloseTo(1 / 3, 12);
    expect(j.byFeature.sex!.proxies[0]!.auc).not.toBeNull();
  });

  it('prints a readable terminal table with the groups, the disparity and the findings', async () => {
    const r = await run([csv, '--label', 'y', '--sensitive', 'sex', '--no-proxy-auc']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Data bias:');
    expect(r.stdout).toMatch(/│ F\s+│\s+40 │\s+40\.0% │/);
    expect(r.stdout).toContain('base rate: difference 0.250, ratio 0.500 ✗');
    expect(r.stdout).toContain('Findings:');
  });

  it('prints Markdown and writes data-bias.json and data-bias.md with --out', async () => {
    const out = join(dir, 'out');
    const r = await run([
      csv,
      '--label',
      'y',
      '--sensitive',
      'sex',
      '--no-proxy-auc',
      '--format',
      'markdown',
      '--out',
      out,
    ]);
    expect(r.stdout.split('\n')[0]).toBe('# Data bias');
    expect(r.stdout).toContain('| F | 40 | 40.0% | 50.0% | 0.80 |');
    const j = JSON.parse(await readFile(join(out, 'data-bias.json'), 'utf8')) as DataBiasResult;
    expect(j.kind).toBe('dataBias');
    expect(await readFile(join(out, 'data-bias.md'), 'utf8')).toBe(r.stdout);
  });

  it('reads --reference shares per feature and group', async () => {
    const r = await run([
      csv,
      '--sensitive',
      'sex',
      '--no-proxy-auc',
      '--reference',
      'sex=F=0.4',
      '--reference',
      'sex=M=0.6',
      '--format',
      'json',
    ]);
    const j = JSON.parse(r.stdout) as DataBiasResult;
    expect(j.byFeature.sex!.representation.reference).toBe('given');
    expect(j.byFeature.sex!.groups[0]!.representationRatio).toBeCloseTo(1, 12);
  });

  it('refuses a missing --sensitive, a bad --format and a single-group column with coded errors', async () => {
    expect.assertions(3);
    await expect(run([csv, '--label', 'y'])).rejects.toMatchObject({ code: 'AEQ_CLI_USAGE' });
    await expect(run([csv, '--sensitive', 'sex', '--format', 'html'])).rejects.toMatchObject({
      code: 'AEQ_CLI_USAGE',
    });
    await expect(run([join(dir, 'one.csv'), '--sensitive', 'sex'])).rejects.toMatchObject({
      code: 'AEQ_DATA_SINGLE_GROUP',
    });
  });

  it('prints help', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toContain('Usage: aequa data-bias');
  });
});
