/**
 * @module cli/commands/train
 * `aequa train data.csv --label y --learner logistic|linear|mlp|tree|gbdt [--params k=v…] --out model.json`:
 * fits a built-in learner on a seeded, stratified training split, prints validation metrics and
 * writes the model (and, with --onnx, an ONNX export). No learning logic here.
 */
import { Adder, seededRng } from '../../core/index.js';
import { type Table, toBinary } from '../../data/index.js';
import { rocAuc, scoreHistogram } from '../../metrics/index.js';
import {
  accuracyScore,
  f1Score,
  LEARNERS,
  type Learner,
  learnerByName,
  logLoss,
  meanSquaredError,
  parseParams,
  type SavableModel,
  saveModelJSON,
  trainTestSplit,
} from '../../models/index.js';
import { DpSgdModel, type DpSgdOptions, dpSgd } from '../../privacy/index.js';
import {
  type CommandSpec,
  choiceFlag,
  commandHelp,
  listFlag,
  multiFlag,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION, withLedger } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';
import { cliProgressBar } from '../render/progress.js';

export const trainCommand: CommandSpec = {
  name: 'train',
  summary:
    'Train a built-in model: fit on a training split, report validation metrics, save the model as JSON (and ONNX).',
  usage:
    'aequa train <data file> --label COL [--learner logistic|linear|mlp|tree|gbdt] [--params k=v …] --out model.json',
  options: {
    label: { type: 'string', description: 'Target column', placeholder: 'COL' },
    positive: {
      type: 'string',
      multiple: true,
      description: 'Target value meaning the positive class',
      placeholder: 'VALUE',
    },
    learner: {
      type: 'string',
      description: Object.entries(LEARNERS)
        .map(([k]) => k)
        .join(' | '),
      placeholder: 'NAME',
      default: 'logistic',
    },
    params: {
      type: 'string',
      multiple: true,
      description: 'Learner parameter, e.g. C=0.5 or hidden=32,16',
      placeholder: 'K=V',
    },
    features: {
      type: 'string',
      multiple: true,
      description: 'Feature columns (default: all but the label and weight)',
      placeholder: 'COLS',
    },
    exclude: {
      type: 'string',
      multiple: true,
      description: 'Columns to leave out of the features (e.g. sensitive attributes)',
      placeholder: 'COLS',
    },
    weight: { type: 'string', description: 'Sample-weight column', placeholder: 'COL' },
    validation: {
      type: 'string',
      description: 'Share of rows held out for validation',
      placeholder: 'FRACTION',
      default: '0.2',
    },
    'validation-data': {
      type: 'string',
      description: 'A separate validation file (instead of a split)',
      placeholder: 'FILE',
    },
    seed: {
      type: 'string',
      description: 'Random seed (split, initialisation, subsampling)',
      placeholder: 'N',
      default: '0',
    },
    out: {
      type: 'string',
      description: 'Where to write the model JSON',
      placeholder: 'FILE',
      default: 'model.json',
    },
    onnx: { type: 'string', description: 'Also export the model to ONNX here', placeholder: 'FILE' },
    dp: {
      type: 'boolean',
      description: 'Train with DP-SGD (logistic or mlp): clipped, noised gradients, ε recorded in the model',
    },
    epsilon: { type: 'string', description: 'DP-SGD: target ε (σ is chosen for it)', placeholder: 'EPS' },
    delta: { type: 'string', description: 'DP-SGD: δ (default 1e-5)', placeholder: 'DELTA' },
    'max-grad-norm': {
      type: 'string',
      description: 'DP-SGD: per-example gradient clipping norm C (default 1)',
      placeholder: 'C',
    },
    epochs: { type: 'string', description: 'DP-SGD: passes over the data (default 10)', placeholder: 'E' },
    'batch-size': {
      type: 'string',
      description: 'DP-SGD: expected (Poisson) batch size (default 256)',
      placeholder: 'B',
    },
    'dp-noise': {
      type: 'string',
      description:
        'DP-SGD noise: float (continuous Gaussian, default) | discrete (floating-point safe; accounting assumes the subsampled discrete Gaussian is no worse than the continuous one)',
      placeholder: 'KIND',
    },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    ...LOAD_OPTIONS,
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    "aequa train examples/data/adult-train.csv --label income --positive '>50K' --learner gbdt --exclude sex,race --out adult-gbdt.json",
    'aequa train examples/data/german-credit.csv --label credit_risk --positive good --learner logistic --params penalty=l1 --params C=0.5',
    "aequa train examples/data/adult-train.csv --label income --positive '>50K' --dp --epsilon 3 --delta 1e-5 --max-grad-norm 1 --epochs 5",
  ],
};

