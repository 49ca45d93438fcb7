/**
 * @module cli/commands/mitigate
 * `aequa mitigate TRAIN --test TEST --label y --sensitive sex --learner logistic --method M[,M…]
 * --constraint C --eps E[,E…]`: fits the unmitigated baseline and each chosen mitigation (pre-processing,
 * the reductions of Agarwal et al. 2018, or post-processing), audits each on the test file with the
 * core audit (expected rates for randomized models), prints a before/after table and, with --out,
 * writes the chosen model and a JSON/Markdown report with the accuracy–disparity trade-off.
 */
import { join } from 'node:path';
import { audit } from '../../audit.js';
import { AequaError, seededRng } from '../../core/index.js';
import { cellString, resolvePositive, type Table, toBinary } from '../../data/index.js';
import type { AuditResult } from '../../metrics/index.js';
import {
  CONSTRAINTS,
  type ConstraintName,
  correlationRemover,
  disparateImpactRemover,
  expectedOutcomes,
  exponentiatedGradient,
  gridSearch,
  massaging,
  postProcessedModel,
  rejectOptionClassification,
  resample,
  reweighing,
  thresholdOptimizer,
} from '../../mitigation/index.js';
import {
  LEARNERS,
  type Learner,
  learnerByName,
  type Model,
  parseParams,
  type SavableModel,
  saveModelJSON,
} from '../../models/index.js';
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
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';

const METHODS = {
  'exponentiated-gradient': 'reductions: exponentiated gradient (randomized classifier)',
  'grid-search': 'reductions: grid search over Lagrange multipliers',
  'threshold-optimizer': 'post-processing: group thresholds (Hardt et al. 2016)',
  'reject-option': 'post-processing: reject option classification (Kamiran et al. 2012)',
  reweighing: 'pre-processing: reweighing (Kamiran & Calders 2012)',
  resample: 'pre-processing: oversample group × label cells',
  massaging: 'pre-processing: relabel (massaging)',
  'disparate-impact-remover': 'pre-processing: repair number features (Feldman et al. 2015)',
  'correlation-remover': 'pre-processing: decorrelate number features from the sensitive attribute',
} as const;
type Method = keyof typeof METHODS;

const CONSTRAINT_FLAGS: Readonly<
  Record<
    string,
    {
      name: ConstraintName;
      post: 'demographic_parity' | 'equalized_odds' | 'true_positive_rate_parity' | null;
    }
  >
> = {
  'demographic-parity': { name: 'demographicParity', post: 'demographic_parity' },
  'equalized-odds': { name: 'equalizedOdds', post: 'equalized_odds' },
  'true-positive-rate-parity': { name: 'truePositiveRateParity', post: 'true_positive_rate_parity' },
  'false-positive-rate-parity': { name: 'falsePositiveRateParity', post: null },
  'error-rate-parity': { name: 'errorRateParity', post: null },
};

