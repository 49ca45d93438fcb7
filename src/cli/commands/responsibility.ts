/**
 * @module cli/commands/responsibility
 * `aequa responsibility MODEL DATA --label y --sensitive sex`: where do a model's errors and harms
 * concentrate, and which stage of the pipeline does its disparity come from? Prints the ranked
 * slices with the highest error, the error-analysis tree, the exact split of the selection-rate gap
 * into data / model / threshold, and with `--train FILE --learner NAME` the counterfactual re-runs
 * (reweighed data, sensitive column dropped) with their Shapley shares of the gap.
 */
import { join } from 'node:path';
import {
  type CounterfactualStages,
  counterfactualStages,
  decomposeGap,
  type ErrorTreeNode,
  errorTree,
  findSlices,
  type GapDecomposition,
  type SliceReport,
} from '../../accountability/index.js';
import { groupCodes } from '../../bias/index.js';
import { AequaError } from '../../core/index.js';
import { isValidAt, missingCount, resolvePositive, toBinary } from '../../data/index.js';
import { learnerByName, parseParams } from '../../models/index.js';
import {
  type CommandSpec,
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
import { safeText } from '../render/table.js';

export const responsibilityCommand: CommandSpec = {
  name: 'responsibility',
  summary:
    "Responsibility attribution: slices where a model's errors concentrate, an error-analysis tree, and which pipeline stage a disparity comes from.",
  usage: 'aequa responsibility <model> <data file> --label y --sensitive sex [--train FILE --learner NAME]',
  options: {
    label: { type: 'string', description: 'Label column', placeholder: 'COL' },
    positive: {
      type: 'string',
      multiple: true,
      description: 'Label value(s) meaning positive',
      placeholder: 'V',
    },
    sensitive: {
      type: 'string',
      description: 'Sensitive column for the stage attribution',
      placeholder: 'COL',
    },
    reference: {
      type: 'string',
      description: 'Reference group (default: the largest)',
      placeholder: 'GROUP',
    },
    group: {
      type: 'string',
      description: 'Group compared with the reference (default: the furthest)',
      placeholder: 'GROUP',
    },
    features: {
      type: 'string',
      multiple: true,
      description: 'Columns to slice on (default: the model features and the sensitive column)',
      placeholder: 'COLS',
    },
    threshold: {
      type: 'string',
      description: 'Decision threshold on the score',
      placeholder: 'T',
      default: '0.5',
    },
    'min-size': { type: 'string', description: 'Smallest slice or leaf', placeholder: 'N', default: '30' },
    top: { type: 'string', description: 'Slices listed', placeholder: 'K', default: '10' },
    depth: { type: 'string', description: 'Depth of the error tree', placeholder: 'D', default: '3' },
    train: {
      type: 'string',
      description: 'Training data: also re-fit the pipeline with each stage neutralised',
      placeholder: 'FILE',
    },
    learner: {
      type: 'string',
      description: 'Learner for the re-fits (logistic, tree, gbdt, mlp, …)',
      placeholder: 'NAME',
    },
    param: {
      type: 'string',
      multiple: true,
      description: 'Learner parameter key=value (repeatable)',
      placeholder: 'K=V',
    },
    seed: { type: 'string', description: 'Seed for the re-fits', placeholder: 'N', default: '42' },
    format: { type: 'string', description: 'table or json', placeholder: 'FMT', default: 'table' },
    out: { type: 'string', description: 'Also write responsibility.json to this folder', placeholder: 'DIR' },
    ...LOAD_OPTIONS,
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa responsibility adult-logistic.json examples/data/adult-test.csv --label income --sensitive sex',
    'aequa responsibility adult-logistic.json examples/data/adult-test.csv --label income --sensitive sex --train examples/data/adult-train.csv --learner logistic',
  ],
};

/** The JSON document of `aequa responsibility`. */
export interface ResponsibilityResult {
  readonly schemaVersion: 1;
  readonly model: string;
  readonly rows: number;
  readonly errorRate: number;
  readonly slices: SliceReport;
  readonly tree: ErrorTreeNode;
  readonly gap: GapDecomposition;
  readonly counterfactual?: CounterfactualStages;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const pp = (x: number): string => `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(1)} pp`;

function renderTree(node: ErrorTreeNode, indent: string, out: string[]): void {
  const last = node.path[node.path.length - 1];
  const ci = node.interval ? ` [${pct(node.interval[0])}, ${pct(node.interval[1])}]` : '';
  out.push(`${indent}${last ? safeText(last) : 'all rows'}: ${node.size} rows, error ${pct(node.loss)}${ci}`);
  if (node.children) for (const c of node.children) renderTree(c, `${indent}  `, out);
}

function renderText(r: ResponsibilityResult, top: number): string {
  const out: string[] = [];
  out.push(
    `aequa responsibility · ${safeText(r.model)} · ${r.rows} rows · error rate ${pct(r.errorRate)}`,
    '',
  );
  out.push(`Slices with the highest error (${r.slices.tested} tested, BH-adjusted p):`);
  const shown = r.slices.slices.slice(0, top);
  if (shown.length === 0) out.push('  none is worse than the rest');
  const w = Math.max(5, ...shown.map((s) => [...safeText(s.description)].length));
  for (const s of shown) {
    const ci = s.interval ? `[${pct(s.interval[0])}, ${pct(s.interval[1])}]` : '';
    out.push(
      `  ${safeText(s.description).padEnd(w)}  ${String(s.size).padStart(6)} rows  error ${pct(s.loss).padStart(6)} ${ci.padEnd(16)} vs rest ${pct(s.complementLoss).padStart(6)}  p=${s.adjustedPValue.toExponential(1)}${s.significant ? ' *' : ''}`,
    );
  }
  out.push('', 'Error tree:');
  renderTree(r.tree, '  ', out);
  const g = r.gap;
  out.push(
    '',
    `Selection-rate gap ${safeText(g.group)} − ${safeText(g.reference)}: ${pp(g.gaps.decision)}, of which`,
    `  data (label base rates)       ${pp(g.stages.data)}`,
    `  model (scores beyond labels)  ${pp(g.stages.model)}`,
    `  threshold (decisions beyond scores) ${pp(g.stages.threshold)}`,
  );
  if (r.counterfactual) {
    const c = r.counterfactual;
    out.push('', 'Counterfactual re-fits (demographic parity difference on this data, accuracy):');
    for (const [name, run] of Object.entries(c.runs))
      out.push(`  ${name.padEnd(10)} gap ${pct(run.gap).padStart(6)}  accuracy ${pct(run.accuracy)}`);
    out.push(
      `Shares of the baseline gap ${pct(c.runs.baseline.gap)}: data imbalance ${pp(c.shares.data)}, sensitive input ${pp(c.shares.sensitiveInput)}, remaining ${pp(c.shares.remaining)}`,
    );
  }
  return `${out.join('\n')}\n`;
}

export async function runResponsibility(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'responsibility';
  const { values, positionals } = parseCommandArgs(responsibilityCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(responsibilityCommand));
    return 0;
  }
  if (positionals.length !== 2)
    throw usageError(
      'Give a model and a data file: aequa responsibility MODEL DATA --label y --sensitive s.',
      cmd,
    );
  const label = stringFlag(values.label);
  const sensitive = stringFlag(values.sensitive);
  if (!label) throw usageError('--label is required: the column with the true outcome.', cmd);
  if (!sensitive) throw usageError('--sensitive is required: the column whose groups are compared.', cmd);
  const format = stringFlag(values.format) ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw usageError(`--format must be table or json, got "${format}".`, cmd);
  const threshold = numberFlag(values.threshold, 'threshold', cmd) ?? 0.5;
  const minSize = numberFlag(values['min-size'], 'min-size', cmd) ?? 30;
  const top = numberFlag(values.top, 'top', cmd) ?? 10;
  const depth = numberFlag(values.depth, 'depth', cmd) ?? 3;
  const seed = numberFlag(values.seed, 'seed', cmd) ?? 42;
  const trainPath = stringFlag(values.train);
  const learnerName = stringFlag(values.learner);
  if ((trainPath === undefined) !== (learnerName === undefined))
    throw usageError(
      '--train and --learner go together: the re-fits need both the training data and a learner.',
      cmd,
    );

  const { loadAnyModel } = await import('../../models/adapters/index.js');
  const { loadTable } = await import('../../data/io/index.js');
  const model = await loadAnyModel(positionals[0]!);
  if (model.task !== 'binary')
    throw new AequaError(
      'AEQ_INVALID_ARGUMENT',
      `aequa responsibility needs a binary classifier; the model is ${model.task}.`,
      {
        hint: 'Use a model that predicts the probability of a positive class.',
      },
    );
  const loadOpts = loadOptionsFromFlags(values, cmd);
  const loaded = await loadTable(positionals[1]!, loadOpts);
  const labelCol = loaded.column(label, 'label');
  // Default positive value: the model's positive class, which the training run already resolved.
  const given = multiFlag(values.positive);
  const positive = resolvePositive(labelCol, {
    name: label,
    role: 'label',
    positive: given.length ? given : model.classes.slice(1, 2),
  }).positive;
  // A row without a label can be neither right nor wrong: leave it out of every figure.
  const unlabelled = missingCount(labelCol);
  let table = loaded;
  if (unlabelled > 0) {
    const keep: number[] = [];
    for (let i = 0; i < loaded.nrows; i++) if (isValidAt(labelCol, i)) keep.push(i);
    table = loaded.take(Uint32Array.from(keep));
    io.stderr(`note: ${unlabelled} row(s) without a value in "${label}" left out.\n`);
  }
  const y = toBinary(table.column(label, 'label'), positive);
  const scores = await model.predictProba(table);
  const n = table.nrows;
  const decisions = new Uint8Array(n);
  const errors = new Float64Array(n);
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    decisions[i] = scores[i]! >= threshold ? 1 : 0;
    errors[i] = decisions[i] === y.values[i] ? 0 : 1;
    wrong += errors[i]!;
  }
  const listed = listFlag(values.features);
  const features = listed.length
    ? listed
    : [...new Set([...model.features, sensitive])].filter((f) => table.has(f));
  const slices = findSlices(table, errors, { features, minSize, topK: Math.max(top, 20) });
  const tree = errorTree(table, errors, { features, minLeaf: minSize, maxDepth: depth });
  const reference = stringFlag(values.reference);
  const group = stringFlag(values.group);
  const gap = decomposeGap({
    labels: y.values,
    scores,
    decisions,
    groups: groupCodes(table, [sensitive]),
    ...(reference ? { reference } : {}),
    ...(group ? { group } : {}),
  });
  let counterfactual: CounterfactualStages | undefined;
  if (trainPath && learnerName) {
    const train = await loadTable(trainPath, loadOpts);
    const learner = learnerByName(learnerName, parseParams(multiFlag(values.param)));
    counterfactual = await counterfactualStages({
      train,
      test: table,
      learner,
      label,
      positive,
      sensitive,
      features: [...new Set([...model.features, sensitive])],
      threshold,
      seed,
    });
  }
  const result: ResponsibilityResult = {
    schemaVersion: 1,
    model: positionals[0]!,
    rows: n,
    errorRate: wrong / n,
    slices,
    tree,
    gap,
    ...(counterfactual ? { counterfactual } : {}),
  };
  const json = `${JSON.stringify(result, null, 2)}\n`;
  io.stdout(format === 'json' ? json : renderText(result, top));
  const outDir = stringFlag(values.out);
  if (outDir) await writeFileAtomic(join(outDir, 'responsibility.json'), json);
  await withLedger('responsibility', argv, values, positionals, io, {
    rows: n,
    errorRate: result.errorRate,
    topSlices: slices.slices
      .slice(0, 5)
      .map((s) => ({ slice: s.description, size: s.size, errorRate: s.loss })),
    gap: { group: gap.group, reference: gap.reference, decision: gap.gaps.decision, stages: gap.stages },
    ...(counterfactual ? { counterfactualShares: counterfactual.shares } : {}),
  });
  return 0;
}
