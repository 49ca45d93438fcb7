/**
 * @module cli/commands/mitigate
 * `aequa mitigate TRAIN --test TEST --label y --sensitive sex --learner logistic --method M[,M…]
 * --constraint C --eps E[,E…]`: fits the unmitigated baseline and each chosen mitigation (pre-processing,
 * the reductions of Agarwal et al. 2018, https://arxiv.org/abs/1803.02453, or post-processing), audits
 * each on the test file with the core audit (expected rates for randomized models), prints a
 * before/after table and, with --out, writes the chosen model and JSON/Markdown/HTML reports with the
 * accuracy–disparity trade-off (Pareto chart). With --model, any given model (JSON, ONNX, HTTP, JS
 * module) is the baseline and only the post-processing methods run.
 */
import { join, resolve } from 'node:path';
import { audit } from '../../audit.js';
import { AequaError, closest, listSome, seededRng } from '../../core/index.js';
import { cellString, resolvePositive, type Table, toBinary } from '../../data/index.js';
import {
  type AuditResult,
  type Interval,
  normalQuantile,
  TOOL_VERSION,
  wilsonIntervalWeighted,
} from '../../metrics/index.js';
import {
  adversarialDebiasing,
  CONSTRAINTS,
  type ConstraintName,
  calibratedEqOddsModel,
  calibratedEqualizedOdds,
  correlationRemover,
  disparateImpactRemover,
  exponentiatedGradient,
  fairLogisticRegression,
  gridSearch,
  lfr,
  massaging,
  type PerGroupSpec,
  perGroupThresholds,
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
  type MitigationFigures,
  type MitigationReport,
  type MitigationRunReport,
  paretoFront,
  paretoKnee,
  renderMitigationHtml,
  renderMitigationMarkdown,
  runLabel,
} from '../../report/index.js';
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
import { progressBar } from '../render/progress.js';

/** The methods `--method` accepts, with their one-line descriptions. */
export const METHODS = {
  'exponentiated-gradient': 'reductions: exponentiated gradient (randomized classifier)',
  'grid-search': 'reductions: grid search over Lagrange multipliers',
  'threshold-optimizer': 'post-processing: group thresholds (Hardt et al. 2016)',
  'reject-option': 'post-processing: reject option classification (Kamiran et al. 2012)',
  reweighing: 'pre-processing: reweighing (Kamiran & Calders 2012)',
  resample: 'pre-processing: oversample group × label cells',
  massaging: 'pre-processing: relabel (massaging)',
  'disparate-impact-remover': 'pre-processing: repair number features (Feldman et al. 2015)',
  'correlation-remover': 'pre-processing: decorrelate number features from the sensitive attribute',
  'fair-logistic': 'in-processing: logistic regression with a group-gap penalty of weight --lambda',
  adversarial: 'in-processing: adversarial debiasing of an MLP (Zhang et al. 2018)',
  'calibrated-eq-odds': 'post-processing: calibrated equalized odds (Pleiss et al. 2017)',
  lfr: 'pre-processing: learning fair representations (Zemel et al. 2013); the saved model maps raw rows to the prediction',
  'group-thresholds':
    'post-processing: a plain per-group rule given by --rule (fixed threshold, target TPR/FPR, top-k per group)',
} as const;

/** The methods that only post-process a model's scores, so they also work on a given `--model`. */
const POST_METHODS: ReadonlySet<Method> = new Set<Method>([
  'threshold-optimizer',
  'reject-option',
  'calibrated-eq-odds',
  'group-thresholds',
]);

const RULE_FORMS =
  'fixed:0.4, fixed:F=0.3,M=0.5, target-tpr:0.8, target-fpr:0.1, top-k:100 or top-k:F=50,M=50';

/**
 * Parses `--rule` of the group-thresholds method: `fixed:T` or `fixed:G=T,…` (predict 1 when the
 * score ≥ T), `target-tpr:R` / `target-fpr:R` (the threshold reaching rate R in every group),
 * `top-k:K` or `top-k:G=K,…` (the K highest-scored rows of each group).
 * @throws {AEQ_USAGE} for another form, a rate outside [0, 1] or a k that is not an integer ≥ 0.
 * @example parseGroupRule('fixed:F=0.3,M=0.5') // { kind: 'fixed', threshold: { F: 0.3, M: 0.5 } }
 */
