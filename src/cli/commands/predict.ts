/**
 * @module cli/commands/predict
 * `aequa predict MODEL data.csv --out predictions.csv`: scores rows with any model (built-in
 * JSON, ONNX, an http(s) endpoint, a JS module) and writes the data back with `score` and
 * `prediction` columns, ready for `aequa audit --score score --threshold 0.5` or `--prediction prediction`.
 */
import { categoryColumn, numberColumn, type Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION, withLedger } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';

export const predictCommand: CommandSpec = {
  name: 'predict',
  summary:
    'Score a data file with a model (model.json, model.onnx, an http(s):// endpoint, a JS module or a transformers.js folder) and write predictions.',
  usage: 'aequa predict <model> <data file> --out predictions.csv [--threshold 0.5]',
  options: {
    out: {
      type: 'string',
      description: 'Output CSV: the input columns plus score and prediction',
      placeholder: 'FILE',
    },
    threshold: {
      type: 'string',
      description: 'Binary: predict positive when score ≥ threshold',
      placeholder: 'T',
      default: '0.5',
    },
    features: {
      type: 'string',
      multiple: true,
      description: 'Input columns, in order (for ONNX files not made by aequa, endpoints, modules)',
      placeholder: 'COLS',
    },
    'text-column': {
      type: 'string',
      description: 'Column holding the text (for a transformers.js model folder)',
      placeholder: 'COL',
    },
    'score-column': {
      type: 'string',
      description: 'Name of the score column',
      placeholder: 'NAME',
      default: 'score',
    },
    'prediction-column': {
      type: 'string',
      description: 'Name of the prediction column',
      placeholder: 'NAME',
      default: 'prediction',
    },
    ...LOAD_OPTIONS,
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: ['aequa predict adult-gbdt.json examples/data/adult-test.csv --out adult-scored.csv'],
};

/** Adds score and prediction columns (binary: P(positive) and 1/0; multiclass: per-class scores and the argmax class; regression: the value). */
function withPredictions(
  table: Table,
  model: Model,
  p: Float64Array,
  threshold: number,
  scoreName: string,
  predName: string,
): Table {
  const n = table.nrows;
  if (model.task === 'regression') return table.withColumn(predName, numberColumn(p));
  if (model.task === 'binary') {
    const pred = new Array<number>(n);
    for (let i = 0; i < n; i++) pred[i] = p[i]! >= threshold ? 1 : 0;
    return table.withColumn(scoreName, numberColumn(p)).withColumn(predName, numberColumn(pred));
  }
  const k = model.classes.length;
  let out = table;
  for (let c = 0; c < k; c++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = p[i * k + c]!;
    out = out.withColumn(`${scoreName}_${model.classes[c]}`, numberColumn(col));
  }
  const arg = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    arg[i] = model.classes[best]!;
  }
  return out.withColumn(predName, categoryColumn(arg));
}

export async function runPredict(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(predictCommand, argv);
  const cmd = 'predict';
  if (values.help) {
    io.stdout(commandHelp(predictCommand));
    return 0;
  }
  if (positionals.length !== 2)
    throw usageError('Give a model and a data file: aequa predict MODEL DATA --out FILE.', cmd);
  const out = stringFlag(values.out);
  if (!out) throw usageError('--out is required: where to write the predictions (CSV).', cmd);
  const threshold = numberFlag(values.threshold, 'threshold', cmd) ?? 0.5;
  const features = listFlag(values.features);
  const { loadAnyModel } = await import('../../models/adapters/index.js');
  const textColumn = stringFlag(values['text-column']);
  const model = await loadAnyModel(positionals[0]!, {
    ...(features.length ? { features } : {}),
    ...(textColumn ? { textColumn } : {}),
  });
  const { loadTable, formatCsv } = await import('../../data/io/index.js');
  const table = await loadTable(positionals[1]!, loadOptionsFromFlags(values, cmd));
  const p = await model.predictProba(table);
  const scored = withPredictions(
    table,
    model,
    p,
    threshold,
    stringFlag(values['score-column']) ?? 'score',
    stringFlag(values['prediction-column']) ?? 'prediction',
  );
  await writeFileAtomic(out, formatCsv(scored));
  io.stdout(`aequa predict · ${model.task} · ${table.nrows} rows scored · written to ${out}\n`);
  await withLedger('predict', argv, values, positionals, io, {
    task: model.task,
    rows: table.nrows,
    threshold,
    out,
  });
  return 0;
}
