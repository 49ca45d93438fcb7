import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run.js';
import { type CapturedRun, runCaptured } from '../test-io.fixture.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-pii-cli-'));
  await writeFile(
    join(dir, 'tickets.csv'),
    'id,body,phone\n1,Mail jane@example.com please,020 7946 0018\n2,All fine,020 7946 0019\n3,Card 4111 1111 1111 1111 declined,\n4,All fine,020 7946 0018\n',
  );
  await writeFile(join(dir, 'note.txt'), 'Dear Sarah, your SSN 536-22-8461 is on file.\n');
  await writeFile(join(dir, 'hash.key'), 'a sixteen+ byte hashing key');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(argv: readonly string[]): Promise<CapturedRun> {
  return runCaptured(runCli, argv, { columns: 100 });
}

describe('aequa pii', () => {
  it('scans --text and lists each finding with its confidence', async () => {
    const r = await run([
      'pii',
      'scan',
      '--text',
      'Mail jane@example.com or call +44 20 7946 0958',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { findings: { entity: string; text: string }[] };
    expect(out.findings.map((f) => [f.entity, f.text])).toEqual([
      ['EMAIL', 'jane@example.com'],
      ['PHONE', '+44 20 7946 0958'],
    ]);
  });

  it('redacts a text file to stdout with typed placeholders', async () => {
    const r = await run(['pii', 'redact', join(dir, 'note.txt')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Dear <PERSON_1>, your SSN <US_SSN_1> is on file.\n');
  });

  it('scans the columns of a CSV with hit rates', async () => {
    const r = await run([
      'pii',
      'scan',
      join(dir, 'tickets.csv'),
      '--columns',
      'body,phone',
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { columns: { column: string; hitRate: number; cells: number }[] };
    // body: 2 of 4 cells (email, card); phone: 3 of 3 non-missing cells, read as text with the leading 0
    expect(out.columns.map((c) => [c.column, c.cells, c.hitRate])).toEqual([
      ['body', 4, 0.5],
      ['phone', 3, 1],
    ]);
  });

  it('masks the flagged columns of a CSV into a new file', async () => {
    const out = join(dir, 'clean.csv');
    const r = await run([
      'pii',
      'redact',
      join(dir, 'tickets.csv'),
      '--columns',
      'body,phone',
      '--operator',
      'mask',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(
      'id,body,phone\n1,Mail j***@example.com please,### #### ##18\n2,All fine,### #### ##19\n3,Card #### #### #### 1111 declined,\n4,All fine,### #### ##18\n',
    );
  });

  it('hashes with a key file and exits 2 for hash without one', async () => {
    const ok = await run([
      'pii',
      'redact',
      '--text',
      'jane@example.com',
      '--operator',
      'hash',
      '--hash-key-file',
      join(dir, 'hash.key'),
    ]);
    expect(ok.stdout).toMatch(/^<EMAIL:[0-9a-f]{12}>\n$/);
    const bad = await run(['pii', 'redact', '--text', 'jane@example.com', '--operator', 'hash']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--hash-key-file');
  });

  it('replaces an identifier column by keyed pseudonyms, equal ids staying equal', async () => {
    const out = join(dir, 'pseudo.csv');
    const r = await run([
      'pii',
      'redact',
      join(dir, 'tickets.csv'),
      '--columns',
      'body,phone',
      '--pseudonymize',
      'phone',
      '--hash-key-file',
      join(dir, 'hash.key'),
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const phones = rows.slice(1).map((c) => c[c.length - 1]);
    expect(phones[0]).toMatch(/^pid_[0-9a-f]{16}$/);
    expect(phones[3]).toBe(phones[0]); // rows 1 and 4 share 020 7946 0018
    expect(phones[1]).not.toBe(phones[0]);
    expect(phones[2]).toBe('');
  });
});
