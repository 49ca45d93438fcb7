/**
 * `aequa train` and `aequa predict` end to end, in-process: train on the bundled data, check the
 * validation report, the saved model and its ONNX export, score a file with each model form, and
 * feed the scored file back to `aequa audit`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { type CapturedRun, runCaptured } from '../../src/cli/test-io.fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GERMAN = join(ROOT, 'examples/data/german-credit.csv');

function cli(argv: string[]): Promise<CapturedRun> {
  return runCaptured(runCli, argv);
}

describe('aequa train / predict', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aequa-models-'));

  it('trains each learner, reports validation metrics and writes a loadable model', async () => {
    for (const learner of ['logistic', 'tree', 'gbdt', 'mlp']) {
      const out = join(dir, `${learner}.json`);
      const r = await cli([
        'train',
        GERMAN,
        '--label',
        'credit_risk',
        '--positive',
        'good',
        '--learner',
        learner,
        '--exclude',
        'good_credit,sex,age_group',
        '--out',
        out,
        '--format',
        'json',
        ...(learner === 'mlp' ? ['--params', 'epochs=5'] : []),
      ]);
      expect([learner, r.code, r.stderr]).toEqual([learner, 0, '']);
      const summary = JSON.parse(r.stdout);
      expect(summary.validation.rows).toBe(200);
      // A sane model on German credit (70% good): better than always saying "good" is not guaranteed
      // for every learner on 200 rows, but accuracy must be a real score above 0.6.
      expect(summary.validation.accuracy).toBeGreaterThan(0.6);
      const file = JSON.parse(readFileSync(out, 'utf8'));
      expect(file).toMatchObject({
        format: 'aequa-model',
        version: 1,
        kind: learner,
        task: 'binary',
        classes: ['bad', 'good'],
      });
      expect(file.features).not.toContain('good_credit');
    }
  });

  it('writes an ONNX export whose predictions equal the JSON model', async () => {
    const json = join(dir, 'lr.json');
    const onnx = join(dir, 'lr.onnx');
    expect(
      (
        await cli([
          'train',
          GERMAN,
          '--label',
          'credit_risk',
          '--positive',
          'good',
          '--exclude',
          'good_credit',
          '--out',
          json,
          '--onnx',
          onnx,
        ])
      ).code,
    ).toBe(0);
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    expect((await cli(['predict', json, GERMAN, '--out', a])).code).toBe(0);
    expect((await cli(['predict', onnx, GERMAN, '--out', b])).code).toBe(0);
    const score = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',').at(-2)));
    const sa = score(a);
    const sb = score(b);
    expect(sa.length).toBe(1000);
    for (let i = 0; i < sa.length; i++) expect(Math.abs(sa[i]! - sb[i]!)).toBeLessThan(1e-12);
  });

  it('feeds predictions to aequa audit', async () => {
    const json = join(dir, 'gb.json');
    const scored = join(dir, 'scored.csv');
    await cli([
      'train',
      GERMAN,
      '--label',
      'credit_risk',
      '--positive',
      'good',
      '--learner',
      'gbdt',
      '--exclude',
      'good_credit,sex,age_group',
      '--out',
      json,
    ]);
    expect((await cli(['predict', json, GERMAN, '--out', scored])).code).toBe(0);
    const r = await cli([
      'audit',
      scored,
      '--label',
      'credit_risk',
      '--positive',
      'good',
      '--score',
      'score',
      '--threshold',
      '0.5',
      '--sensitive',
      'sex',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.rows).toBe(1000);
    expect(res.byFeature.sex.groups.female.count).toBe(310);
  });

  it('scores with a JS module model', async () => {
    const mod = join(dir, 'rule.mjs');
    writeFileSync(
      mod,
      'export const features = ["duration"];\nexport const predictProba = (rows) => rows.map((r) => (r.duration > 24 ? 0.3 : 0.8));\n',
    );
    const out = join(dir, 'js.csv');
    expect((await cli(['predict', mod, GERMAN, '--out', out])).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]!.endsWith(',score,prediction')).toBe(true);
    expect(lines.length).toBe(1001);
  });

  it('reports RMSE and MAE of a regression model on the validation file', async () => {
    const trainFile = join(dir, 'line.csv');
    writeFileSync(trainFile, 'x,y\n0,1\n1,3\n2,5\n3,7\n');
    const validFile = join(dir, 'line-valid.csv');
    // y = 2x + 1 ± 1: an exact fit of the training line misses every validation row by 1.
    writeFileSync(validFile, 'x,y\n0,2\n1,2\n2,6\n3,6\n');
    const r = await cli([
      'train',
      trainFile,
      '--label',
      'y',
      '--learner',
      'linear',
      '--params',
      'alpha=0',
      '--validation-data',
      validFile,
      '--out',
      join(dir, 'line.json'),
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout).validation;
    expect(v.rows).toBe(4);
    // |error| = 1 on each row: RMSE = MAE = 1, up to the rounding of the least-squares solve.
    expect(v.rmse).toBeCloseTo(1, 9);
    expect(v.mae).toBeCloseTo(1, 9);
  });

  it('refuses bad input with exit 2 and a clear message', async () => {
    const model = join(dir, 'lr.json');
    const cases: [string[], string][] = [
      [['train', GERMAN, '--label', 'credit_rsk', '--out', join(dir, 'x.json')], 'AEQ_DATA_MISSING_COLUMN'],
      [
        ['train', GERMAN, '--label', 'credit_risk', '--learner', 'gbm', '--out', join(dir, 'x.json')],
        'AEQ_INVALID_ARGUMENT',
      ],
      [
        ['predict', model, join(ROOT, 'examples/data/compas.csv'), '--out', join(dir, 'x.csv')],
        'AEQ_DATA_MISSING_COLUMN',
      ],
      [['predict', join(dir, 'nope.json'), GERMAN, '--out', join(dir, 'x.csv')], 'AEQ_MODEL_LOAD'],
      [['train', GERMAN, '--label', 'credit_risk', '--format', 'xml'], 'AEQ_CLI_USAGE'],
    ];
    const constant = join(dir, 'const.csv');
    writeFileSync(constant, 'a,b,y\n1,x,1\n2,y,1\n3,x,1\n');
    const allMissing = join(dir, 'allmiss.csv');
    writeFileSync(allMissing, 'a,b,y\n,x,1\n,y,0\n,x,1\n');
    const numeric = join(dir, 'ok.csv');
    writeFileSync(numeric, 'a,b,y\n1,x,1\n2,y,0\n3,x,1\n4,y,0\n');
    const text = join(dir, 'text.csv');
    writeFileSync(text, 'a,b,y\n1,x,1\nfoo,y,0\n');
    expect(
      (await cli(['train', numeric, '--label', 'y', '--validation', '0', '--out', join(dir, 'ok.json')]))
        .code,
    ).toBe(0);
    cases.push(
      [
        ['train', constant, '--label', 'y', '--validation', '0', '--out', join(dir, 'x.json')],
        'AEQ_DATA_CONSTANT_TARGET',
      ],
      [
        ['train', allMissing, '--label', 'y', '--validation', '0', '--out', join(dir, 'x.json')],
        'AEQ_DATA_MISSING_VALUES',
      ],
      [['predict', join(dir, 'ok.json'), text, '--out', join(dir, 'x.csv')], 'AEQ_DATA_TYPE'],
    );
    for (const [argv, code] of cases) {
      const r = await cli(argv);
      expect([argv[0], r.code]).toEqual([argv[0], 2]);
      expect(r.stderr).toContain(`(${code})`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
