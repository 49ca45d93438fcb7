import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalVariate, seededRng } from '../../core/index.js';
import { loadTable } from '../../data/io/index.js';
import { decisionTree, saveModelJSON } from '../../models/index.js';
import { runCli } from '../run.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';

let dir: string;

function io(): CapturedIo {
  return captureIo({ columns: 100 });
}

/** Noisy labels (y = yes iff x1 + x2 + 1.5·noise > 0): a fully grown tree memorises them. */
async function noisyCsv(name: string, n: number, seed: number): Promise<string> {
  const rng = seededRng(seed);
  const lines = ['x1,x2,y'];
  for (let i = 0; i < n; i++) {
    const a = normalVariate(rng);
    const b = normalVariate(rng);
    lines.push(`${a},${b},${a + b + 1.5 * normalVariate(rng) > 0 ? 'yes' : 'no'}`);
  }
  const p = join(dir, name);
  await writeFile(p, `${lines.join('\n')}\n`);
  return p;
}

let train: string;
let holdout: string;
let shadow: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-attack-'));
  train = await noisyCsv('train.csv', 300, 1);
  holdout = await noisyCsv('holdout.csv', 300, 2);
  shadow = await noisyCsv('shadow.csv', 800, 3);
  const tree = await decisionTree({ minSamplesLeaf: 1 }).fit(await loadTable(train), 'y', {
    positive: ['yes'],
  });
  model = join(dir, 'tree.json');
  await writeFile(model, saveModelJSON(tree));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `aequa attack membership` against the fixture tree, members = train, non-members = holdout, then `extra`. */
function membershipArgv(...extra: string[]): string[] {
  return [
    'attack',
    'membership',
    '--model',
    model,
    '--train',
    train,
    '--holdout',
    holdout,
    '--label',
    'y',
    ...extra,
  ];
}

describe('aequa attack membership', () => {
  it('prints attack AUC and TPR at 0.1%, 1%, 10% FPR as JSON, the shadow attack included', async () => {
    const c = io();
    const code = await runCli(
      membershipArgv(
        '--shadow-data',
        shadow,
        '--shadow-learner',
        'tree',
        '--shadow-params',
        'minSamplesLeaf=1',
        '--format',
        'json',
      ),
      c,
    );
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(c.out());
    expect(out.results.map((r: { attack: string }) => r.attack)).toEqual(['loss', 'confidence', 'shadow']);
    const loss = out.results[0];
    expect(loss.auc).toBeGreaterThan(0.6);
    expect(loss.tprAtFpr.map((t: { fpr: number }) => t.fpr)).toEqual([0.001, 0.01, 0.1]);
    expect(out.results[2].auc).toBeGreaterThan(0.6);
  });

  it('prints a table with one row per attack', async () => {
    const c = io();
    const code = await runCli(membershipArgv('--attacks', 'loss'), c);
    expect(code).toBe(0);
    const text = c.out();
    expect(text).toMatch(/300 members vs 300 non-members/);
    expect(text).toMatch(/^loss\s+0\.\d{3}\s+[\d.]+%\s+[\d.]+%\s+[\d.]+%\s+0\.\d{3}$/m);
  });

  it('exits 2 naming the missing flag or the unknown attack', async () => {
    for (const [argv, msg] of [
      [['membership', '--model', 'm.json', '--train', 'a.csv', '--holdout', 'b.csv'], /--label is required/],
      [
        [
          'membership',
          '--model',
          'm.json',
          '--train',
          'a.csv',
          '--holdout',
          'b.csv',
          '--label',
          'y',
          '--attacks',
          'guess',
        ],
        /--attacks takes loss, confidence or shadow, got "guess"/,
      ],
      [['inversion'], /Name the attack: aequa attack membership/],
    ] as const) {
      const c = io();
      expect(await runCli(['attack', ...argv], c)).toBe(2);
      expect(c.err()).toMatch(msg);
    }
  });
});