export interface ValidationMetrics {
  readonly rows: number;
  readonly accuracy?: number;
  readonly f1?: number;
  readonly rocAuc?: number | null;
  readonly logLoss?: number;
  readonly rmse?: number;
  readonly mae?: number;
}

/** Scores a fitted model on held-out rows. */
export async function validate(model: SavableModel, table: Table, label: string): Promise<ValidationMetrics> {
  const p = await model.predictProba(table);
  const n = table.nrows;
  const col = table.column(label);
  if (model.task === 'regression') {
    if (col.kind !== 'number')
      throw usageError(`The label "${label}" must be numeric for a regression model.`, 'train');
    const ae = new Adder();
    for (let i = 0; i < n; i++) ae.add(Math.abs(p[i]! - col.values[i]!));
    return { rows: n, rmse: Math.sqrt(meanSquaredError(col.values, p)), mae: ae.value / n };
  }
  if (model.task === 'binary') {
    const y = toBinary(col, [model.classes[1]!]).values;
    const yPred = new Float64Array(n);
    for (let i = 0; i < n; i++) yPred[i] = p[i]! >= 0.5 ? 1 : 0;
    return {
      rows: n,
      accuracy: accuracyScore(y, yPred),
      f1: f1Score(y, yPred),
      rocAuc: rocAuc(scoreHistogram(p, y)).value,
      logLoss: logLoss(y, p),
    };
  }
  const k = model.classes.length;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    const actual =
      col.kind === 'category'
        ? col.levels[col.codes[i]!]
        : String(col.kind === 'number' ? col.values[i] : col.values[i] === 1);
    if (model.classes[best] === actual) correct++;
  }
  return { rows: n, accuracy: correct / n };
}

const DP_PARAMS = ['hidden', 'activation', 'optimizer', 'learningRate', 'weightDecay'];

/** The DP-SGD learner of `aequa train --dp` from the flags (the budget) and --params (the model). */
function dpLearner(
  name: string,
  params: Record<string, unknown>,
  values: Record<string, string | boolean | string[] | undefined>,
): Learner {
  const cmd = 'train';
  if (name !== 'logistic' && name !== 'mlp')
    throw usageError(
      `--dp trains a logistic or mlp model, not "${name}". Pass --learner logistic or --learner mlp.`,
      cmd,
    );
  for (const k of Object.keys(params))
    if (!DP_PARAMS.includes(k))
      throw usageError(`--params ${k} is not a DP-SGD parameter; use ${DP_PARAMS.join(', ')}.`, cmd);
  const positive = (x: number) => (x > 0 && Number.isFinite(x) ? null : 'must be a finite number > 0');
  const epsilon = numberFlag(values.epsilon, 'epsilon', cmd, positive);
  if (epsilon === undefined)
    throw usageError('--dp needs --epsilon: the privacy budget, e.g. --epsilon 3.', cmd);
  const delta =
    numberFlag(values.delta, 'delta', cmd, (x) => (x > 0 && x < 1 ? null : 'must be in (0, 1)')) ?? 1e-5;
  const maxGradNorm = numberFlag(values['max-grad-norm'], 'max-grad-norm', cmd, positive) ?? 1;
  const epochs = numberFlag(values.epochs, 'epochs', cmd, positive) ?? 10;
  const batchSize =
    numberFlag(values['batch-size'], 'batch-size', cmd, (x) =>
      Number.isInteger(x) && x >= 1 ? null : 'must be an integer ≥ 1',
    ) ?? 256;
  const noise = stringFlag(values['dp-noise']) ?? 'float';
  if (noise !== 'discrete' && noise !== 'float')
    throw usageError(`--dp-noise must be discrete or float, not "${noise}".`, cmd);
  return dpSgd({
    ...(params as DpSgdOptions),
    model: name,
    epsilon,
    delta,
    maxGradNorm,
    epochs,
    batchSize,
    noise,
  });
}

