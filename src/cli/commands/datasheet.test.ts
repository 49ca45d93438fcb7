import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Datasheet, datasheetDigest, Ledger } from '../../accountability/index.js';
import { runCli } from '../run.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';

/*
 * data.csv, 8 rows: sex 3 F + 5 M; income missing in one F row and one M row;
 * y: F = 1,0,1 (2/3), M = 1,0,0,0,1 (2/5); overall 4 of 8.
 */
const CSV = ['sex,income,y', 'F,10,1', 'F,,0', 'F,30,1', 'M,40,1', 'M,,0', 'M,60,0', 'M,70,0', 'M,80,1'].join(
  '\n',
);

let dir: string;
let ledgerDir: string;
const p = (f: string) => join(dir, f);

function cap(): CapturedIo {
  return captureIo({ env: { AEQUA_LEDGER_DIR: ledgerDir, AEQUA_ACTOR: 'ana' } });
}
const cli = async (...argv: string[]) => {
  const c = cap();
  const code = await runCli(argv, c);
  return { code, out: c.out(), err: c.err() };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aequa-datasheet-'));
  ledgerDir = join(dir, '.aequa', 'ledger');
  writeFileSync(p('data.csv'), `${CSV}\n`);
  writeFileSync(
    p('answers.yaml'),
    [
      'name: Toy loans',
      'motivation:',
      '  purpose: Testing the datasheet command',
      '  creators: [Ana, Bo]',
      'collection:',
      '  timeframe: 2024',
      'distribution:',
      '  license: ~',
      '',
    ].join('\n'),
  );
  writeFileSync(p('bad.yaml'), 'motivation:\n  purpse: x\n');
  writeFileSync(p('broken.yaml'), 'motivation:\n  purpose: [unclosed\n');
  await (await Ledger.init(ledgerDir, { origin: 'test/datasheet' })).close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aequa datasheet', () => {
  it('prefills counts, missing rates and base rates equal to the hand counts, merges the answers and records the run', async () => {
    const r = await cli(
      'datasheet',
      p('data.csv'),
      '--label',
      'y',
      '--sensitive',
      'sex',
      '--answers',
      p('answers.yaml'),
      '--license',
      'CC-BY-4.0',
      '--format',
      'json',
      '--out',
      p('ds.json'),
    );
    expect(r.code, r.err).toBe(0);
    const ds = JSON.parse(readFileSync(p('ds.json'), 'utf8')) as Datasheet;
    expect(ds.name).toBe('Toy loans');
    expect(ds.profile.rows).toBe(8);
    const income = ds.profile.columns.find((c) => c.name === 'income')!;
    expect(income).toMatchObject({ type: 'number', missing: 2, missingRate: 0.25, min: 10, max: 80 });
    const g = Object.fromEntries(ds.profile.sensitive[0]!.groups.map((x) => [x.group, x]));
    expect(g.F!.count).toBe(3);
    expect(g.M!.count).toBe(5);
    expect(g.F!.share).toBeCloseTo(3 / 8, 12);
    expect(g.F!.baseRate).toBeCloseTo(2 / 3, 12);
    expect(g.M!.baseRate).toBeCloseTo(2 / 5, 12);
    // income missing by group: F 1 of 3, M 1 of 5.
    const miss = ds.profile.sensitive[0]!.missingByGroup.find((m) => m.column === 'income')!;
    expect(miss.byGroup.F).toBeCloseTo(1 / 3, 12);
    expect(miss.byGroup.M).toBeCloseTo(1 / 5, 12);
    expect(ds.profile.label).toMatchObject({ positives: 4, negatives: 4, positiveRate: 0.5 });
    // File hash computed here independently of the command.
    expect(ds.file!.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(p('data.csv')))
        .digest('hex'),
    );
    expect(ds.file!.bytes).toBe(CSV.length + 1);
    const item = (s: string, k: string) =>
      ds.sections.find((x) => x.id === s)!.items.find((x) => x.key === k)!;
    expect(item('motivation', 'creators').answer).toBe('- Ana\n- Bo');
    expect(item('collection', 'timeframe').answer).toBe('2024');
    expect(item('distribution', 'license')).toMatchObject({ answer: null, fromData: 'CC-BY-4.0' });
    expect(ds.gaps.map((x) => x.key)).not.toContain('motivation.purpose');
    expect(ds.gaps.map((x) => x.key)).toContain('uses.risks');
    expect(r.err).toContain(`datasheet: ${ds.completeness.answered}/${ds.completeness.required} required`);
    expect(r.err).toContain('  - uses.risks: ');
    // The ledger entry commits to this exact datasheet and to both input files.
    const ledger = await Ledger.open(ledgerDir, { readOnly: true });
    try {
      const e = await ledger.get(ledger.size - 1);
      expect(e.record.command).toBe('datasheet');
      expect(e.record.summary.datasheetSha256).toBe(datasheetDigest(ds));
      expect(e.record.inputs.map((i) => i.sha256)).toContain(ds.file!.sha256);
      expect(e.record.outputs.map((o) => o.path)).toEqual([p('ds.json')]);
    } finally {
      await ledger.close();
    }
  });

  it('writes Markdown with the group table to stdout by default', async () => {
    const r = await cli('datasheet', p('data.csv'), '--label', 'y', '--sensitive', 'sex', '--no-ledger');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0]).toBe('# Datasheet: data.csv');
    expect(r.out).toContain('| F | 3 | 37.5% | 0.6667 |');
    expect(r.out).toContain('| income | number | feature | 2 | 25.0% | 10 … 80 |');
    expect(r.err).not.toContain('ledger: recorded');
  });

  it('prints a template that, given back as answers, is accepted with every question still open', async () => {
    const t = await cli('datasheet', '--template', '--out', p('template.yaml'));
    expect(t.code).toBe(0);
    const r = await cli(
      'datasheet',
      p('data.csv'),
      '--answers',
      p('template.yaml'),
      '--format',
      'json',
      '--no-ledger',
    );
    expect(r.code, r.err).toBe(0);
    const ds = JSON.parse(r.out) as Datasheet;
    expect(ds.sections.flatMap((s) => s.items).every((i) => i.answer === null)).toBe(true);
  });

  it('exits 2 on a misspelt answers key, naming it and the closest key', async () => {
    const r = await cli('datasheet', p('data.csv'), '--answers', p('bad.yaml'), '--no-ledger');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown question "motivation.purpse"');
    expect(r.err).toContain('hint: Did you mean "motivation.purpose"?');
    expect(r.err).toContain('(AEQ_CARD_INVALID)');
  });

  it('exits 2 on answers that are not YAML and on a missing data file', async () => {
    const r = await cli('datasheet', p('data.csv'), '--answers', p('broken.yaml'), '--no-ledger');
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not valid YAML');
    const m = await cli('datasheet', '--no-ledger');
    expect(m.code).toBe(2);
    expect(m.err).toContain('--template');
  });
});
