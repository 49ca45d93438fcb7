import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, type RunRecord, type SignedCard } from '../../accountability/index.js';
import { normalVariate, seededRng } from '../../core/index.js';
import { runCli } from '../run.js';
import { captureIo } from '../test-io.fixture.js';
import { redactArgv } from './privacy-ledger.js';

/* Every privacy command leaves a ledger record; none of them records a secret or the personal data it handles. */
let dir: string;
let ledgerDir: string;
const p = (f: string) => join(dir, f);
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ env: { AEQUA_LEDGER_DIR: ledgerDir, AEQUA_ACTOR: 'ana' } });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function lastRecord(): Promise<RunRecord> {
  const l = await Ledger.open(ledgerDir);
  try {
    return (await l.get(l.size - 1)).record;
  } finally {
    await l.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aequa-privacy-ledger-'));
  ledgerDir = join(dir, '.aequa', 'ledger');
  const rng = seededRng(11);
  const rows = ['x1,x2,sex,y'];
  for (let i = 0; i < 400; i++) {
    const a = normalVariate(rng);
    const b = normalVariate(rng);
    rows.push(`${a.toFixed(4)},${b.toFixed(4)},${i % 2 ? 'F' : 'M'},${a + b > 0 ? 'yes' : 'no'}`);
  }
  writeFileSync(p('data.csv'), `${rows.join('\n')}\n`);
  writeFileSync(p('pass.txt'), 'correct horse battery staple\n');
  await (await Ledger.init(ledgerDir, { origin: 'test/privacy-ledger' })).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger records of the privacy commands', () => {
  it('a card built after a train --dp run shows the ε recorded in the model file', async () => {
    const t = await cli(
      ...['train', p('data.csv'), '--label', 'y', '--positive', 'yes', '--dp', '--epsilon', '2'],
      ...['--delta', '1e-5', '--epochs', '2', '--validation', '0', '--out', p('dp.json')],
    );
    expect(t.code).toBe(0);
    const meta = JSON.parse(readFileSync(p('dp.json'), 'utf8')) as {
      metadata: { privacy: { epsilon: number; delta: number } };
    };
    const eps = meta.metadata.privacy.epsilon;
    expect(eps).toBeGreaterThan(0);
    expect(eps).toBeLessThanOrEqual(2);
    const c = await cli('card', '--model', p('dp.json'), '--format', 'json', '--out', p('card.json'));
    expect(c.code).toBe(0);
    const card = (JSON.parse(readFileSync(p('card.json'), 'utf8')) as SignedCard).card;
    expect(card.aequa?.privacy?.epsilon).toBe(eps);
    expect(card.aequa?.privacy?.delta).toBe(1e-5);
    expect(card.considerations?.limitations?.map((l) => l.description) ?? []).not.toContain(
      'No differential-privacy guarantee is recorded: the model may memorise individual training rows.',
    );
  });

  it('encrypt and decrypt record the hashes of input and output but never the passphrase file', async () => {
    const e = await cli('encrypt', p('data.csv'), '--passphrase-file', p('pass.txt'));
    expect(e.code).toBe(0);
    const re = await lastRecord();
    expect(re.command).toBe('encrypt');
    expect(re.inputs.map((i) => i.sha256)).toEqual([sha(p('data.csv'))]);
    expect(re.outputs.map((o) => o.sha256)).toEqual([sha(p('data.csv.aeq'))]);
    expect(JSON.stringify(re.inputs)).not.toContain('pass.txt');
    expect(re.summary.cipher).toBe('AES-256-GCM');
    const d = await cli(
      'decrypt',
      p('data.csv.aeq'),
      '--passphrase-file',
      p('pass.txt'),
      '--out',
      p('back.csv'),
    );
    expect(d.code).toBe(0);
    const rd = await lastRecord();
    expect(rd.command).toBe('decrypt');
    expect(rd.inputs.map((i) => i.sha256)).toEqual([sha(p('data.csv.aeq'))]);
    // the plaintext that came back is the original file, byte for byte
    expect(rd.outputs.map((o) => o.sha256)).toEqual([sha(p('data.csv'))]);
  });

  it('pii scan --text records entity counts, not the text or the matches', async () => {
    const r = await cli('pii', 'scan', '--text', 'Write to jane.doe@example.org or call 415-555-0132.');
    expect(r.code).toBe(0);
    const rec = await lastRecord();
    expect(rec.command).toBe('pii');
    const all = JSON.stringify(rec);
    expect(all).not.toContain('jane.doe');
    expect(all).not.toContain('555-0132');
    expect((rec.summary.entities as Record<string, number>).EMAIL).toBe(1);
  });

  it('dp-describe records the ε and δ it spent', async () => {
    const r = await cli(
      ...['dp-describe', p('data.csv'), '--epsilon', '1', '--delta', '1e-6', '--clamp', 'x1=-3:3'],
      ...['--select', 'x1,sex', '--label', 'y', '--positive', 'yes', '--sensitive', 'sex'],
    );
    expect(r.code).toBe(0);
    const rec = await lastRecord();
    expect(rec.command).toBe('dp-describe');
    expect(rec.summary.epsilon).toBeCloseTo(1, 12); // 0.5 describe + 0.5 fairness
    expect(rec.summary.delta).toBe(1e-6);
    expect(rec.inputs.map((i) => i.sha256)).toEqual([sha(p('data.csv'))]);
  });

  it('anonymity check records k and the targets met, not the smallest classes', async () => {
    const r = await cli('anonymity', 'check', p('data.csv'), '--qi', 'sex', '--k', '5');
    expect(r.code).toBe(0);
    const rec = await lastRecord();
    expect(rec.command).toBe('anonymity');
    expect(rec.summary.k).toBe(200); // 400 rows, sex alternates: two classes of 200
    expect(rec.summary.meets).toEqual({ k: true });
    expect(rec.summary.smallest).toBeUndefined();
  });

  it('--no-ledger leaves no record', async () => {
    const before = await lastRecord();
    const r = await cli('pii', 'scan', '--text', 'nothing here', '--no-ledger');
    expect(r.code).toBe(0);
    // the whole last record, not just its timestamp (two records may share a millisecond)
    expect(await lastRecord()).toEqual(before);
  });

  it('redactArgv replaces --text values in both spellings by their length', () => {
    expect(redactArgv(['scan', '--text', 'a@b.org', '--text=xyz', '--format', 'json'])).toEqual([
      'scan',
      '--text',
      '<7 chars>',
      '--text=<3 chars>',
      '--format',
      'json',
    ]);
  });
});
