/**
 * @module mitigation/reductions/oracle
 * The best-response oracle of the reductions (Agarwal et al. 2018, §3: cost-sensitive classification
 * reduced to weighted classification by relabelling, y' = 1{cost(1) < cost(0)}, w = |cost(1) − cost(0)|).
 * It prepares the training data once (features, labels, groups), refits the base learner on the
 * relabelled, reweighted table for each λ, and checks once that the learner honours sample weights.
 */
import { InvalidArgumentError, type Rng, seededRng } from '../../core/index.js';
import { type CategoryColumn, type Column, resolvePositive, type Table, toBinary } from '../../data/index.js';
import type { Learner, Model } from '../../models/index.js';
import { type GroupCodes, groupCodes } from '../groups.js';
import { weightsIgnoredError } from '../messages.js';
import { type LogisticResponder, logisticResponder } from './logistic-response.js';
import type { BoundConstraint, Constraint } from './moments.js';
import { ConstantModel } from './randomized.js';

/** Options shared by the reductions. */
export interface ReductionOptions {
  /** The label column. */
  readonly label: string;
  /** Label value(s) meaning the positive class (classification). @default the data layer's rule */
  readonly positive?: readonly string[];
  /** The sensitive column the constraint is about. */
  readonly sensitive: string;
  /** Feature columns. @default every column but the label */
  readonly features?: readonly string[];
  /** Overrides the constraint's slack. */
  readonly eps?: number;
  /** Randomness for stochastic learners (each fit gets a fork). @default seededRng(seed ?? 0) */
  readonly rng?: Rng;
  /** @default 0 */
  readonly seed?: number;
  /**
   * Check, before the first fit, that the learner honours sample weights: it is fitted on at most
   * 400 rows twice, once weighting the positive labels 100:1 and once the negative ones, and must
   * not return identical predictions both times. @default true
   */
  readonly checkWeights?: boolean;
  /**
   * With the built-in binary logistic regression (L2 or no penalty), encode the features once and
   * refit each best response by warm-started Newton steps on the encoded rows, instead of a full
   * learner fit per λ (the same objective; the number columns are standardised once with unit
   * weights rather than with each fit's weights). `false` always refits through the learner.
   * @default true
   */
  readonly fastLogistic?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

/** The prepared training data and a function that fits the best response for λ. */
export interface Oracle {
  readonly n: number;
  readonly task: 'classification' | 'regression';
  /** 0/1 labels or target values. */
  readonly y: Float64Array;
  readonly groups: GroupCodes;
  readonly bound: BoundConstraint;
  /** [negative, positive] label values (classification), [] for regression. */
  readonly classes: readonly string[];
  readonly features: readonly string[];
  /** Fits the best response to λ; returns the model and its decisions on the training rows. */
  bestResponse(lambda: Float64Array): Promise<{ model: Model; decisions: Float64Array }>;
  /** Decisions (0/1, or values for regression) of a model on the training rows. */
  decisions(model: Model): Promise<Float64Array>;
  /** Number of learner fits so far. */
  readonly fits: () => number;
}

const TARGET = '__aequa_reduced_target';

/**
 * Prepares the oracle of `learner` for `constraint` on `table`.
 * @throws {AEQ_DATA_MISSING_COLUMN}, {AEQ_DATA_MISSING_VALUES} for absent columns or missing labels/groups.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when the sensitive column has one group.
 * @throws {AEQ_MITIGATION_WEIGHTS_IGNORED} when the learner ignores sample weights.
 */
export async function createOracle(
  fn: string,
  learner: Learner,
  constraint: Constraint,
  table: Table,
  opts: ReductionOptions,
): Promise<Oracle> {
  if (typeof opts.label !== 'string' || opts.label === '')
    throw new InvalidArgumentError(fn, 'label', opts.label, 'a column name');
  if (typeof opts.sensitive !== 'string' || opts.sensitive === '')
    throw new InvalidArgumentError(fn, 'sensitive', opts.sensitive, 'a column name');
  const n = table.nrows;
  const labelCol = table.column(opts.label, 'label');
  if (labelCol.valid !== null && labelCol.valid.count() < n)
    throw new InvalidArgumentError(
      fn,
      'label',
      `"${opts.label}" with ${n - labelCol.valid.count()} missing cells`,
      'a label on every row',
      'Drop the rows without a label first.',
    );
  const groups = groupCodes(table, opts.sensitive, fn);
  const features = opts.features ?? table.names.filter((c) => c !== opts.label);
  if (features.includes(opts.label))
    throw new InvalidArgumentError(fn, 'features', features, `a list without the label "${opts.label}"`);
  const task = constraint.task;
  let y: Float64Array;
  let classes: string[];
  if (task === 'classification') {
    const pv = resolvePositive(labelCol, {
      ...(opts.positive === undefined ? {} : { positive: opts.positive }),
      name: opts.label,
      role: 'label',
    });
    y = Float64Array.from(toBinary(labelCol, pv.positive).values);
    classes = [pv.negative.join('|'), pv.positive.join('|')];
  } else {
    if (labelCol.kind !== 'number')
      throw new InvalidArgumentError(
        fn,
        'label',
        `a ${labelCol.kind} column`,
        'a numeric target for boundedGroupLoss',
      );
    y = Float64Array.from(labelCol.values);
    classes = [];
  }
  const bound = constraint.bind({ y, groups });
  const base = table.select(features);
  const rng = opts.rng ?? seededRng(opts.seed ?? 0);
  const weights = new Float64Array(n);
  const labels = new Float64Array(n);
  let fits = 0;
  const fitOn = async (t: Table, lab: Float64Array, w: Float64Array, tag: string): Promise<Model> => {
    opts.signal?.throwIfAborted();
    const m = t.nrows;
    let ones = 0;
    if (task === 'classification') for (let i = 0; i < m; i++) ones += lab[i]!;
    if (task === 'classification' && (ones === 0 || ones === m))
      return new ConstantModel('binary', ['0', '1'], TARGET, ones === 0 ? 0 : 1);
    fits++;
    const target: Column =
      task === 'classification'
        ? ({
            kind: 'category',
            codes: Int32Array.from(lab),
            levels: ['0', '1'],
            valid: null,
          } satisfies CategoryColumn)
        : { kind: 'number', values: Float64Array.from(lab), valid: null };
    return learner.fit(t.withColumn(TARGET, target), TARGET, {
      sampleWeight: Float64Array.from(w),
      features,
      ...(task === 'classification' ? { positive: ['1'] } : {}),
      rng: rng.fork(tag),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
  };
  const decide = (p: Float64Array): Float64Array => {
    if (task === 'regression') return p;
    const d = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) d[i] = p[i]! >= 0.5 ? 1 : 0;
    return d;
  };
  let responder: LogisticResponder | null | undefined = (opts.fastLogistic ?? true) ? undefined : null;
  const adopt = (m: Model | undefined): void => {
    if (m !== undefined && responder === undefined && task === 'classification')
      responder = logisticResponder(m, base, features, TARGET);
  };
  if (opts.checkWeights ?? true) adopt(await probeWeights(learner.kind, base, y, task, fitOn, decide));
  return {
    n,
    task,
    y,
    groups,
    bound,
    classes,
    features,
    async bestResponse(lambda) {
      bound.reducedProblem(lambda, weights, labels);
      if (responder) {
        opts.signal?.throwIfAborted();
        let ones = 0;
        for (let i = 0; i < n; i++) ones += labels[i]!;
        if (ones > 0 && ones < n) {
          fits++;
          return responder.fit(labels, weights);
        }
      }
      const model = await fitOn(base, labels, weights, `fit-${fits}`);
      adopt(model);
      return { model, decisions: decide(await model.predictProba(base)) };
    },
    async decisions(model) {
      return decide(await model.predictProba(base));
    },
    fits: () => fits,
  };
}

/**
 * Fits the learner on a small subsample twice with opposite, strongly tilted weights; identical
 * predictions mean the weights were ignored. (A declared capability flag would need every learner,
 * including foreign ones, to declare it truthfully; the probe checks the behaviour itself.)
 */
async function probeWeights(
  kind: string,
  table: Table,
  y: Float64Array,
  task: 'classification' | 'regression',
  fitOn: (t: Table, lab: Float64Array, w: Float64Array, tag: string) => Promise<Model>,
  decide: (p: Float64Array) => Float64Array,
): Promise<Model | undefined> {
  const n = y.length;
  let cut = 0.5;
  if (task === 'regression') {
    const s = Float64Array.from(y).sort();
    cut = s[Math.floor(n / 2)]!;
  }
  const hi: number[] = [];
  const lo: number[] = [];
  for (let i = 0; i < n && (hi.length < 200 || lo.length < 200); i++) {
    if (y[i]! >= cut) {
      if (hi.length < 200) hi.push(i);
    } else if (lo.length < 200) lo.push(i);
  }
  if (hi.length === 0 || lo.length === 0) return undefined; // nothing to tilt; the reduction fails later with a clear error
  const rows = Uint32Array.from([...hi, ...lo].sort((a, b) => a - b));
  const sub = table.take(rows);
  const lab = new Float64Array(rows.length);
  const wa = new Float64Array(rows.length);
  const wb = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const yi = y[rows[k]!]!;
    lab[k] = yi;
    const up = task === 'classification' ? yi === 1 : yi >= cut;
    wa[k] = up ? 1 : 0.01;
    wb[k] = up ? 0.01 : 1;
  }
  const ma = await fitOn(sub, lab, wa, 'probe-a');
  const a = decide(await ma.predictProba(sub));
  const b = decide(await (await fitOn(sub, lab, wb, 'probe-b')).predictProba(sub));
  // Regression: compare values; classification: compare decisions, which must differ somewhere.
  for (let k = 0; k < a.length; k++) if (Math.abs(a[k]! - b[k]!) > 1e-12) return ma;
  throw weightsIgnoredError(kind);
}