export const mitigateCommand: CommandSpec = {
  name: 'mitigate',
  summary:
    'Mitigate unfairness: fit a baseline and one or more mitigation methods, compare accuracy and disparity on a test file, save the chosen model.',
  usage:
    'aequa mitigate <train file> --test FILE --label COL --sensitive COL --method M[,M…] [--constraint C] [--eps E[,E…]] [--out DIR]',
  options: {
    test: { type: 'string', description: 'Test file the methods are compared on', placeholder: 'FILE' },
    label: { type: 'string', description: 'Label column', placeholder: 'COL' },
    positive: {
      type: 'string',
      multiple: true,
      description: 'Label value meaning positive',
      placeholder: 'VALUE',
    },
    sensitive: { type: 'string', description: 'Sensitive column', placeholder: 'COL' },
    learner: {
      type: 'string',
      description: Object.keys(LEARNERS).join(' | '),
      placeholder: 'NAME',
      default: 'logistic',
    },
    params: {
      type: 'string',
      multiple: true,
      description: 'Learner parameter, e.g. C=0.5',
      placeholder: 'K=V',
    },
    exclude: {
      type: 'string',
      multiple: true,
      description: 'Columns to leave out of the features',
      placeholder: 'COLS',
    },
    method: {
      type: 'string',
      multiple: true,
      description: Object.keys(METHODS).join(' | '),
      placeholder: 'M,…',
    },
    constraint: {
      type: 'string',
      description: Object.keys(CONSTRAINT_FLAGS).join(' | '),
      placeholder: 'C',
      default: 'demographic-parity',
    },
    eps: {
      type: 'string',
      description: 'Constraint slack(s) of the reductions',
      placeholder: 'E,…',
      default: '0.01',
    },
    'max-iter': {
      type: 'string',
      description: 'Exponentiated gradient iteration limit',
      placeholder: 'N',
      default: '50',
    },
    'grid-size': { type: 'string', description: 'Grid search points', placeholder: 'N', default: '10' },
    objective: {
      type: 'string',
      description: 'Threshold optimizer: accuracy | balanced_accuracy',
      placeholder: 'OBJ',
      default: 'accuracy',
    },
    seed: { type: 'string', description: 'Random seed', placeholder: 'N', default: '0' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    out: {
      type: 'string',
      description: 'Directory for the chosen model and the reports',
      placeholder: 'DIR',
    },
    ...LOAD_OPTIONS,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    "aequa mitigate examples/data/adult-train.csv --test examples/data/adult-test.csv --label income --positive '>50K' --sensitive sex --method exponentiated-gradient,threshold-optimizer --constraint demographic-parity --eps 0.01 --out reports/adult-mitigate",
  ],
};

/** Test-set figures of one model. */
export interface MitigationFigures {
  readonly accuracy: number | null;
  readonly balancedAccuracy: number | null;
  readonly [disparity: string]: number | null;
}

/** One row of the comparison. */
export interface MitigationRun {
  readonly method: Method | 'baseline';
  readonly eps: number | null;
  readonly test: MitigationFigures;
  readonly fitSeconds: number;
  /** Training-data disparity and whether the constraint was met (reductions only). */
  readonly trainDisparity?: number;
  readonly satisfied?: boolean;
}

function figures(r: AuditResult, sensitive: string, disparity: string): MitigationFigures {
  const d = r.byFeature[sensitive]?.disparities[disparity];
  return {
    accuracy: r.overall.accuracy ?? null,
    balancedAccuracy: r.overall.balancedAccuracy ?? null,
    [disparity]: d?.value ?? null,
    ...(d?.ci ? { [`${disparity}Low`]: d.ci[0], [`${disparity}High`]: d.ci[1] } : {}),
  };
}

export async function runMitigate(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'mitigate';
  const { values, positionals } = parseCommandArgs(mitigateCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(mitigateCommand));
    return 0;
  }
  const label = stringFlag(values.label);
  const sensitive = stringFlag(values.sensitive);
  const testFile = stringFlag(values.test);
  if (!label) throw usageError('--label is required: the column to predict.', cmd);
  if (!sensitive)
    throw usageError('--sensitive is required: the column whose groups must be treated alike.', cmd);
  if (!testFile) throw usageError('--test is required: the file the methods are compared on.', cmd);
  if (positionals.length !== 1) throw usageError('Give exactly one training data file.', cmd);
  const methods = listFlag(values.method) as Method[];
  if (methods.length === 0)
    throw usageError(`--method is required: one or more of ${Object.keys(METHODS).join(', ')}.`, cmd);
  for (const m of methods)
    if (!(m in METHODS))
      throw usageError(`Unknown method "${m}". Methods: ${Object.keys(METHODS).join(', ')}.`, cmd);
  const cflag = stringFlag(values.constraint) ?? 'demographic-parity';
  const cspec = CONSTRAINT_FLAGS[cflag];
  if (!cspec)
    throw usageError(
      `Unknown constraint "${cflag}". Constraints: ${Object.keys(CONSTRAINT_FLAGS).join(', ')}.`,
      cmd,
    );
  const epsList = listFlag(values.eps ?? '0.01').map((s) => {
    const x = Number(s);
    if (!(x > 0) || !Number.isFinite(x))
      throw usageError(`--eps must be a number > 0 (the allowed slack), got "${s}".`, cmd);
    return x;
  });
  const intFlag = (f: string, d: number): number =>
    numberFlag(values[f], f, cmd, (x) => (Number.isInteger(x) && x >= 1 ? null : 'must be an integer ≥ 1')) ??
    d;
  const maxIter = intFlag('max-iter', 50);
  const gridSize = intFlag('grid-size', 10);
  const seed =
    numberFlag(values.seed, 'seed', cmd, (x) => (Number.isInteger(x) ? null : 'must be an integer')) ?? 0;
  const objective = stringFlag(values.objective) ?? 'accuracy';
  if (objective !== 'accuracy' && objective !== 'balanced_accuracy')
    throw usageError(`--objective must be accuracy or balanced_accuracy, got "${objective}".`, cmd);
  const learnerName = stringFlag(values.learner) ?? 'logistic';
  const makeLearner = (): Learner => learnerByName(learnerName, parseParams(multiFlag(values.params)));
  makeLearner();
  const load = loadOptionsFromFlags(values, cmd);
  const { loadTable } = await import('../../data/io/index.js');
  const train = await loadTable(positionals[0]!, load);
  const test = await loadTable(testFile, load);
  const exclude = new Set(listFlag(values.exclude));
  for (const c of exclude) train.column(c, '--exclude');
  const features = train.names.filter((c) => c !== label && !exclude.has(c));
  const positiveFlag = multiFlag(values.positive);
  const pv = resolvePositive(train.column(label, '--label'), {
    ...(positiveFlag.length ? { positive: positiveFlag } : {}),
    name: label,
    role: 'label',
  });
  const positive = [...pv.positive];
  const disparity = CONSTRAINTS[cspec.name]().disparity;
  const fitOpts = { features, positive, seed };

  const evaluate = async (model: Model, t: Table): Promise<MitigationFigures> => {
    const p = await model.predictProba(t);
    const data = expectedOutcomes(t, p, { prediction: '__aequa_prediction', weight: '__aequa_weight' });
    const r = await audit({
      data,
      label,
      prediction: '__aequa_prediction',
      weight: '__aequa_weight',
      positive,
      sensitive: [sensitive],
      minGroupSize: 0,
    });
    return figures(r, sensitive, disparity);
  };
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await f();
    return [v, Math.round(performance.now() - t0) / 1000];
  };

  const [baseModel, baseSec] = await timed(() => makeLearner().fit(train, label, fitOpts));
  const runs: MitigationRun[] = [
    { method: 'baseline', eps: null, test: await evaluate(baseModel, test), fitSeconds: baseSec },
  ];
  const models: Model[] = [baseModel];
  const yTrain = Float64Array.from(toBinary(train.column(label), positive).values);
  const groupsTrain = Array.from({ length: train.nrows }, (_, i) =>
    cellString(train.column(sensitive, '--sensitive'), i),
  );
  const numberFeatures = features.filter((f) => f !== sensitive && train.column(f).kind === 'number');
  for (const method of methods) {
    const reductionsLike = method === 'exponentiated-gradient' || method === 'grid-search';
    for (const eps of reductionsLike ? epsList : [null]) {
      let model: Model;
      let extra: Partial<MitigationRun> = {};
      let evalTable = test;
      const [, sec] = await timed(async () => {
        switch (method) {
          case 'exponentiated-gradient':
          case 'grid-search': {
            const c = CONSTRAINTS[cspec.name]({ eps: eps! });
            const common = { label, positive, sensitive, features, seed };
            const r =
              method === 'exponentiated-gradient'
                ? await exponentiatedGradient(makeLearner(), c, train, { ...common, maxIter })
                : await gridSearch(makeLearner(), c, train, { ...common, gridSize });
            model = r.model;
            extra = { trainDisparity: r.train.disparity, satisfied: r.satisfied };
            break;
          }
          case 'threshold-optimizer':
          case 'reject-option': {
            const scores = await baseModel.predictProba(train);
            if (method === 'threshold-optimizer') {
              if (cspec.post === null)
                throw usageError(
                  `threshold-optimizer supports demographic-parity, equalized-odds and true-positive-rate-parity, not ${cflag}.`,
                  cmd,
                );
              const r = thresholdOptimizer(scores, yTrain, groupsTrain, {
                constraint: cspec.post,
                objective: objective as 'accuracy' | 'balanced_accuracy',
                sensitive,
              });
              model = postProcessedModel(baseModel, r.rule, { sensitive });
            } else {
              const r = rejectOptionClassification(scores, yTrain, groupsTrain, {
                metric:
                  cflag === 'equalized-odds'
                    ? 'equalized_odds'
                    : cflag === 'true-positive-rate-parity'
                      ? 'equal_opportunity'
                      : 'demographic_parity',
              });
              model = postProcessedModel(baseModel, r.rule, { sensitive });
            }
            break;
          }
          case 'reweighing': {
            const w = reweighing(train, { label, positive, sensitive }).weights;
            model = await makeLearner().fit(train, label, { ...fitOpts, sampleWeight: w });
            break;
          }
          case 'resample': {
            const r = resample(train, {
              label,
              positive,
              sensitive,
              strategy: 'oversample',
              rng: seededRng(seed).fork('resample'),
            });
            model = await makeLearner().fit(r.table, label, fitOpts);
            break;
          }
          case 'massaging': {
            const r = await massaging(train, { label, positive, sensitive, features });
            model = await makeLearner().fit(r.table, label, fitOpts);
            break;
          }
          case 'disparate-impact-remover':
          case 'correlation-remover': {
            if (numberFeatures.length === 0)
              throw usageError(`${method} needs number features; the data has none besides the label.`, cmd);
            const repair = (t: Table): Table =>
              method === 'disparate-impact-remover'
                ? disparateImpactRemover(t, { sensitive, features: numberFeatures }).table
                : correlationRemover(t, { sensitive, features: numberFeatures }).table;
            const fitted = await makeLearner().fit(repair(train), label, fitOpts);
            model = fitted;
            // Each file is repaired on its own groups (as AIF360 does for test data).
            evalTable = repair(test);
            break;
          }
        }
      });
      models.push(model!);
      runs.push({ method, eps, test: await evaluate(model!, evalTable), fitSeconds: sec, ...extra });
    }
  }
  const before = runs[0]!.test;
  const chosenIdx = 1;
  const after = runs[chosenIdx]!;
  const result = {
    schemaVersion: '1.0.0',
    command: 'mitigate',
    learner: learnerName,
    constraint: cflag,
    disparity,
    eps: epsList.length === 1 ? epsList[0] : epsList,
    method: after.method,
    sensitive,
    trainRows: train.nrows,
    testRows: test.nrows,
    before,
    after: after.test,
    runs,
  };
  let modelPath: string | null = null;
  const outDir = stringFlag(values.out);
  if (outDir) {
    const chosen = models[chosenIdx]! as Partial<SavableModel>;
    if (typeof chosen.toJSON === 'function') {
      modelPath = join(outDir, 'model.json');
      await writeFileAtomic(modelPath, saveModelJSON(chosen as SavableModel));
    }
    await writeFileAtomic(
      join(outDir, 'report.json'),
      `${JSON.stringify({ ...result, model: modelPath }, null, 2)}\n`,
    );
    await writeFileAtomic(
      join(outDir, 'report.md'),
      markdown(result.runs, disparity, cflag, learnerName, sensitive),
    );
  }
  if (stringFlag(values.format) === 'json')
    io.stdout(`${JSON.stringify({ ...result, model: modelPath }, null, 2)}\n`);
  else
    io.stdout(
      table(
        runs,
        disparity,
        `aequa mitigate · ${learnerName} · ${cflag} by ${sensitive} · test ${test.nrows} rows`,
        modelPath,
      ),
    );
  // A method that missed its constraint is reported; only the chosen (first) one failing is an error.
  for (const r of runs.slice(2))
    if (r.satisfied === false)
      io.stderr(
        `warning: ${r.method} (eps ${r.eps}) did not meet ${cflag} on the training data; best reachable disparity ${r.trainDisparity?.toPrecision(4)}.\n`,
      );
  if (after.satisfied === false)
    throw new AequaError(
      'AEQ_MITIGATION_INFEASIBLE',
      `${after.method} could not bring ${cflag} within eps = ${after.eps} on the training data; the best reachable disparity is ${after.trainDisparity?.toPrecision(4)} (the comparison above shows what it reached).`,
      {
        hint: `Raise --eps to at least ${after.trainDisparity?.toPrecision(3)}, raise --max-iter or --grid-size, or try another learner or method.`,
        details: { method: after.method, eps: after.eps, bestDisparity: after.trainDisparity },
      },
    );
  return 0;
}