export function parseGroupRule(text: string): PerGroupSpec {
  const cmd = 'mitigate';
  const m = /^([a-z-]+):(.+)$/.exec(text.trim());
  const bad = (why: string) =>
    usageError(`--rule "${text}" is not a group rule: ${why}. Use one of ${RULE_FORMS}.`, cmd);
  if (!m) throw bad('expected KIND:VALUE');
  const [, kind, body] = m as unknown as [string, string, string];
  const num = (v: string, what: string, ok: (x: number) => boolean, expect: string): number => {
    const x = Number(v.trim());
    if (v.trim() === '' || !Number.isFinite(x) || !ok(x)) throw bad(`${what} "${v}" must be ${expect}`);
    return x;
  };
  const perGroup = (ok: (x: number) => boolean, expect: string): number | Record<string, number> => {
    if (!body.includes('=')) return num(body, 'the value', ok, expect);
    const out: Record<string, number> = {};
    for (const part of body.split(',')) {
      const eq = part.indexOf('=');
      const g = part.slice(0, eq).trim();
      if (eq <= 0 || g === '') throw bad(`"${part}" is not GROUP=VALUE`);
      out[g] = num(part.slice(eq + 1), `the value of group "${g}"`, ok, expect);
    }
    return out;
  };
  switch (kind) {
    case 'fixed':
      return { kind: 'fixed', threshold: perGroup(() => true, 'a number') };
    case 'target-tpr':
    case 'target-fpr': {
      const target = num(body, 'the target rate', (x) => x >= 0 && x <= 1, 'a rate in [0, 1]');
      return kind === 'target-tpr' ? { kind: 'targetTpr', target } : { kind: 'targetFpr', target };
    }
    case 'top-k':
      return { kind: 'topK', k: perGroup((x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0') };
    default: {
      const near = suggest(kind, ['fixed', 'target-tpr', 'target-fpr', 'top-k']);
      throw bad(`unknown kind "${kind}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  }
}
export type Method = keyof typeof METHODS;

/** How `--choose` picks the run whose model is saved and reported as "after". */
const CHOICES = ['first', 'best-accuracy', 'lowest-disparity', 'pareto-knee'] as const;

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

/** The nearest name: by edit distance, else the one that contains (or starts) what was typed. */
function suggest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return (
    closest(name, candidates) ??
    (lower.length >= 3 ? candidates.find((c) => c.startsWith(lower) || c.includes(lower)) : undefined)
  );
}

/** Model kinds whose `predictProba` is already the probability of a positive decision. */
const DECISION_KINDS: ReadonlySet<string> = new Set(['randomized', 'postprocessed']);

export const mitigateCommand: CommandSpec = {
  name: 'mitigate',
  summary:
    'Mitigate unfairness: fit a baseline and one or more mitigation methods, compare accuracy and disparity on a test file, save the chosen model.',
  usage:
    'aequa mitigate <train file> --test FILE --label COL --sensitive COL --method M[,M…] [--constraint C] [--eps E[,E…]] [--choose HOW] [--model MODEL] [--rule RULE] [--out DIR]',
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
      description: 'Constraint slack(s) of the reductions, each > 0',
      placeholder: 'E,…',
      default: '0.01',
    },
    lambda: {
      type: 'string',
      description: 'Penalty weight(s) of fair-logistic, each ≥ 0',
      placeholder: 'L,…',
      default: '1',
    },
    choose: {
      type: 'string',
      description: `Run to save: ${CHOICES.join(' | ')} | N (the # column)`,
      placeholder: 'HOW',
      default: 'first',
    },
    'max-iter': {
      type: 'string',
      description: 'Exponentiated gradient iteration limit',
      placeholder: 'N',
      default: '50',
    },
    'grid-size': { type: 'string', description: 'Grid search points', placeholder: 'N', default: '10' },
    model: {
      type: 'string',
      description:
        'Post-process this model instead of fitting --learner: model.json, model.onnx, an http(s):// endpoint or a JS module',
      placeholder: 'MODEL',
    },
    features: {
      type: 'string',
      multiple: true,
      description: 'Input columns of --model, in order (ONNX files not made by aequa, endpoints, modules)',
      placeholder: 'COLS',
    },
    rule: {
      type: 'string',
      description: `group-thresholds rule: ${RULE_FORMS}`,
      placeholder: 'RULE',
    },
    objective: {
      type: 'string',
      description: 'Threshold optimizer: accuracy | balanced_accuracy',
      placeholder: 'OBJ',
      default: 'accuracy',
    },
    ci: {
      type: 'string',
      description: 'Confidence level of the intervals, or 0 for none',
      placeholder: 'LEVEL',
      default: '0.95',
    },
    seed: { type: 'string', description: 'Random seed', placeholder: 'N', default: '0' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    out: {
      type: 'string',
      description: 'Directory for model.json, report.html, report.json and report.md',
      placeholder: 'DIR',
    },
    ...LOAD_OPTIONS,
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    "aequa mitigate examples/data/adult-train.csv --test examples/data/adult-test.csv --label income --positive '>50K' --sensitive sex --method exponentiated-gradient --constraint demographic-parity --eps 0.01 --format json --out reports/adult-eg",
    "aequa mitigate examples/data/adult-train.csv --test examples/data/adult-test.csv --label income --positive '>50K' --sensitive sex --method exponentiated-gradient,grid-search,threshold-optimizer,reweighing --eps 0.005,0.02,0.05 --choose pareto-knee --out reports/adult-tradeoff",
    "aequa mitigate examples/data/adult-train.csv --test examples/data/adult-test.csv --label income --positive '>50K' --sensitive sex --model adult.onnx --method threshold-optimizer,group-thresholds --rule target-tpr:0.8 --constraint equalized-odds",
  ],
};

/** What {@link compareMitigations} needs: the data, the learner and the runs to make. */
export interface CompareOptions {
  readonly train: Table;
  readonly test: Table;
  readonly label: string;
  readonly positive: readonly string[];
  readonly sensitive: string;
  readonly features: readonly string[];
  /** A fresh learner per fit. */
  readonly learner: () => Learner;
  /**
   * A fitted binary model (any kind: built-in, ONNX, HTTP, JS module) used as the baseline instead of
   * fitting `learner`; only the post-processing methods ({@link POST_METHODS}) can then run.
   */
  readonly baseModel?: Model;
  /** The rule of the group-thresholds method. */
  readonly rule?: PerGroupSpec;
  readonly methods: readonly Method[];
  /** Constraint flag, e.g. 'demographic-parity'. */
  readonly constraint: string;
  /** Slacks of the reductions (each run once per value). */
  readonly eps: readonly number[];
  /** Penalty weights of fair-logistic (each run once per value). @default [1] */
  readonly lambda?: readonly number[];
  readonly maxIter: number;
  readonly gridSize: number;
  readonly objective: 'accuracy' | 'balanced_accuracy';
  readonly seed: number;
  /** Interval level, or null for none. */
  readonly confidence: number | null;
  /** More audit disparities to report per run besides the constraint's (e.g. 'disparateImpact'). */
  readonly extraDisparities?: readonly string[];
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

/** The runs (index 0 = baseline), their models, and what went wrong without stopping. */
export interface Comparison {
  readonly disparity: string;
  readonly runs: MitigationRunReport[];
  readonly models: Model[];
  readonly warnings: string[];
}

/**
 * Test figures of a model: the core audit on its decisions (deterministic models: p ≥ 0.5;
 * randomized ones: each row with 0 < p < 1 split into a "1" copy of weight p and a "0" copy of weight
 * 1 − p, i.e. expected rates), with the constraint's disparity, accuracy and balanced accuracy.
 */
async function testFigures(
  model: Model,
  t: Table,
  o: Pick<CompareOptions, 'label' | 'positive' | 'sensitive' | 'confidence' | 'seed' | 'extraDisparities'>,
  disparity: string,
): Promise<MitigationFigures> {
  const p = await model.predictProba(t);
  const randomized = DECISION_KINDS.has((model as { kind?: string }).kind ?? '');
  const n = t.nrows;
  let extra = 0;
  if (randomized) for (let i = 0; i < n; i++) if (p[i]! > 0 && p[i]! < 1) extra++;
  const rows = new Uint32Array(n + extra);
  const pred = new Float64Array(n + extra);
  const w = new Float64Array(n + extra);
  let k = n;
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    rows[i] = i;
    if (!randomized || pi <= 0 || pi >= 1) {
      pred[i] = randomized ? (pi >= 1 ? 1 : 0) : pi >= 0.5 ? 1 : 0;
      w[i] = 1;
    } else {
      pred[i] = 1;
      w[i] = pi;
      rows[k] = i;
      pred[k] = 0;
      w[k] = 1 - pi;
      k++;
    }
  }
  const data = t
    .take(rows)
    .withColumn('__aequa_prediction', { kind: 'number', values: pred, valid: null })
    .withColumn('__aequa_weight', { kind: 'number', values: w, valid: null });
  const r: AuditResult = await audit({
    data,
    label: o.label,
    prediction: '__aequa_prediction',
    weight: '__aequa_weight',
    positive: [...o.positive],
    sensitive: [o.sensitive],
    minGroupSize: 0,
    ci: o.confidence ?? false,
    seed: o.seed,
  });
  const d = r.byFeature[o.sensitive]?.disparities[disparity];
  const acc = r.overall.accuracy ?? null;
  const ba = r.overall.balancedAccuracy ?? null;
  const ci: Record<string, Interval> = {};
  if (o.confidence !== null) {
    // Each test row is one observation, whatever the split: n for accuracy, the class sizes for BA.
    if (acc !== null) {
      const a = wilsonIntervalWeighted(acc, n, o.confidence);
      if (a) ci.accuracy = a;
    }
    const tpr = r.overall.truePositiveRate;
    const tnr = r.overall.trueNegativeRate;
    const y = toBinary(t.column(o.label), o.positive).values;
    let nPos = 0;
    for (let i = 0; i < n; i++) nPos += y[i]!;
    const nNeg = n - nPos;
    if (ba !== null && typeof tpr === 'number' && typeof tnr === 'number' && nPos > 0 && nNeg > 0) {
      const z = normalQuantile(1 - (1 - o.confidence) / 2);
      const se = 0.5 * Math.sqrt((tpr * (1 - tpr)) / nPos + (tnr * (1 - tnr)) / nNeg);
      ci.balancedAccuracy = [Math.max(0, ba - z * se), Math.min(1, ba + z * se)];
    }
    if (d?.ci) ci[disparity] = d.ci;
  }
  const more: Record<string, number | null> = {};
  for (const name of o.extraDisparities ?? []) {
    const e = r.byFeature[o.sensitive]?.disparities[name];
    more[name] = e?.value ?? null;
    if (e?.ci) ci[name] = e.ci;
  }
  return {
    accuracy: acc,
    balancedAccuracy: ba,
    [disparity]: d?.value ?? null,
    ...more,
    ...(o.confidence !== null ? { ci } : {}),
  };
}

/** The distinct values of the sensitive column (for the single-group check). */
function groupValues(t: Table, sensitive: string): string[] {
  const col = t.column(sensitive, '--sensitive');
  const seen = new Set<string>();
  for (let i = 0; i < t.nrows && seen.size < 2; i++) {
    if (col.valid !== null && !col.valid.isValid(i)) continue;
    const v = cellString(col, i);
    if (v !== null) seen.add(v);
  }
  return [...seen];
}

/**
 * Fits the baseline and every method (reductions once per eps), and measures each on the test table.
 * A reduction that misses its constraint is kept with `satisfied: false` and its best training
 * disparity, so the caller can report it instead of failing blind.
 *
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when the sensitive column has fewer than two groups.
 * @throws {AEQ_MITIGATION_WEIGHTS_IGNORED} when a method that works by sample weights (the reductions,
 *   reweighing) gets a learner that ignores them.
 * @example
 * const c = await compareMitigations({ train, test, label: 'y', positive: ['1'], sensitive: 'g', features,
 *   learner: () => logisticRegression(), methods: ['reweighing'], constraint: 'demographic-parity', eps: [0.01],
 *   maxIter: 50, gridSize: 10, objective: 'accuracy', seed: 0, confidence: null });
 * c.runs.map((r) => r.method) // ['baseline', 'reweighing']
 */
export async function compareMitigations(o: CompareOptions): Promise<Comparison> {
  const cspec = CONSTRAINT_FLAGS[o.constraint];
  if (!cspec)
    throw usageError(
      `Unknown constraint "${o.constraint}". Constraints: ${Object.keys(CONSTRAINT_FLAGS).join(', ')}.`,
      'mitigate',
    );
  const { train, test, label, sensitive, features, seed } = o;
  const positive = [...o.positive];
  if (o.baseModel) {
    const needLearner = o.methods.filter((m) => !POST_METHODS.has(m));
    if (needLearner.length > 0)
      throw usageError(
        `--model post-processes the given model, but ${needLearner.map((m) => `"${m}"`).join(', ')} ${needLearner.length === 1 ? 'needs' : 'need'} a learner to fit (or refit); with --model only ${[...POST_METHODS].join(', ')} can run.`,
        'mitigate',
      );
    if (o.baseModel.task !== 'binary')
      throw usageError(
        `--model must be a binary classifier (its scores are thresholded), but it is a ${o.baseModel.task} model.`,
        'mitigate',
      );
  }
  if (o.methods.includes('group-thresholds') && !o.rule)
    throw usageError(`group-thresholds needs --rule: one of ${RULE_FORMS}.`, 'mitigate');
  for (const [t, name] of [
    [train, 'training'],
    [test, 'test'],
  ] as const) {
    const g = groupValues(t, sensitive);
    if (g.length < 2)
      throw new AequaError(
        'AEQ_MITIGATION_SINGLE_GROUP',
        `The sensitive column "${sensitive}" has ${g.length} group${g.length === 1 ? '' : 's'} in the ${name} data (${listSome(g.map((x) => `"${x}"`)) || 'none'}); mitigation compares at least two groups.`,
        {
          hint: 'Choose a sensitive column with two or more groups, or check the filters that removed the other groups.',
          details: { column: sensitive, groups: g, data: name },
        },
      );
  }
  const disparity = CONSTRAINTS[cspec.name]().disparity;
  const fitOpts = { features, positive, seed };
  const warnings: string[] = [];
  const evaluate = (m: Model, t: Table) => testFigures(m, t, o, disparity);
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await f();
    return [v, Math.round(performance.now() - t0) / 1000];
  };
  const isReduction = (m: Method) => m === 'exponentiated-gradient' || m === 'grid-search';
  const lambdas = o.lambda ?? [1];
  const params = (m: Method): readonly (readonly [number | null, number | null])[] =>
    isReduction(m)
      ? o.eps.map((e) => [e, null] as const)
      : m === 'fair-logistic'
        ? lambdas.map((l) => [null, l] as const)
        : [[null, null]];
  const total = 1 + o.methods.reduce((s, m) => s + params(m).length, 0);
  let done = 0;
  const tick = (what: string) => o.onProgress?.({ label: what, done: ++done, total });

  const given = o.baseModel;
  const [baseModel, baseSec] = given ? [given, 0] : await timed(() => o.learner().fit(train, label, fitOpts));
  const runs: MitigationRunReport[] = [
    {
      index: 0,
      method: 'baseline',
      eps: null,
      lambda: null,
      test: await evaluate(baseModel, test),
      fitSeconds: baseSec,
    },
  ];
  tick('baseline');
  const models: Model[] = [baseModel];
  const yTrain = Float64Array.from(toBinary(train.column(label), positive).values);
  const sCol = train.column(sensitive, '--sensitive');
  const groupsTrain = Array.from({ length: train.nrows }, (_, i) => cellString(sCol, i));
  const numberFeatures = features.filter((f) => f !== sensitive && train.column(f).kind === 'number');
  let trainScores: Float64Array | null = null;
  const baseScores = async () => {
    trainScores ??= await baseModel.predictProba(train);
    return trainScores;
  };
  for (const method of o.methods) {
    for (const [eps, lambda] of params(method)) {
      let model: Model | undefined;
      let extra: Partial<MitigationRunReport> = {};
      let evalTable = test;
      const [, sec] = await timed(async () => {
        switch (method) {
          case 'exponentiated-gradient':
          case 'grid-search': {
            const c = CONSTRAINTS[cspec.name]({ eps: eps! });
            const common = { label, positive, sensitive, features, seed };
            const r =
              method === 'exponentiated-gradient'
                ? await exponentiatedGradient(o.learner(), c, train, { ...common, maxIter: o.maxIter })
                : await gridSearch(o.learner(), c, train, { ...common, gridSize: o.gridSize });
            model = r.model;
            extra = { trainDisparity: r.train.disparity, satisfied: r.satisfied };
            break;
          }
          case 'threshold-optimizer': {
            if (cspec.post === null)
              throw usageError(
                `threshold-optimizer supports demographic-parity, equalized-odds and true-positive-rate-parity, not ${o.constraint}.`,
                'mitigate',
              );
            const r = thresholdOptimizer(await baseScores(), yTrain, groupsTrain, {
              constraint: cspec.post,
              objective: o.objective,
              sensitive,
            });
            model = postProcessedModel(baseModel, r.rule, { sensitive });
            break;
          }
          case 'reject-option': {
            const r = rejectOptionClassification(await baseScores(), yTrain, groupsTrain, {
              metric:
                o.constraint === 'equalized-odds'
                  ? 'equalized_odds'
                  : o.constraint === 'true-positive-rate-parity'
                    ? 'equal_opportunity'
                    : 'demographic_parity',
            });
            model = postProcessedModel(baseModel, r.rule, { sensitive });
            break;
          }
          case 'fair-logistic': {
            model = await fairLogisticRegression({ sensitive, lambda: lambda! }).fit(train, label, fitOpts);
            break;
          }
          case 'adversarial': {
            const constraint = o.constraint === 'equalized-odds' ? 'equalized-odds' : 'demographic-parity';
            model = await adversarialDebiasing({ sensitive, constraint, seed }).fit(train, label, fitOpts);
            break;
          }
          case 'lfr': {
            // LFR's own model predicts from raw rows through the learned prototypes, so it saves and
            // scores like any model.
            model = lfr(train, {
              label,
              positive,
              sensitive,
              features: features.filter((f) => f !== sensitive),
              seed,
            }).model;
            break;
          }
          case 'group-thresholds': {
            const rule = perGroupThresholds(await baseScores(), yTrain, groupsTrain, o.rule!);
            model = postProcessedModel(baseModel, rule, { sensitive });
            break;
          }
          case 'calibrated-eq-odds': {
            const r = calibratedEqualizedOdds(await baseScores(), yTrain, groupsTrain);
            model = calibratedEqOddsModel(baseModel, r.rule, { sensitive, seed });
            break;
          }
          case 'reweighing': {
            const w = reweighing(train, { label, positive, sensitive }).weights;
            const fitted = await o.learner().fit(train, label, { ...fitOpts, sampleWeight: w });
            await refuseIgnoredWeights(w, fitted, await baseScores(), train);
            model = fitted;
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
            model = await o.learner().fit(r.table, label, fitOpts);
            break;
          }
          case 'massaging': {
            const r = await massaging(train, { label, positive, sensitive, features });
            model = await o.learner().fit(r.table, label, fitOpts);
            break;
          }
          case 'disparate-impact-remover':
          case 'correlation-remover': {
            if (numberFeatures.length === 0)
              throw usageError(
                `${method} repairs number features; the data has none besides the label and "${sensitive}".`,
                'mitigate',
              );
            const repair = (t: Table): Table =>
              method === 'disparate-impact-remover'
                ? disparateImpactRemover(t, { sensitive, features: numberFeatures }).table
                : correlationRemover(t, { sensitive, features: numberFeatures }).table;
            model = await o.learner().fit(repair(train), label, fitOpts);
            // Each file is repaired on its own groups (as AIF360 does for test data).
            evalTable = repair(test);
            extra = { needsRepairedInput: true };
            break;
          }
        }
      });
      const index = runs.length;
      const run: MitigationRunReport = {
        index,
        method,
        eps,
        lambda,
        test: await evaluate(model!, evalTable),
        fitSeconds: sec,
        ...extra,
      };
      runs.push(run);
      models.push(model!);
      if (run.satisfied === false)
        warnings.push(
          `#${index} ${runLabel(run)} did not meet ${o.constraint} on the training data; the best reachable training disparity is ${run.trainDisparity?.toPrecision(4)}.`,
        );
      tick(runLabel(run));
    }
  }
  return { disparity, runs, models, warnings };
}

/**
 * Reweighing only works through sample weights: when the weights differ but the reweighted model
 * scores the training rows exactly like the unweighted baseline, the learner ignored them.
 */
async function refuseIgnoredWeights(
  w: Float64Array,
  fitted: Model,
  base: Float64Array,
  train: Table,
): Promise<void> {
  let varies = false;
  for (let i = 1; i < w.length && !varies; i++) varies = Math.abs(w[i]! - w[0]!) > 1e-12;
  if (!varies) return;
  const p = await fitted.predictProba(train);
  for (let i = 0; i < p.length; i++) if (p[i] !== base[i]) return;
  const kind = (fitted as { kind?: string }).kind ?? 'the learner';
  throw new AequaError(
    'AEQ_MITIGATION_WEIGHTS_IGNORED',
    `The learner "${kind}" fitted with the reweighing weights (which range from ${Math.min(...w).toPrecision(3)} to ${Math.max(...w).toPrecision(3)}) scores every training row exactly as without them, so it ignores sampleWeight; reweighing works only through the weights.`,
    {
      hint: 'Use a learner that honours sampleWeight (logistic, tree, gbdt, mlp, linear), or a method that edits the data (resample, massaging) or the decisions (threshold-optimizer).',
      details: { learner: kind, method: 'reweighing' },
    },
  );
}

/**
 * The index of the run to save: `first` (the first mitigation run), `best-accuracy` (highest test
 * accuracy among runs that met their constraint, ties to the lower disparity), `lowest-disparity`
 * (lowest |test disparity|, ties to the higher accuracy), `pareto-knee` (see `paretoKnee`), or a
 * run number (0 = the baseline).
 * @example chooseRun(runs, 'demographicParityDifference', 'lowest-disparity') // 2
 */
export function chooseRun(runs: readonly MitigationRunReport[], disparity: string, how: string): number {
  const acc = (r: MitigationRunReport) => (typeof r.test.accuracy === 'number' ? r.test.accuracy : -1);
  const dis = (r: MitigationRunReport) => {
    const d = r.test[disparity];
    return typeof d === 'number' ? Math.abs(d) : Number.POSITIVE_INFINITY;
  };
  const mitigated = runs.slice(1);
  if (/^\d+$/.test(how)) {
    const k = Number(how);
    if (k >= runs.length)
      throw usageError(
        `--choose ${how} is out of range: the runs are numbered 0 (baseline) to ${runs.length - 1}.`,
        'mitigate',
      );
    return k;
  }
  if (mitigated.length === 0) return 0;
  switch (how) {
    case 'first':
      return 1;
    case 'best-accuracy': {
      const ok = mitigated.filter((r) => r.satisfied !== false);
      const pool = ok.length > 0 ? ok : mitigated;
      return pool.reduce((b, r) => (acc(r) > acc(b) || (acc(r) === acc(b) && dis(r) < dis(b)) ? r : b)).index;
    }
    case 'lowest-disparity':
      return mitigated.reduce((b, r) => (dis(r) < dis(b) || (dis(r) === dis(b) && acc(r) > acc(b)) ? r : b))
        .index;
    case 'pareto-knee': {
      const pts = runs.map((r) => ({ accuracy: r.test.accuracy, disparity: dis(r) }));
      return (
        paretoKnee(
          pts.map((p) => (Number.isFinite(p.disparity) ? p : { ...p, disparity: null })),
          mitigated.map((r) => r.index),
        ) ?? 1
      );
    }
    default: {
      const near = suggest(how, CHOICES);
      throw usageError(
        `Unknown --choose "${how}".${near ? ` Did you mean "${near}"?` : ''} Use ${CHOICES.join(', ')} or a run number.`,
        'mitigate',
      );
    }
  }
}

/** Runs `aequa mitigate`; returns the exit code (errors are thrown for the dispatcher: exit 2). */
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
  if (positionals.length !== 1)
    throw usageError(
      positionals.length === 0
        ? 'Give one training data file (CSV, TSV, Parquet, JSON, JSONL, Arrow).'
        : `Expected one training data file, got ${positionals.length}: ${positionals.join(' ')}.`,
      cmd,
    );
  if (!label) throw usageError('--label is required: the column to predict.', cmd);
  if (!sensitive)
    throw usageError('--sensitive is required: the column whose groups must be treated alike.', cmd);
  if (!testFile) throw usageError('--test is required: the file the methods are compared on.', cmd);
  const methods = listFlag(values.method);
  if (methods.length === 0)
    throw usageError(`--method is required: one or more of ${Object.keys(METHODS).join(', ')}.`, cmd);
  for (const m of methods)
    if (!(m in METHODS)) {
      const near = suggest(m, Object.keys(METHODS));
      throw usageError(
        `Unknown method "${m}".${near ? ` Did you mean "${near}"?` : ''} Methods: ${Object.keys(METHODS).join(', ')}.`,
        cmd,
      );
    }
  const cflag = stringFlag(values.constraint) ?? 'demographic-parity';
  if (!CONSTRAINT_FLAGS[cflag]) {
    const near = suggest(cflag, Object.keys(CONSTRAINT_FLAGS));
    throw usageError(
      `Unknown constraint "${cflag}".${near ? ` Did you mean "${near}"?` : ''} Constraints: ${Object.keys(CONSTRAINT_FLAGS).join(', ')}.`,
      cmd,
    );
  }
  const epsList = listFlag(values.eps ?? '0.01').map((s) => {
    const x = Number(s);
    if (!(x > 0) || !Number.isFinite(x))
      throw usageError(
        `--eps must be a number > 0 (the allowed slack of the constraint, e.g. 0.01), got "${s}".`,
        cmd,
      );
    return x;
  });
  const intFlag = (f: string, d: number): number =>
    numberFlag(values[f], f, cmd, (x) => (Number.isInteger(x) && x >= 1 ? null : 'must be an integer ≥ 1')) ??
    d;
  const maxIter = intFlag('max-iter', 50);
  const gridSize = intFlag('grid-size', 10);
  const seed =
    numberFlag(values.seed, 'seed', cmd, (x) => (Number.isInteger(x) ? null : 'must be an integer')) ?? 0;
  const level =
    numberFlag(values.ci, 'ci', cmd, (x) =>
      x === 0 || (x > 0 && x < 1) ? null : 'must be a level between 0 and 1, such as 0.95, or 0 for none',
    ) ?? 0.95;
  const objective = stringFlag(values.objective) ?? 'accuracy';
  if (objective !== 'accuracy' && objective !== 'balanced_accuracy')
    throw usageError(`--objective must be accuracy or balanced_accuracy, got "${objective}".`, cmd);
  const format = stringFlag(values.format) ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw usageError(`--format must be table or json, got "${format}".`, cmd);
  const choose = stringFlag(values.choose) ?? 'first';
  if (!/^\d+$/.test(choose) && !(CHOICES as readonly string[]).includes(choose)) chooseRun([], '', choose);
  const lambdaList = listFlag(values.lambda ?? '1').map((s) => {
    const x = Number(s);
    if (!(x >= 0) || !Number.isFinite(x))
      throw usageError(`--lambda must be a number ≥ 0 (the penalty weight, e.g. 1), got "${s}".`, cmd);
    return x;
  });
  const modelSpec = stringFlag(values.model);
  const ruleText = stringFlag(values.rule);
  const rule = ruleText === undefined ? undefined : parseGroupRule(ruleText);
  if (rule && !methods.includes('group-thresholds'))
    throw usageError('--rule is the rule of --method group-thresholds; add that method or drop --rule.', cmd);
  if (modelSpec) {
    const needLearner = methods.filter((m) => !POST_METHODS.has(m as Method));
    if (needLearner.length > 0)
      throw usageError(
        `--model post-processes the given model, but ${needLearner.map((m) => `"${m}"`).join(', ')} ${needLearner.length === 1 ? 'needs' : 'need'} a learner to fit (or refit); with --model only ${[...POST_METHODS].join(', ')} can run. Drop --model to fit --learner instead.`,
        cmd,
      );
  }
  const learnerName = modelSpec ? `model ${modelSpec}` : (stringFlag(values.learner) ?? 'logistic');
  const params = parseParams(multiFlag(values.params));
  const makeLearner = (): Learner => learnerByName(stringFlag(values.learner) ?? 'logistic', params);
  makeLearner();
  let baseModel: Model | undefined;
  if (modelSpec) {
    const { loadAnyModel } = await import('../../models/adapters/index.js');
    const mf = listFlag(values.features);
    baseModel = await loadAnyModel(modelSpec, mf.length ? { features: mf } : {});
  }
  const load = loadOptionsFromFlags(values, cmd);
  const { loadTable } = await import('../../data/io/index.js');
  const trainFile = positionals[0]!;
  const train = await loadTable(trainFile, load);
  const test = await loadTable(testFile, load);
  train.column(label, '--label');
  train.column(sensitive, '--sensitive');
  test.column(label, '--label');
  test.column(sensitive, '--sensitive');
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

  const bar = progressBar(
    { write: io.stderr, isTTY: io.stderrIsTTY ?? false, columns: io.columns },
    Boolean(io.env.CI),
  );
  let cmp: Comparison;
  try {
    cmp = await compareMitigations({
      train,
      test,
      label,
      positive,
      sensitive,
      features,
      learner: makeLearner,
      ...(baseModel ? { baseModel } : {}),
      ...(rule ? { rule } : {}),
      methods: methods as Method[],
      constraint: cflag,
      eps: epsList,
      lambda: lambdaList,
      maxIter,
      gridSize,
      objective,
      seed,
      confidence: level === 0 ? null : level,
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.finish();
  }
  const { runs, models, disparity } = cmp;
  const warnings = [...cmp.warnings];
  const chosen = chooseRun(runs, disparity, choose);
  const after = runs[chosen]!;
  if (after.needsRepairedInput)
    warnings.push(
      `The chosen model (#${chosen} ${after.method}) was trained on repaired features: repair new data the same way before scoring it with model.json.`,
    );
  const front = paretoFront(
    runs.map((r) => {
      const d = r.test[disparity];
      return { accuracy: r.test.accuracy, disparity: typeof d === 'number' ? d : null };
    }),
  );
  const outDir = stringFlag(values.out);
  let modelPath: string | null = null;
  let rulePath: string | null = null;
  if (outDir) {
    const m = models[chosen] as Partial<SavableModel> & { base?: Partial<SavableModel>; rule?: unknown };
    const wrapped = m.base !== undefined && m.rule !== undefined;
    if (typeof m.toJSON === 'function' && (!wrapped || typeof m.base?.toJSON === 'function'))
      modelPath = join(outDir, 'model.json');
    else if (wrapped) {
      rulePath = join(outDir, 'rule.json');
      warnings.push(
        `The chosen model (#${chosen} ${after.method}) post-processes ${modelSpec ?? 'a model'} that cannot be saved as aequa JSON; its group rule is written to ${rulePath} (apply it to that model's scores with applyRule).`,
      );
    } else warnings.push(`The chosen model (#${chosen} ${after.method}) cannot be saved as JSON.`);
  }
  const report: MitigationReport = {
    schemaVersion: '1.0.0',
    command: 'mitigate',
    tool: { name: 'aequa', version: TOOL_VERSION },
    train: trainFile,
    test: testFile,
    trainRows: train.nrows,
    testRows: test.nrows,
    label,
    positive,
    sensitive,
    learner: learnerName,
    constraint: cflag,
    disparity,
    confidence: level === 0 ? null : level,
    choice: /^\d+$/.test(choose) ? 'index' : choose,
    method: after.method,
    eps: after.eps,
    lambda: after.lambda,
    chosen,
    before: runs[0]!.test,
    after: after.test,
    paretoFront: front,
    runs,
    model: modelPath,
    warnings,
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (outDir) {
    const dir = resolve(outDir);
    if (modelPath)
      await writeFileAtomic(join(dir, 'model.json'), saveModelJSON(models[chosen] as SavableModel));
    if (rulePath) {
      const m = models[chosen] as unknown as { rule: unknown; sensitive?: string };
      const body = { model: modelSpec ?? null, sensitive: m.sensitive ?? sensitive, rule: m.rule };
      await writeFileAtomic(join(dir, 'rule.json'), `${JSON.stringify(body, null, 2)}\n`);
    }
    await writeFileAtomic(join(dir, 'report.json'), json);
    await writeFileAtomic(join(dir, 'report.md'), renderMitigationMarkdown(report));
    await writeFileAtomic(join(dir, 'report.html'), await renderMitigationHtml(report));
  }
  if (format === 'json') io.stdout(json);
  else io.stdout(terminal(report, outDir ?? null));
  await withLedger('mitigate', argv, values, positionals, io, report);
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  if (after.satisfied === false)
    throw new AequaError(
      'AEQ_MITIGATION_INFEASIBLE',
      `${runLabel(after)} could not bring ${cflag} within eps = ${after.eps} on the training data; the best reachable disparity is ${after.trainDisparity?.toPrecision(4)} (the comparison above shows every run).`,
      {
        hint: `Raise --eps to at least ${after.trainDisparity?.toPrecision(3)}, raise --max-iter or --grid-size, choose another run with --choose, or try another learner or method.`,
        details: { method: after.method, eps: after.eps, bestDisparity: after.trainDisparity },
      },
    );
  return 0;
}

const fmt = (x: unknown): string => (typeof x === 'number' ? x.toFixed(4) : '—');
const fmtCi = (ci: Interval | undefined): string => (ci ? `[${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]` : '');

function grid(head: readonly string[], rows: readonly (readonly string[])[], left: number): string[] {
  const w = head.map((h, j) => Math.max([...h].length, ...rows.map((r) => [...r[j]!].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => {
        const fill = ' '.repeat(w[j]! - [...c].length);
        return j < left ? c + fill : fill + c;
      })
      .join('  ')
      .trimEnd();
  return [line(head), line(w.map((x) => '─'.repeat(x))), ...rows.map(line)];
}

/** The terminal rendering: before/after of the chosen run, then every run. */
function terminal(r: MitigationReport, outDir: string | null): string {
  const keys = ['accuracy', 'balancedAccuracy', r.disparity];
  const chosen = r.runs[r.chosen]!;
  const ba = grid(
    ['test metric', 'before (baseline)', '', `after (#${r.chosen} ${runLabel(chosen)})`, ''],
    keys.map((k) => [k, fmt(r.before[k]), fmtCi(r.before.ci?.[k]), fmt(r.after[k]), fmtCi(r.after.ci?.[k])]),
    1,
  );
  const front = new Set(r.paretoFront);
  const all = grid(
    ['#', 'method', 'eps/λ', 'accuracy', 'bal. acc.', r.disparity, 'train disp.', 'fit s', 'pareto'],
    r.runs.map((x) => [
      `${x.index}${x.index === r.chosen ? '*' : ''}`,
      x.method,
      String(x.eps ?? x.lambda ?? ''),
      fmt(x.test.accuracy),
      fmt(x.test.balancedAccuracy),
      fmt(x.test[r.disparity]),
      x.trainDisparity === undefined ? '' : `${fmt(x.trainDisparity)}${x.satisfied === false ? ' ✗' : ''}`,
      x.fitSeconds.toFixed(2),
      front.has(x.index) ? '✓' : '',
    ]),
    2,
  );
  const level = r.confidence === null ? '' : ` (${+(r.confidence * 100).toFixed(1)}% intervals)`;
  return `${[
    `aequa mitigate · ${r.learner} · ${r.constraint} by ${r.sensitive} · test ${r.testRows} rows${level}`,
    '',
    ...ba,
    '',
    ...all,
    '',
    `* chosen by ${r.choice}; ✓ Pareto-optimal on test accuracy vs |${r.disparity}|.`,
    ...(r.model ? [`chosen model written to ${r.model}`] : []),
    ...(outDir ? [`reports written to ${join(outDir, 'report.html')}, report.json, report.md`] : []),
  ].join('\n')}\n`;
}
