import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run.js';
import { type CapturedRun, runCaptured } from '../test-io.fixture.js';

let dir: string;

/*
 * 12 patients. ZIPs 02138/02139/02141/02142 start with 0 (read as text through the mask hierarchy).
 * As released, (age, zip) is unique for most rows (k = 1). Ages in decades and ZIPs masked to 021**
 * give classes {20s, 30s, 40s} × 021** of 4 rows each.
 */
const CSV = `age,zip,diagnosis
21,02138,flu
24,02139,asthma
27,02141,flu
29,02142,cancer
31,02138,flu
33,02139,asthma
35,02141,cancer
38,02142,flu
41,02138,asthma
44,02139,flu
46,02141,cancer
49,02142,asthma
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-anon-cli-'));
  await writeFile(join(dir, 'patients.csv'), CSV);
  await writeFile(join(dir, 'h.yaml'), 'age:\n  kind: numeric\n  widths: [10, 20, 40]\nzip:\n  kind: mask\n');
  await writeFile(join(dir, 'bad.yaml'), 'age:\n  kind: histogram\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(argv: readonly string[]): Promise<CapturedRun> {
  return runCaptured(runCli, argv, { columns: 100 });
}

describe('aequa anonymity', () => {
  it('check exits 1 when the table is not k-anonymous and shows the smallest classes', async () => {
    const r = await run([
      'anonymity',
      'check',
      join(dir, 'patients.csv'),
      '--qi',
      'age,zip',
      '--sensitive',
      'diagnosis',
      '--k',
      '3',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('k (smallest class)      1  ✗  (12 rows in smaller classes)');
    expect(r.stdout).toContain('age=21, zip=02138'); // ZIPs read as text keep their leading zero
  });

  it('generalize reaches k = 4 with zero suppression, reports the loss, and the output checks as 4-anonymous', async () => {
    const out = join(dir, 'released.csv');
    const r = await run([
      'anonymity',
      'generalize',
      join(dir, 'patients.csv'),
      '--qi',
      'age,zip',
      '--sensitive',
      'diagnosis',
      '--k',
      '4',
      '--hierarchies',
      join(dir, 'h.yaml'),
      '--max-suppression',
      '0',
      '--out',
      out,
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout) as {
      levels: Record<string, { level: number }>;
      suppressedRows: number;
      ncp: number;
      check: { k: number };
    };
    // every node of height ≤ 2 leaves classes of 1–2 rows; at height 3 only (decades, 021**) gives 3 classes of 4
    expect(res.levels).toEqual({ age: { level: 1, top: 4 }, zip: { level: 2, top: 5 } });
    expect(res.suppressedRows).toBe(0);
    expect(res.check.k).toBe(4);
    const text = await readFile(out, 'utf8');
    expect(text.split('\n')[1]).toBe('"[20, 30)",021**,flu');
    const again = await run(['anonymity', 'check', out, '--qi', 'age,zip', '--k', '4']);
    expect(again.code).toBe(0);
  });

  it('exits 2 with every problem of a malformed hierarchies file', async () => {
    const r = await run([
      'anonymity',
      'generalize',
      join(dir, 'patients.csv'),
      '--qi',
      'age',
      '--k',
      '2',
      '--hierarchies',
      join(dir, 'bad.yaml'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kind of "age" must be numeric, mask or category');
  });

  it('exits 2 when k cannot be reached', async () => {
    const r = await run(['anonymity', 'generalize', join(dir, 'patients.csv'), '--qi', 'age', '--k', '13']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(AEQ_ANONYMITY_INFEASIBLE)');
  });
});
