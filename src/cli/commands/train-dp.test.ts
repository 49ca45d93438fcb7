import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalVariate, seededRng } from '../../core/index.js';
import { dpSgdEpsilon, modelPrivacy } from '../../privacy/index.js';
import { runCli } from '../run.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';

let dir: string;
let csv: string;

function io(): CapturedIo {
  return captureIo({ columns: 100 });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-train-dp-'));
  const rng = seededRng(4);
  const lines = ['x1,x2,y'];
  for (let i = 0; i < 600; i++) {
    const a = normalVariate(rng);
    const b = normalVariate(rng);
    lines.push(`${a},${b},${a + b > 0 ? 'yes' : 'no'}`);
  }
  csv = join(dir, 'data.csv');
  await writeFile(csv, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('aequa train --dp', () => {
  it('trains with DP-SGD, reports the ε spent and records it in the model file', async () => {
    const c = io();
    const out = join(dir, 'dp.json');
    const code = await runCli(
      [
        'train',
        csv,
        '--label',
        'y',
        '--positive',
        'yes',
        '--dp',
        '--epsilon',
        '3',
        '--delta',
        '1e-5',
        '--max-grad-norm',
        '1',
        '--epochs',
        '4',
        '--batch-size',
        '48',
        '--out',
        out,
        '--format',
        'json',
      ],
      c,
    );
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(c.out());
    expect(summary.learner).toBe('dp-sgd logistic');
    // 480 training rows (20% validation): q = 48/480 = 0.1, T = 4/0.1 = 40 steps.
    expect(summary.privacy.sampleRate).toBe(0.1);
    expect(summary.privacy.steps).toBe(40);
    expect(summary.privacy.epsilon).toBeLessThanOrEqual(3);
    expect(summary.validation.accuracy).toBeGreaterThan(0.85);
    const file = JSON.parse(await readFile(out, 'utf8'));
    const rec = modelPrivacy(file)!;
    expect(rec.epsilon).toBe(
      dpSgdEpsilon({
        sampleRate: rec.sampleRate,
        noiseMultiplier: rec.noiseMultiplier,
        steps: rec.steps,
        delta: rec.delta,
      }).epsilon,
    );
    expect(rec.randomness).toBe('crypto');
  });

  it('prints the privacy line in the table format', async () => {
    const c = io();
    const code = await runCli(
      [
        'train',
        csv,
        '--label',
        'y',
        '--learner',
        'mlp',
        '--params',
        'hidden=4',
        '--dp',
        '--epsilon',
        '5',
        '--epochs',
        '2',
        '--batch-size',
        '64',
        '--out',
        join(dir, 'm.json'),
      ],
      c,
    );
    expect(code).toBe(0);
    expect(c.out()).toMatch(
      /privacy: ε = \d\.\d{3} spent at δ = 0\.00001 \(RDP accountant; σ = [\d.]+, q = 0\.1333, 15 steps, C = 1\)/,
    );
  });

  it('exits 2 with a clear message for ε ≤ 0, a tree learner, or --epsilon without --dp', async () => {
    for (const [argv, msg] of [
      [['--dp', '--epsilon', '0'], /--epsilon must be a finite number > 0, got 0/],
      [['--dp', '--epsilon', '1', '--delta', '1'], /--delta must be in \(0, 1\), got 1/],
      [['--dp', '--epsilon', '1', '--learner', 'tree'], /--dp trains a logistic or mlp model, not "tree"/],
      [['--epsilon', '1'], /--epsilon applies to DP-SGD training: add --dp/],
    ] as const) {
      const c = io();
      const code = await runCli(['train', csv, '--label', 'y', '--out', join(dir, 'x.json'), ...argv], c);
      expect(code).toBe(2);
      expect(c.err()).toMatch(msg);
    }
  });
});