export async function runTrain(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(trainCommand, argv);
  const cmd = 'train';
  if (values.help) {
    io.stdout(commandHelp(trainCommand));
    return 0;
  }
  const label = stringFlag(values.label);
  if (!label) throw usageError('--label is required: the column to predict.', cmd);
  if (positionals.length !== 1) throw usageError('Give exactly one training data file.', cmd);
  const format = choiceFlag(values.format, ['table', 'json'] as const, 'format', cmd) ?? 'table';
  const learnerName = stringFlag(values.learner) ?? 'logistic';
  const seed =
    numberFlag(values.seed, 'seed', cmd, (x) => (Number.isInteger(x) ? null : 'must be an integer')) ?? 0;
  if (!values.dp)
    for (const f of ['epsilon', 'delta', 'max-grad-norm', 'epochs', 'batch-size', 'dp-noise'] as const)
      if (values[f] !== undefined) throw usageError(`--${f} applies to DP-SGD training: add --dp.`, cmd);
  const learner = values.dp
    ? dpLearner(learnerName, parseParams(multiFlag(values.params)), values)
    : learnerByName(learnerName, parseParams(multiFlag(values.params)));
  const frac =
    numberFlag(values.validation, 'validation', cmd, (x) => (x >= 0 && x < 1 ? null : 'must be in [0, 1)')) ??
    0.2;
  const load = loadOptionsFromFlags(values, cmd);
  const { loadTable } = await import('../../data/io/index.js');
  const data = await loadTable(positionals[0]!, load);
  const weight = stringFlag(values.weight);
  const exclude = new Set(listFlag(values.exclude));
  const explicit = listFlag(values.features);
  for (const c of [...explicit, ...exclude])
    data.column(c, explicit.includes(c) ? '--features' : '--exclude');
  const features = (
    explicit.length ? explicit : data.names.filter((c) => c !== label && c !== weight)
  ).filter((c) => !exclude.has(c));
  const positive = multiFlag(values.positive);

  let train = data;
  let valid: Table | null = null;
  const vfile = stringFlag(values['validation-data']);
  if (vfile) valid = await loadTable(vfile, load);
  else if (frac > 0) {
    const labelCol = data.column(label, '--label');
    const strat =
      labelCol.kind === 'number' && learnerName === 'linear'
        ? undefined
        : Int32Array.from({ length: data.nrows }, (_, i) =>
            labelCol.valid && !labelCol.valid.isValid(i)
              ? -1
              : labelCol.kind === 'category'
                ? labelCol.codes[i]!
                : Math.round(labelCol.values[i]! * 1000),
          );
    const split = trainTestSplit(data.nrows, {
      testSize: frac,
      ...(strat ? { stratify: strat } : {}),
      rng: seededRng(seed).fork('train-split'),
    });
    train = data.take(split.train);
    valid = data.take(split.test);
  }

  const bar = cliProgressBar(io);
  const t0 = performance.now();
  let model: SavableModel;
  try {
    model = (await learner.fit(train, label, {
      features,
      seed,
      ...(weight ? { sampleWeight: weight } : {}),
      ...(positive.length ? { positive } : {}),
      onProgress: (p) => bar.update(p),
    })) as SavableModel;
  } finally {
    bar.finish();
  }
  const fitMs = performance.now() - t0;
  const metrics = valid ? await validate(model, valid, label) : null;
  const out = stringFlag(values.out) ?? 'model.json';
  await writeFileAtomic(out, saveModelJSON(model));
  const onnxPath = stringFlag(values.onnx);
  if (onnxPath) {
    const { exportOnnx } = await import('../../models/index.js');
    await writeFileAtomic(onnxPath, exportOnnx(model instanceof DpSgdModel ? model.inner : model));
  }
  const privacy = model instanceof DpSgdModel ? model.privacy : undefined;
  const summary = {
    learner: privacy ? `dp-sgd ${learnerName}` : learnerName,
    ...(privacy ? { privacy } : {}),
    task: model.task,
    classes: model.classes,
    features: model.features.length,
    trainRows: train.nrows,
    fitSeconds: Math.round(fitMs) / 1000,
    validation: metrics,
    model: out,
    ...(onnxPath ? { onnx: onnxPath } : {}),
  };
  if (format === 'json') io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const f = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(4));
    const lines = [
      `aequa train · ${summary.learner} · ${model.task}${model.task === 'binary' ? ` (positive: ${model.classes[1]})` : ''} · ${model.features.length} features · ${train.nrows} training rows · ${summary.fitSeconds} s`,
    ];
    if (metrics) {
      lines.push(`validation (${metrics.rows} rows):`);
      for (const [k, v] of Object.entries(metrics))
        if (k !== 'rows') lines.push(`  ${k.padEnd(10)} ${f(v as number | null)}`);
    }
    if (privacy)
      lines.push(
        `privacy: ε = ${privacy.epsilon === null ? '∞ (no noise)' : privacy.epsilon.toFixed(3)} spent at δ = ${privacy.delta} (RDP accountant; σ = ${privacy.noiseMultiplier.toPrecision(4)}, q = ${privacy.sampleRate.toPrecision(4)}, ${privacy.steps} steps, C = ${privacy.maxGradNorm ?? '∞'})`,
      );
    lines.push(`model written to ${out}${onnxPath ? ` and ${onnxPath}` : ''}`);
    io.stdout(`${lines.join('\n')}\n`);
  }
  await withLedger('train', argv, values, positionals, io, summary, [out, ...(onnxPath ? [onnxPath] : [])]);
  return 0;
}
