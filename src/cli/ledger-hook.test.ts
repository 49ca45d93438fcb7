import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../accountability/index.js';
import { runAudit } from './commands/audit.js';
import { runDatasheet } from './commands/datasheet.js';
import { runPredict } from './commands/predict.js';
import { runTrain } from './commands/train.js';
import { type CapturedIo, captureIo } from './test-io.fixture.js';

/*
 * train → predict → audit in a project with a ledger: each run appends one RunRecord whose input and
 * output hashes chain the model to its predictions and the predictions to the audit.
 */
let dir: string;
let ledgerDir: string;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function io(env: Record<string, string> = {}): CapturedIo {
  return captureIo({ env: { AEQUA_LEDGER_DIR: ledgerDir, AEQUA_ACTOR: 'ana', ...env } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aequa-hook-'));
  ledgerDir = join(dir, '.aequa', 'ledger');
  const rows = ['x,sex,y'];
  // 80 rows, deterministic: y = 1 when x > 4 (x = i mod 10), sex alternates.
  for (let i = 0; i < 80; i++) rows.push(`${i % 10},${i % 2 ? 'F' : 'M'},${i % 10 > 4 ? 1 : 0}`);
  writeFileSync(join(dir, 'train.csv'), `${rows.join('\n')}\n`);
  await (await Ledger.init(ledgerDir, { origin: 'test/hook' })).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withLedger', () => {
  it('records train, predict and audit with hashes that chain model → predictions → audit', async () => {
    const model = join(dir, 'model.json');
    const preds = join(dir, 'preds.csv');
    const t = io();
    expect(
      await runTrain([join(dir, 'train.csv'), '--label', 'y', '--out', model, '--validation', '0'], t),
    ).toBe(0);
    expect(t.err()).toContain('ledger: recorded as entry 0');
    expect(await runPredict([model, join(dir, 'train.csv'), '--out', preds], io())).toBe(0);
    const a = io();
    const code = await runAudit(
      [
        preds,
        '--label',
        'y',
        '--prediction',
        'prediction',
        '--sensitive',
        'sex',
        '--ci',
        '0.9',
        '--format',
        'json',
      ],
      a,
    );
    expect(code).toBe(0);
    expect(a.err()).toContain('ledger: recorded as entry 2');

    const l = await Ledger.open(ledgerDir, { readOnly: true });
    const [tr, pr, au] = [await l.get(0), await l.get(1), await l.get(2)].map((e) => e.record);
    await l.close();
    expect([tr!.command, pr!.command, au!.command]).toEqual(['train', 'predict', 'audit']);
    expect(tr!.actor).toBe('ana');
    expect(tr!.inputs.map((f) => f.sha256)).toEqual([sha(join(dir, 'train.csv'))]);
    expect(tr!.outputs.map((f) => f.sha256)).toEqual([sha(model)]);
    expect(pr!.inputs.map((f) => [f.role, f.sha256])).toEqual([
      ['model', sha(model)],
      ['data', sha(join(dir, 'train.csv'))],
    ]);
    expect(pr!.outputs.map((f) => f.sha256)).toEqual([sha(preds)]);
    expect(au!.inputs.map((f) => f.sha256)).toEqual([sha(preds)]);
    // The audit summary keeps per-group metrics with their 90% CIs: 40 rows per sex.
    const g = (
      au!.summary.byFeature as Record<string, { groups: Record<string, { count: number; ci: object }> }>
    ).sex!.groups;
    expect(g.F!.count).toBe(40);
    expect(g.M!.ci).toHaveProperty('selectionRate');
    expect(au!.config.argv).toContain('--ci');
  });

  it('appends nothing with --no-ledger, and nothing when the project has no ledger', async () => {
    const preds = join(dir, 'preds.csv');
    const args = [
      preds,
      '--label',
      'y',
      '--prediction',
      'prediction',
      '--sensitive',
      'sex',
      '--format',
      'json',
    ];
    const before = (await Ledger.open(ledgerDir, { readOnly: true })).size;
    expect(await runAudit([...args, '--no-ledger'], io())).toBe(0);
    expect(await runAudit(args, io({ AEQUA_LEDGER_DIR: join(dir, 'nowhere') }))).toBe(0);
    const l = await Ledger.open(ledgerDir, { readOnly: true });
    expect(l.size).toBe(before);
    await l.close();
  });

  it('signs the checkpoints the retention policy makes due after each recorded run', async () => {
    const dir2 = join(dir, 'cp-ledger');
    const l = await Ledger.init(dir2, { origin: 'test/hook-cp' });
    await l.setRetention({ everyEntries: 2 });
    await l.close();
    for (let i = 0; i < 3; i++)
      expect(
        await runDatasheet([join(dir, 'train.csv'), '--format', 'json'], io({ AEQUA_LEDGER_DIR: dir2 })),
      ).toBe(0);
    // By hand: entry 1 → first checkpoint (none stored yet); entry 2 → 1 new entry < 2, none;
    // entry 3 → 2 new entries since size 1, checkpoint at size 3.
    const r = await Ledger.open(dir2, { readOnly: true });
    expect((await r.storedCheckpoints()).map((c) => c.size)).toEqual([1, 3]);
    await r.close();
  });
});
