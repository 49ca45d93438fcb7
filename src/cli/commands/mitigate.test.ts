import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { loadTable } from '../../data/io/index.js';
import '../../mitigation/index.js';
import {
  exportOnnx,
  type Learner,
  loadModelJSON,
  logisticRegression,
  type Model,
  saveModelJSON,
} from '../../models/index.js';
import type { MitigationReport } from '../../report/index.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';
import { chooseRun, compareMitigations, parseGroupRule, runMitigate } from './mitigate.js';

/*
 * Synthetic credit data with a strong group effect: x ~ N(0, 1) + 0.8 for group "b",
 * z ~ N(0, 1) noise, y = 1 when x + 0.5 z + N(0, 0.7) > 0.4. Group b has a much higher base rate,
 * so the unmitigated model selects b far more often. Train 800 rows, test 600 rows.
 */
let dir: string;
let trainCsv: string;
let testCsv: string;

function synth(n: number, seed: number): string {
  const rng = seededRng(seed);
  const normal = () => {
    const u = Math.max(rng.nextFloat64(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat64());
  };
  const lines = ['g,x,z,y'];
  for (let i = 0; i < n; i++) {
    const b = rng.nextFloat64() < 0.4;
    const x = normal() + (b ? 0.8 : 0);
    const z = normal();
    const y = x + 0.5 * z + 0.7 * normal() > 0.4 ? 'yes' : 'no';
    lines.push(`${b ? 'b' : 'a'},${x.toFixed(5)},${z.toFixed(5)},${y}`);
  }
  return `${lines.join('\n')}\n`;
}

function capture(): CapturedIo {
  return captureIo();
}

const base = () => [trainCsv, '--test', testCsv, '--label', 'y', '--sensitive', 'g', '--no-ledger'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aequa-mitigate-unit-'));
  trainCsv = join(dir, 'train.csv');
  testCsv = join(dir, 'test.csv');
  await writeFile(trainCsv, synth(800, 1));
  await writeFile(testCsv, synth(600, 2));
  await writeFile(join(dir, 'one-group.csv'), 'g,x,y\na,0.1,yes\na,0.5,no\na,1.5,yes\na,-1,no\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Test figures recomputed from a model's probabilities, without the audit: rates by group. */
async function recompute(model: Model, test: Table, randomized: boolean) {
  const p = await model.predictProba(test);
  const y = test.column('y');
  const g = test.column('g');
  if (y.kind !== 'category' || g.kind !== 'category') throw new Error('fixture columns');
  let correct = 0;
  const sel = new Map<string, { s: number; n: number }>();
  for (let i = 0; i < test.nrows; i++) {
    const d = randomized ? p[i]! : p[i]! >= 0.5 ? 1 : 0; // P(decision = 1)
    const yi = y.levels[y.codes[i]!] === 'yes' ? 1 : 0;
    correct += yi === 1 ? d : 1 - d;
    const key = g.levels[g.codes[i]!]!;
    const e = sel.get(key) ?? { s: 0, n: 0 };
    e.s += d;
    e.n += 1;
    sel.set(key, e);
  }
  const rates = [...sel.values()].map((e) => e.s / e.n);
  return { accuracy: correct / test.nrows, dp: Math.max(...rates) - Math.min(...rates) };
}

describe('aequa mitigate on synthetic data', () => {
  let report: MitigationReport;
  let io: ReturnType<typeof capture>;
  const out = () => join(dir, 'out');

  beforeAll(async () => {
    io = capture();
    const code = await runMitigate(
      [
        ...base(),
        '--method',
        'reweighing,threshold-optimizer,exponentiated-gradient',
        '--eps',
        '0.02,0.1',
        '--format',
        'json',
        '--choose',
        'lowest-disparity',
        '--out',
        out(),
      ],
      io,
    );
    expect(code).toBe(0);
    report = JSON.parse(io.out()) as MitigationReport;
  }, 60_000);

  it('prints the JSON contract: before and after with accuracy, balanced accuracy and the audit disparity name', () => {
    expect(report.schemaVersion).toBe('1.0.0');
    expect(report.constraint).toBe('demographic-parity');
    expect(report.disparity).toBe('demographicParityDifference');
    for (const f of [report.before, report.after]) {
      expect(typeof f.accuracy).toBe('number');
      expect(typeof f.balancedAccuracy).toBe('number');
      expect(typeof f.demographicParityDifference).toBe('number');
    }
    // One baseline, one reweighing, one threshold optimizer and EG at two slacks.
    expect(report.runs.map((r) => [r.method, r.eps])).toEqual([
      ['baseline', null],
      ['reweighing', null],
      ['threshold-optimizer', null],
      ['exponentiated-gradient', 0.02],
      ['exponentiated-gradient', 0.1],
    ]);
    expect(report.before).toEqual(report.runs[0]!.test);
    expect(report.after).toEqual(report.runs[report.chosen]!.test);
    expect(report.method).toBe(report.runs[report.chosen]!.method);
  });

  it('finds the baseline unfair and the threshold optimizer much fairer on the test data', () => {
    const dp = (i: number) => report.runs[i]!.test.demographicParityDifference as number;
    // The group shift of 0.8 sd moves b's selection rate far above a's.
    expect(dp(0)).toBeGreaterThan(0.2);
    // Exact parity on 800 training rows; on 600 test rows allow 0.1 (group rate sd ≈ 0.03).
    expect(dp(2)).toBeLessThan(0.1);
    // EG at eps 0.02 bounds the training gap to 0.04; same 0.1 of test slack.
    expect(dp(3)).toBeLessThan(0.1);
  });

  it('chooses the run with the lowest absolute test disparity', () => {
    const best = report.runs
      .slice(1)
      .reduce((b, r) =>
        Math.abs(r.test.demographicParityDifference as number) <
        Math.abs(b.test.demographicParityDifference as number)
          ? r
          : b,
      );
    expect(report.chosen).toBe(best.index);
    expect(report.choice).toBe('lowest-disparity');
  });

  it('saves the chosen model, whose re-scored test figures match the report', async () => {
    const model = loadModelJSON(await readFile(join(out(), 'model.json'), 'utf8'));
    const test = await loadTable(testCsv);
    const randomized = model.kind === 'randomized' || model.kind === 'postprocessed';
    const r = await recompute(model, test, randomized);
    // Same arithmetic in a different order: agree to 1e-12.
    expect(report.after.accuracy).toBeCloseTo(r.accuracy, 12);
    expect(report.after.demographicParityDifference).toBeCloseTo(r.dp, 12);
  });

  it('reports the deterministic reweighing model at the 0.5 threshold, not as a randomized one', async () => {
    // Refit the reweighed model outside the CLI is not needed: the baseline is the plain learner.
    const test = await loadTable(testCsv);
    const train = await loadTable(trainCsv);
    const m = await logisticRegression().fit(train, 'y', {
      features: ['g', 'x', 'z'],
      positive: ['yes'],
      seed: 0,
    });
    const r = await recompute(m, test, false);
    expect(report.before.accuracy).toBeCloseTo(r.accuracy, 12);
    expect(report.before.demographicParityDifference).toBeCloseTo(r.dp, 12);
  });

  it('gives 95% intervals: Wilson for accuracy, containing each value', () => {
    const f = report.before;
    const acc = f.accuracy as number;
    const n = report.testRows;
    // Wilson: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964.
    const z = 1.959964;
    const c = (acc + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const h = (z * Math.sqrt((acc * (1 - acc)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
    expect(f.ci?.accuracy?.[0]).toBeCloseTo(c - h, 5);
    expect(f.ci?.accuracy?.[1]).toBeCloseTo(c + h, 5);
    for (const k of ['balancedAccuracy', 'demographicParityDifference']) {
      const [lo, hi] = f.ci![k]!;
      expect(lo).toBeLessThanOrEqual(f[k] as number);
      expect(hi).toBeGreaterThanOrEqual(f[k] as number);
    }
  });

  it('marks the Pareto front: no front run is beaten on both accuracy and disparity', () => {
    const pts = report.runs.map((r) => ({
      a: r.test.accuracy as number,
      d: Math.abs(r.test.demographicParityDifference as number),
    }));
    for (const i of report.paretoFront)
      for (const q of pts)
        expect(q.a >= pts[i]!.a && q.d <= pts[i]!.d && (q.a > pts[i]!.a || q.d < pts[i]!.d)).toBe(false);
    // The most accurate run and the fairest run are always on the front.
    const mostAccurate = pts.reduce((b, p, i) => (p.a > pts[b]!.a ? i : b), 0);
    expect(report.paretoFront).toContain(mostAccurate);
  });

  it('writes report.html with the trade-off chart, report.md and report.json', async () => {
    const html = await readFile(join(out(), 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg role="img"');
    expect(html).toContain('Pareto');
    expect(html).not.toContain('<script');
    const md = await readFile(join(out(), 'report.md'), 'utf8');
    expect(md).toContain('| 2 | threshold-optimizer |');
    const json = JSON.parse(await readFile(join(out(), 'report.json'), 'utf8'));
    expect(json.runs).toHaveLength(5);
  });

  it('matches schemas/mitigation.schema.json', async () => {
    const schema = JSON.parse(
      await readFile(new URL('../../../schemas/mitigation.schema.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, before: { accuracy: 'high' } })).toBe(false);
  });

  it('prints a before/after table and the runs in the terminal', async () => {
    const t = capture();
    const code = await runMitigate(
      [...base(), '--method', 'threshold-optimizer', '--ci', '0', '--choose', 'pareto-knee'],
      t,
    );
    expect(code).toBe(0);
    const text = t.out();
    expect(text).toContain('before (baseline)');
    expect(text).toMatch(/1\*\s+threshold-optimizer/);
  }, 30_000);
});

describe('aequa mitigate with the in-processing methods and calibrated equalized odds', () => {
  it('runs fair-logistic once per λ, with a gap that shrinks as λ grows, and the other new methods', async () => {
    const io = capture();
    const code = await runMitigate(
      [
        ...base(),
        '--method',
        'fair-logistic,adversarial,calibrated-eq-odds',
        '--lambda',
        '0,20',
        '--ci',
        '0',
        '--format',
        'json',
      ],
      io,
    );
    expect(code).toBe(0);
    const r = JSON.parse(io.out()) as MitigationReport;
    expect(r.runs.map((x) => [x.method, x.lambda])).toEqual([
      ['baseline', null],
      ['fair-logistic', 0],
      ['fair-logistic', 20],
      ['adversarial', null],
      ['calibrated-eq-odds', null],
    ]);
    const dp = (i: number) => r.runs[i]!.test.demographicParityDifference as number;
    // λ = 20 weighs the squared gap of group mean probabilities heavily: the decision gap must shrink.
    expect(dp(2)).toBeLessThan(dp(1));
    for (const x of r.runs) expect(x.test.accuracy).toBeGreaterThan(0.5);
  }, 60_000);

  it('runs LFR, whose saved model scores raw rows and narrows the gap on the test data', async () => {
    const io = capture();
    const code = await runMitigate([...base(), '--method', 'lfr', '--ci', '0', '--format', 'json'], io);
    expect(code).toBe(0);
    const r = JSON.parse(io.out()) as MitigationReport;
    expect(r.runs.map((x) => x.method)).toEqual(['baseline', 'lfr']);
    const dp = (i: number) => Math.abs(r.runs[i]!.test.demographicParityDifference as number);
    expect(dp(1)).toBeLessThan(dp(0));
    expect(r.runs[1]!.test.accuracy).toBeGreaterThan(0.5);
  }, 60_000);

  it('refuses a negative λ', async () => {
    await expect(
      runMitigate([...base(), '--method', 'fair-logistic', '--lambda=-1'], capture()),
    ).rejects.toMatchObject({ code: 'AEQ_CLI_USAGE', message: expect.stringContaining('--lambda') });
  });
});

describe('aequa mitigate: bad input exits 2 with a clear message', () => {
  const run = (args: string[]) => runMitigate([...base(), ...args], capture());

  it('refuses eps ≤ 0', async () => {
    for (const eps of ['0', '-0.1', '0.01,0']) {
      await expect(run(['--method', 'exponentiated-gradient', `--eps=${eps}`])).rejects.toMatchObject({
        code: 'AEQ_CLI_USAGE',
        message: expect.stringContaining('--eps must be a number > 0'),
      });
    }
  });

  it('suggests the nearest method for an unknown one', async () => {
    await expect(run(['--method', 'reweigh'])).rejects.toMatchObject({
      code: 'AEQ_CLI_USAGE',
      message: expect.stringContaining('Did you mean "reweighing"?'),
    });
  });

  it('refuses a sensitive attribute with a single group', async () => {
    const one = join(dir, 'one-group.csv');
    await expect(
      runMitigate(
        [one, '--test', one, '--label', 'y', '--sensitive', 'g', '--method', 'reweighing', '--no-ledger'],
        capture(),
      ),
    ).rejects.toMatchObject({
      code: 'AEQ_MITIGATION_SINGLE_GROUP',
      message: expect.stringContaining('1 group in the training data ("a")'),
    });
  });

  it('reports the best reachable disparity when the constraint cannot be met, instead of looping', async () => {
    const io = capture();
    // A grid of one point is λ = 0, the unconstrained fit: far from a gap of 1e-6.
    await expect(
      runMitigate(
        [...base(), '--method', 'grid-search', '--eps', '0.000001', '--grid-size', '1', '--format', 'json'],
        io,
      ),
    ).rejects.toMatchObject({
      code: 'AEQ_MITIGATION_INFEASIBLE',
      message: expect.stringContaining('best reachable disparity'),
    });
    const r = JSON.parse(io.out()) as MitigationReport;
    expect(r.runs[1]!.satisfied).toBe(false);
    expect(r.runs[1]!.trainDisparity).toBeGreaterThan(0.000001);
  }, 30_000);

  it('refuses a learner that ignores sample weights, for the reductions and for reweighing', async () => {
    const train = await loadTable(trainCsv);
    const test = await loadTable(testCsv);
    const deaf: Learner = {
      kind: 'deaf',
      fit: (t, target, opts = {}) => {
        const { sampleWeight: _ignored, ...rest } = opts;
        return logisticRegression().fit(t, target, rest);
      },
    };
    for (const method of ['exponentiated-gradient', 'reweighing'] as const)
      await expect(
        compareMitigations({
          train,
          test,
          label: 'y',
          positive: ['yes'],
          sensitive: 'g',
          features: ['g', 'x', 'z'],
          learner: () => deaf,
          methods: [method],
          constraint: 'demographic-parity',
          eps: [0.02],
          maxIter: 10,
          gridSize: 5,
          objective: 'accuracy',
          seed: 0,
          confidence: null,
        }),
      ).rejects.toMatchObject({ code: 'AEQ_MITIGATION_WEIGHTS_IGNORED' });
  }, 30_000);

  it('refuses an unknown --choose and an out-of-range run number', () => {
    const runs = [0, 1].map((index) => ({
      index,
      method: index ? 'm' : 'baseline',
      eps: null,
      lambda: null,
      test: { accuracy: 0.8, balancedAccuracy: 0.7, d: 0.1 },
      fitSeconds: 0,
    }));
    expect(() => chooseRun(runs, 'd', 'knee')).toThrow(/Did you mean "pareto-knee"/);
    expect(() => chooseRun(runs, 'd', '5')).toThrow(/numbered 0 \(baseline\) to 1/);
    expect(chooseRun(runs, 'd', '0')).toBe(0);
  });
});

/** Expected rates per group of P(ŷ = 1) = p on a table with columns g (a/b) and y (yes/no), by plain loops. */
function groupRates(p: Float64Array, t: Table) {
  const y = t.column('y');
  const g = t.column('g');
  if (y.kind !== 'category' || g.kind !== 'category') throw new Error('fixture columns');
  const out: Record<string, { n: number; sel: number; pos: number; tp: number; neg: number; fp: number }> =
    {};
  for (let i = 0; i < t.nrows; i++) {
    const k = g.levels[g.codes[i]!]!;
    const e = (out[k] ??= { n: 0, sel: 0, pos: 0, tp: 0, neg: 0, fp: 0 });
    const yes = y.levels[y.codes[i]!] === 'yes';
    e.n++;
    e.sel += p[i]!;
    if (yes) {
      e.pos++;
      e.tp += p[i]!;
    } else {
      e.neg++;
      e.fp += p[i]!;
    }
  }
  return out;
}

describe('aequa mitigate --model: post-processing any model', () => {
  let train: Table;
  let test: Table;
  let base: Model;
  let modelJson: string;
  const features = ['x', 'z'];
  const run = async (args: string[]) => {
    const io = capture();
    const code = await runMitigate([...(await baseArgs()), ...args, '--format', 'json', '--ci', '0'], io);
    expect(code).toBe(0);
    return { report: JSON.parse(io.out()) as MitigationReport, io };
  };
  const baseArgs = async () => [
    trainCsv,
    '--test',
    testCsv,
    '--label',
    'y',
    '--sensitive',
    'g',
    '--no-ledger',
  ];

  beforeAll(async () => {
    train = await loadTable(trainCsv);
    test = await loadTable(testCsv);
    base = await logisticRegression().fit(train, 'y', { features, positive: ['yes'] });
    modelJson = join(dir, 'given.json');
    await writeFile(modelJson, saveModelJSON(base as Parameters<typeof saveModelJSON>[0]));
  });

  it('uses a saved built-in model as the baseline, without fitting, and reaches the target TPR in every group', async () => {
    const out = join(dir, 'given-out');
    const { report } = await run([
      '--model',
      modelJson,
      '--method',
      'group-thresholds',
      '--rule',
      'target-tpr:0.8',
      '--out',
      out,
    ]);
    expect(report.runs.map((r) => r.method)).toEqual(['baseline', 'group-thresholds']);
    expect(report.runs[0]!.fitSeconds).toBe(0);
    expect(report.learner).toBe(`model ${modelJson}`);
    // The baseline is the given model: its test accuracy at 0.5, recomputed by hand.
    const r0 = await recompute(base, test, false);
    expect(report.before.accuracy).toBeCloseTo(r0.accuracy, 12);
    // The saved post-processed model reaches TPR 0.8 exactly (in expectation) in each group on the
    // training data: the boundary score is randomized, so only floating point separates them (1e-9).
    const saved = loadModelJSON(await readFile(join(out, 'model.json'), 'utf8'));
    const q = groupRates(await saved.predictProba(train), train);
    for (const k of ['a', 'b']) expect(q[k]!.tp / q[k]!.pos).toBeCloseTo(0.8, 9);
  });

  it('post-processes an ONNX export with the threshold optimizer and writes the rule when the model cannot be saved as JSON', async () => {
    const onnx = join(dir, 'given.onnx');
    await writeFile(onnx, exportOnnx(base as Parameters<typeof exportOnnx>[0]));
    const out = join(dir, 'onnx-out');
    const { report, io } = await run([
      '--model',
      onnx,
      '--method',
      'threshold-optimizer,group-thresholds',
      '--rule',
      'top-k:a=50,b=40',
      '--out',
      out,
      '--choose',
      '2',
    ]);
    // ONNX computes in float32: scores differ from the JSON model's by ~1e-7, which can flip a row
    // sitting at 0.5; allow 2 of 600 rows.
    const r0 = await recompute(base, test, false);
    expect(Math.abs((report.before.accuracy as number) - r0.accuracy)).toBeLessThanOrEqual(2 / 600);
    expect(report.runs[1]!.test.demographicParityDifference as number).toBeLessThan(0.1);
    expect(report.model).toBeNull();
    const rule = JSON.parse(await readFile(join(out, 'rule.json'), 'utf8'));
    expect(rule.model).toBe(onnx);
    expect(rule.rule.method).toBe('per-group-topK');
    expect(io.err()).toContain('rule.json');
  });

  it('post-processes a JS module model, whose baseline matches its formula', async () => {
    const mod = join(dir, 'given.mjs');
    await writeFile(
      mod,
      "export const features = ['x'];\nexport function predictProba(rows) { return rows.map((r) => 1 / (1 + Math.exp(-2 * (r.x - 0.4)))); }\n",
    );
    const { report } = await run([
      '--model',
      mod,
      '--method',
      'calibrated-eq-odds,reject-option,threshold-optimizer',
    ]);
    expect(report.runs.map((r) => r.method)).toEqual([
      'baseline',
      'calibrated-eq-odds',
      'reject-option',
      'threshold-optimizer',
    ]);
    // By hand: the module predicts yes when x ≥ 0.4 (sigmoid ≥ 0.5).
    const x = test.column('x');
    const y = test.column('y');
    if (x.kind !== 'number' || y.kind !== 'category') throw new Error('fixture columns');
    let correct = 0;
    for (let i = 0; i < test.nrows; i++)
      correct += (x.values[i]! >= 0.4 ? 1 : 0) === (y.levels[y.codes[i]!] === 'yes' ? 1 : 0) ? 1 : 0;
    expect(report.before.accuracy).toBeCloseTo(correct / test.nrows, 12);
    expect(report.runs[3]!.test.demographicParityDifference as number).toBeLessThan(0.1);
  });

  it('applies fixed per-group thresholds exactly', async () => {
    const { report } = await run([
      '--model',
      modelJson,
      '--method',
      'group-thresholds',
      '--rule',
      'fixed:a=0.3,b=0.7',
    ]);
    // By hand: selection rate of each group = share of its test rows with score ≥ its threshold.
    const p = await base.predictProba(test);
    const d = new Float64Array(p.length);
    const g = test.column('g');
    if (g.kind !== 'category') throw new Error('fixture columns');
    for (let i = 0; i < p.length; i++) d[i] = p[i]! >= (g.levels[g.codes[i]!] === 'a' ? 0.3 : 0.7) ? 1 : 0;
    const q = groupRates(d, test);
    const dp = Math.abs(q.a!.sel / q.a!.n - q.b!.sel / q.b!.n);
    expect(report.runs[1]!.test.demographicParityDifference).toBeCloseTo(dp, 12);
  });

  it('refuses methods that need a learner when --model is given', async () => {
    for (const m of ['reweighing', 'exponentiated-gradient', 'threshold-optimizer,fair-logistic'])
      await expect(
        runMitigate([...(await baseArgs()), '--model', modelJson, '--method', m], capture()),
      ).rejects.toMatchObject({ code: 'AEQ_CLI_USAGE', message: expect.stringContaining('needs a learner') });
  });

  it('refuses group-thresholds without --rule, and --rule without group-thresholds', async () => {
    await expect(
      runMitigate([...(await baseArgs()), '--method', 'group-thresholds'], capture()),
    ).rejects.toMatchObject({ code: 'AEQ_CLI_USAGE', message: expect.stringContaining('needs --rule') });
    await expect(
      runMitigate([...(await baseArgs()), '--method', 'reweighing', '--rule', 'fixed:0.5'], capture()),
    ).rejects.toMatchObject({ code: 'AEQ_CLI_USAGE', message: expect.stringContaining('group-thresholds') });
  });
});

describe('parseGroupRule', () => {
  it('parses every documented form', () => {
    expect(parseGroupRule('fixed:0.4')).toEqual({ kind: 'fixed', threshold: 0.4 });
    expect(parseGroupRule('fixed:F=0.3,M=0.5')).toEqual({ kind: 'fixed', threshold: { F: 0.3, M: 0.5 } });
    expect(parseGroupRule('target-tpr:0.8')).toEqual({ kind: 'targetTpr', target: 0.8 });
    expect(parseGroupRule('target-fpr:0.1')).toEqual({ kind: 'targetFpr', target: 0.1 });
    expect(parseGroupRule('top-k:100')).toEqual({ kind: 'topK', k: 100 });
    expect(parseGroupRule('top-k:F=50,M=50')).toEqual({ kind: 'topK', k: { F: 50, M: 50 } });
  });

  it('refuses malformed rules with the accepted forms', () => {
    for (const bad of [
      '0.4',
      'target-tpr:1.5',
      'top-k:2.5',
      'top-k:F=',
      'fixed:=0.3',
      'fixd:0.4',
      'fixed:abc',
    ])
      expect(() => parseGroupRule(bad)).toThrow(/top-k:100/);
    expect(() => parseGroupRule('fixd:0.4')).toThrow(/did you mean "fixed"/);
  });
});
