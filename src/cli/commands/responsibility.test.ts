import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../accountability/index.js';
import { loadTable } from '../../data/io/index.js';
import { logisticRegression } from '../../models/index.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';
import { type ResponsibilityResult, runResponsibility } from './responsibility.js';

let dir: string;
let csv: string;
let modelPath: string;

function capture(): { io: CapturedIo; out: () => string } {
  const io = captureIo();
  return { io, out: io.out };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-resp-'));
  const lines = ['sex,x,z,y'];
  for (let i = 0; i < 400; i++) {
    const f = i % 2 === 0;
    const x = ((i * 37) % 101) / 100;
    const z = i % 3 === 0 ? 'u' : 'v';
    const y = (f ? 0.3 : 0.6) + 0.5 * (x - 0.5) > ((i * 53) % 97) / 97 ? 1 : 0;
    lines.push(`${f ? 'F' : 'M'},${x},${z},${y}`);
  }
  csv = join(dir, 'data.csv');
  await writeFile(csv, `${lines.join('\n')}\n`);
  const table = await loadTable(csv);
  const model = await logisticRegression().fit(table, 'y', { positive: ['1'] });
  modelPath = join(dir, 'model.json');
  await writeFile(modelPath, JSON.stringify(model.toJSON()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('aequa responsibility', () => {
  it('reports the error rate, slices, tree and an exact gap split that match the model', async () => {
    const { io, out } = capture();
    const code = await runResponsibility(
      [
        modelPath,
        csv,
        '--label',
        'y',
        '--positive',
        '1',
        '--sensitive',
        'sex',
        '--min-size',
        '20',
        '--format',
        'json',
      ],
      io,
    );
    expect(code).toBe(0);
    const r = JSON.parse(out()) as ResponsibilityResult;
    // Recompute the error rate and the selection rates from the model directly.
    const table = await loadTable(csv);
    const model = await logisticRegression().fit(table, 'y', { positive: ['1'] });
    const p = await model.predictProba(table);
    const y = table.column('y');
    let wrong = 0;
    const sel = { F: 0, M: 0 };
    for (let i = 0; i < 400; i++) {
      const d = p[i]! >= 0.5 ? 1 : 0;
      if (y.kind === 'number' && d !== y.values[i]) wrong++;
      sel[i % 2 === 0 ? 'F' : 'M'] += d;
    }
    expect(r.rows).toBe(400);
    expect(r.errorRate).toBeCloseTo(wrong / 400, 12);
    expect(r.tree.size).toBe(400);
    const g = r.gap;
    expect(g.stages.data + g.stages.model + g.stages.threshold).toBeCloseTo(g.gaps.decision, 12);
    expect(Math.abs(g.gaps.decision)).toBeCloseTo(Math.abs(sel.F - sel.M) / 200, 12);
    for (const s of r.slices.slices) expect(s.size).toBeGreaterThanOrEqual(20);
  });

  it('adds counterfactual re-fits whose shares add up to the baseline gap', async () => {
    const { io, out } = capture();
    await runResponsibility(
      [
        modelPath,
        csv,
        '--label',
        'y',
        '--positive',
        '1',
        '--sensitive',
        'sex',
        '--train',
        csv,
        '--learner',
        'logistic',
        '--format',
        'json',
      ],
      io,
    );
    const r = JSON.parse(out()) as ResponsibilityResult;
    const c = r.counterfactual!;
    expect(c.shares.data + c.shares.sensitiveInput + c.shares.remaining).toBeCloseTo(c.runs.baseline.gap, 12);
  });

  it('prints a readable report', async () => {
    const { io, out } = capture();
    await runResponsibility(
      [modelPath, csv, '--label', 'y', '--positive', '1', '--sensitive', 'sex', '--min-size', '20'],
      io,
    );
    expect(out()).toMatch(/Slices with the highest error/);
    expect(out()).toMatch(/Error tree:\n {2}all rows: 400 rows/);
    expect(out()).toMatch(/Selection-rate gap (F − M|M − F)/);
  });

  it('leaves rows without a label out of every figure, and says so', async () => {
    // The same data with the labels of the first 10 rows removed: figures must equal those of the
    // 390 labelled rows alone.
    const lines = (await import('node:fs')).readFileSync(csv, 'utf8').trimEnd().split('\n');
    const blank = [lines[0]!, ...lines.slice(1, 11).map((l) => l.replace(/,[01]$/, ',')), ...lines.slice(11)];
    const partial = join(dir, 'partial.csv');
    const labelled = join(dir, 'labelled.csv');
    await writeFile(partial, `${blank.join('\n')}\n`);
    await writeFile(labelled, `${[lines[0]!, ...lines.slice(11)].join('\n')}\n`);
    const args = [
      '--label',
      'y',
      '--positive',
      '1',
      '--sensitive',
      'sex',
      '--min-size',
      '20',
      '--format',
      'json',
    ];
    const a = captureIo();
    await runResponsibility([modelPath, partial, ...args], a);
    const b = captureIo();
    await runResponsibility([modelPath, labelled, ...args], b);
    expect(a.err()).toContain('note: 10 row(s) without a value in "y" left out.');
    const ra = JSON.parse(a.out()) as ResponsibilityResult;
    const rb = JSON.parse(b.out()) as ResponsibilityResult;
    expect(ra.rows).toBe(390);
    expect(ra.errorRate).toBe(rb.errorRate);
    expect(ra.gap).toEqual(rb.gap);
  });

  it('refuses missing flags and a --train without --learner', async () => {
    const { io } = capture();
    await expect(runResponsibility([modelPath, csv, '--sensitive', 'sex'], io)).rejects.toThrow(
      /--label is required/,
    );
    await expect(runResponsibility([modelPath, csv, '--label', 'y'], io)).rejects.toThrow(
      /--sensitive is required/,
    );
    await expect(
      runResponsibility([modelPath, csv, '--label', 'y', '--sensitive', 'sex', '--train', csv], io),
    ).rejects.toThrow(/--train and --learner go together/);
  });
  it('records the run in the project ledger, with the model as input and the gap split as summary', async () => {
    const ledgerDir = join(dir, '.aequa', 'ledger');
    await (await Ledger.init(ledgerDir, { origin: 'test/responsibility' })).close();
    const io = captureIo({ env: { AEQUA_LEDGER_DIR: ledgerDir } });
    await runResponsibility([modelPath, csv, '--label', 'y', '--positive', '1', '--sensitive', 'sex'], io);
    expect(io.err()).toContain('ledger: recorded as entry 0');
    const ledger = await Ledger.open(ledgerDir);
    try {
      const e = await ledger.get(0);
      expect(e.record.command).toBe('responsibility');
      expect(e.record.inputs.map((f) => f.role)).toEqual(['model', 'data']);
      const gap = (e.record.summary as { gap: { decision: number; stages: Record<string, number> } }).gap;
      expect(gap.stages.data! + gap.stages.model! + gap.stages.threshold!).toBeCloseTo(gap.decision, 12);
    } finally {
      await ledger.close();
    }
  });
});