const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toFixed(4));

function table(
  runs: readonly MitigationRun[],
  disparity: string,
  title: string,
  modelPath: string | null,
): string {
  const head = ['method', 'eps', 'accuracy', 'balanced acc.', disparity, 'fit s'];
  const rows = runs.map((r) => [
    r.method,
    r.eps === null ? '' : String(r.eps),
    fmt(r.test.accuracy),
    fmt(r.test.balancedAccuracy),
    fmt(r.test[disparity]),
    r.fitSeconds.toFixed(2),
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, j) => (j < 2 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ');
  return `${[title, '', line(head), line(w.map((x) => '─'.repeat(x))), ...rows.map(line), ...(modelPath ? ['', `chosen model written to ${modelPath}`] : [])].join('\n')}\n`;
}

function markdown(
  runs: readonly MitigationRun[],
  disparity: string,
  constraint: string,
  learner: string,
  sensitive: string,
): string {
  const lines = [
    `# Mitigation: ${constraint} by ${sensitive} (${learner})`,
    '',
    'Test-set accuracy and disparity of the unmitigated baseline and each method (expected rates for randomized models). Each row is a point of the accuracy–disparity trade-off.',
    '',
    `| method | eps | accuracy | balanced accuracy | ${disparity} | training disparity | fit s |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map(
      (r) =>
        `| ${r.method} | ${r.eps ?? ''} | ${fmt(r.test.accuracy)} | ${fmt(r.test.balancedAccuracy)} | ${fmt(r.test[disparity])} | ${fmt(r.trainDisparity)} | ${r.fitSeconds.toFixed(2)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
