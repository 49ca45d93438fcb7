import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run.js';
import { type CapturedRun, runCaptured } from '../test-io.fixture.js';

let dir: string;
const CSV = 'id,age,diagnosis\n1,34,flu\n2,51,asthma\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-encrypt-cli-'));
  await writeFile(join(dir, 'data.csv'), CSV);
  await writeFile(join(dir, 'pass.txt'), 'tall green elephants\n');
  await writeFile(join(dir, 'other.txt'), 'another passphrase\n');
  await writeFile(join(dir, 'empty.txt'), '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(argv: readonly string[]): Promise<CapturedRun> {
  return runCaptured(runCli, argv, { columns: 100 });
}

describe('aequa encrypt / decrypt / keys', () => {
  it('encrypts to <file>.aeq and decrypts back to the same bytes', async () => {
    const enc = await run(['encrypt', join(dir, 'data.csv'), '--passphrase-file', join(dir, 'pass.txt')]);
    expect(enc.code).toBe(0);
    expect(enc.stdout).toContain('AES-256-GCM, scrypt N=2^15 r=8 p=1');
    const sealed = await readFile(join(dir, 'data.csv.aeq'));
    expect(sealed.includes(Buffer.from('asthma'))).toBe(false);
    const out = join(dir, 'plain.csv');
    const dec = await run([
      'decrypt',
      join(dir, 'data.csv.aeq'),
      '--passphrase-file',
      join(dir, 'pass.txt'),
      '--out',
      out,
    ]);
    expect(dec.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(CSV);
  });

  it('exits 2 with a clear message for an empty passphrase file and writes nothing', async () => {
    const r = await run([
      'encrypt',
      join(dir, 'data.csv'),
      '--passphrase-file',
      join(dir, 'empty.txt'),
      '--out',
      join(dir, 'e.aeq'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is empty');
    expect(r.stderr).toContain('(AEQ_CRYPTO_KEY)');
    expect((await readdir(dir)).includes('e.aeq')).toBe(false);
  });

  it('exits 2 on a wrong passphrase without creating the output', async () => {
    await run([
      'encrypt',
      join(dir, 'data.csv'),
      '--passphrase-file',
      join(dir, 'pass.txt'),
      '--out',
      join(dir, 'w.aeq'),
    ]);
    const r = await run(['decrypt', join(dir, 'w.aeq'), '--passphrase-file', join(dir, 'other.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the passphrase is wrong');
    expect(r.stderr).toContain('(AEQ_CRYPTO_AUTH)');
    expect((await readdir(dir)).includes('w')).toBe(false);
  });

  it('generates a 0600 key file and rotates a passphrase file to it', async () => {
    const key = join(dir, 'key.hex');
    expect((await run(['keys', 'generate', '--out', key])).code).toBe(0);
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect((await readFile(key, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    const f = join(dir, 'rot.aeq');
    await run(['encrypt', join(dir, 'data.csv'), '--passphrase-file', join(dir, 'pass.txt'), '--out', f]);
    const rot = await run([
      'keys',
      'rotate',
      f,
      '--passphrase-file',
      join(dir, 'pass.txt'),
      '--new-key-file',
      key,
    ]);
    expect(rot.code).toBe(0);
    const old = await run([
      'decrypt',
      f,
      '--passphrase-file',
      join(dir, 'pass.txt'),
      '--out',
      join(dir, 'r1.csv'),
    ]);
    expect(old.code).toBe(2);
    const ok = await run(['decrypt', f, '--key-file', key, '--out', join(dir, 'r2.csv')]);
    expect(ok.code).toBe(0);
    expect(await readFile(join(dir, 'r2.csv'), 'utf8')).toBe(CSV);
  });

  it('refuses to overwrite an existing output without --force', async () => {
    const r = await run(['encrypt', join(dir, 'data.csv'), '--passphrase-file', join(dir, 'pass.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --force');
  });
});
