/**
 * @module accountability/responsibility/stages
 * Which stage of the pipeline does a disparity come from? Two complementary answers:
 * - {@link decomposeGap}: the gap in decisions between two groups, written exactly as the gap
 *   already in the labels (data) + what the scores add beyond the labels (model) + what the
 *   threshold adds beyond the scores (decision rule). The three parts sum to the decision gap.
 * - {@link counterfactualStages}: re-run the pipeline with one stage neutralised at a time —
 *   reweighed training data (Kamiran & Calders 2012) for the data, the sensitive column dropped
 *   for the learner's use of it — and share the change in the gap between the stages by their
 *   Shapley values over the four re-runs, so the shares sum to the total change.
 */

import { type GroupCodes, groupCodes } from '../../bias/index.js';
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { resolvePositive, type Table, toBinary } from '../../data/index.js';
import { reweighing } from '../../mitigation/index.js';
import type { Learner, Model } from '../../models/index.js';

/** Inputs of {@link decomposeGap}: per row the true label, the model's score and its decision. */
export interface GapInput {
  readonly labels: ArrayLike<number>;
  readonly scores: ArrayLike<number>;
  readonly decisions: ArrayLike<number>;
  /** From `groupCodes` (bias): a missing sensitive value is a group of its own. */
  readonly groups: GroupCodes;
  /** The group compared. @default the group whose decision rate is furthest from the reference's */
  readonly group?: string;
  /** @default the largest group */
  readonly reference?: string;
}

/** Mean label, score and decision of each group, and the split of the decision gap into stages. */
export interface GapDecomposition {
  readonly group: string;
  readonly reference: string;
  readonly rates: Readonly<Record<string, { size: number; label: number; score: number; decision: number }>>;
  /** group − reference of each mean. */
  readonly gaps: { readonly label: number; readonly score: number; readonly decision: number };
  /** data = label gap; model = score gap − label gap; threshold = decision gap − score gap. */
  readonly stages: { readonly data: number; readonly model: number; readonly threshold: number };
}

/**
 * Splits the selection-rate gap between two groups into the part present in the labels, the
 * part the model's scores add, and the part the threshold adds. Exact: the parts sum to the gap.
 * @example
 * // labels: A 0.5, B 0.3; mean scores: A 0.55, B 0.3; decisions: A 0.6, B 0.2
 * decomposeGap(...).stages // { data: 0.2, model: 0.05, threshold: 0.15 }
 */
export function decomposeGap(input: GapInput): GapDecomposition {
  const fn = 'decomposeGap';
  const { groups } = input;
  const n = groups.codes.length;
  for (const [name, arr] of [
    ['labels', input.labels],
    ['scores', input.scores],
    ['decisions', input.decisions],
  ] as const)
    if (arr.length !== n)
      throw new InvalidArgumentError(fn, name, `${arr.length} values`, `${n} (one per row)`);
  const k = groups.labels.length;
  if (k < 2)
    throw new AequaError(
      'AEQ_DATA_SINGLE_GROUP',
      `The sensitive attribute has ${k} group(s)${k ? ` ("${groups.labels[0]}")` : ''}; a gap needs two.`,
      { hint: 'Pick a sensitive column with at least two groups present in the data.' },
    );
  const size = new Float64Array(k);
  const ys = new Float64Array(k);
  const ss = new Float64Array(k);
  const ds = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const g = groups.codes[i]!;
    const s = input.scores[i]!;
    if (!Number.isFinite(s)) throw new InvalidArgumentError(fn, `scores[${i}]`, s, 'a finite number');
    size[g]!++;
    ys[g]! += input.labels[i]!;
    ss[g]! += s;
    ds[g]! += input.decisions[i]!;
  }
  const rates: Record<string, { size: number; label: number; score: number; decision: number }> = {};
  for (let g = 0; g < k; g++)
    rates[groups.labels[g]!] = {
      size: size[g]!,
      label: ys[g]! / size[g]!,
      score: ss[g]! / size[g]!,
      decision: ds[g]! / size[g]!,
    };
  const pick = (name: string | undefined, what: string): string | undefined => {
    if (name !== undefined && !(name in rates))
      throw new InvalidArgumentError(fn, what, name, `one of the groups: ${groups.labels.join(', ')}`);
    return name;
  };
  let reference = pick(input.reference, 'reference');
  if (reference === undefined) {
    let best = 0;
    for (let g = 1; g < k; g++) if (size[g]! > size[best]!) best = g;
    reference = groups.labels[best]!;
  }
  let group = pick(input.group, 'group');
  if (group === undefined) {
    let far = -1;
    for (const g of groups.labels) {
      if (g === reference) continue;
      const d = Math.abs(rates[g]!.decision - rates[reference]!.decision);
      if (d > far) {
        far = d;
        group = g;
      }
    }
  }
  const a = rates[group!]!;
  const b = rates[reference]!;
  const gaps = { label: a.label - b.label, score: a.score - b.score, decision: a.decision - b.decision };
  return {
    group: group!,
    reference,
    rates,
    gaps,
    stages: { data: gaps.label, model: gaps.score - gaps.label, threshold: gaps.decision - gaps.score },
  };
}

/** Options of {@link counterfactualStages}. */
export interface CounterfactualOptions {
  readonly train: Table;
  readonly test: Table;
  readonly learner: Learner;
  readonly label: string;
  readonly positive?: readonly string[];
  readonly sensitive: string;
  /** Model inputs; may include the sensitive column. @default every column but the label */
  readonly features?: readonly string[];
  /** @default 0.5 */
  readonly threshold?: number;
  readonly seed?: number;
}

/** One re-run of the pipeline. */
export interface PipelineRun {
  readonly reweighed: boolean;
  readonly blind: boolean;
  readonly accuracy: number;
  readonly selectionRates: Readonly<Record<string, number>>;
  /** max − min selection rate over the groups (demographic parity difference). */
  readonly gap: number;
}

/** The result of {@link counterfactualStages}. */
export interface CounterfactualStages {
  readonly runs: {
    readonly baseline: PipelineRun;
    readonly reweighed: PipelineRun;
    readonly blind: PipelineRun;
    readonly both: PipelineRun;
  };
  /**
   * Shapley shares of the change in gap (baseline − both): how much of the gap removing the
   * data imbalance and removing the sensitive input each account for; `remaining` is the gap
   * left when both are neutralised (what the features' correlation with the group and the
   * threshold still carry). data + sensitiveInput + remaining = baseline gap.
   */
  readonly shares: { readonly data: number; readonly sensitiveInput: number; readonly remaining: number };
}

/**
 * Re-fits the learner four ways (as is; on reweighed data; without the sensitive column; both)
 * and attributes the demographic parity difference on the test data to the stages.
 */
export async function counterfactualStages(opts: CounterfactualOptions): Promise<CounterfactualStages> {
  const fn = 'counterfactualStages';
  const threshold = opts.threshold ?? 0.5;
  const { train, test, label, sensitive } = opts;
  const features = opts.features ?? train.names.filter((c) => c !== label);
  for (const f of [...features, label, sensitive])
    if (!test.has(f))
      throw new InvalidArgumentError(fn, 'test', `a table without "${f}"`, 'the training columns');
  const positive = resolvePositive(train.column(label), {
    name: label,
    role: 'label',
    ...(opts.positive ? { positive: opts.positive } : {}),
  }).positive;
  const yTest = toBinary(test.column(label), positive).values;
  const groups = groupCodes(test, [sensitive]);
  if (groups.labels.length < 2)
    throw new AequaError(
      'AEQ_DATA_SINGLE_GROUP',
      `The test data has ${groups.labels.length} group(s) in "${sensitive}"; stage attribution needs two.`,
      { hint: 'Use test data where at least two groups of the sensitive attribute appear.' },
    );
  const weights = reweighing(train, { label, sensitive, positive }).weights;
  const blindFeatures = features.filter((f) => f !== sensitive);
  const run = async (reweighed: boolean, blind: boolean): Promise<PipelineRun> => {
    const model: Model = await opts.learner.fit(train, label, {
      features: blind ? blindFeatures : features,
      positive,
      ...(reweighed ? { sampleWeight: weights } : {}),
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    });
    if (model.task !== 'binary')
      throw new InvalidArgumentError(fn, 'learner', model.task, 'a learner of binary classifiers');
    const p = await model.predictProba(test);
    const k = groups.labels.length;
    const sel = new Float64Array(k);
    let correct = 0;
    for (let i = 0; i < p.length; i++) {
      const d = p[i]! >= threshold ? 1 : 0;
      if (d === yTest[i]) correct++;
      sel[groups.codes[i]!]! += d;
    }
    const selectionRates: Record<string, number> = {};
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let g = 0; g < k; g++) {
      const r = sel[g]! / groups.counts[g]!;
      selectionRates[groups.labels[g]!] = r;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    return { reweighed, blind, accuracy: correct / p.length, selectionRates, gap: hi - lo };
  };
  const baseline = await run(false, false);
  const reweighed = await run(true, false);
  const blind = await run(false, true);
  const both = await run(true, true);
  const data = (baseline.gap - reweighed.gap + (blind.gap - both.gap)) / 2;
  const sensitiveInput = (baseline.gap - blind.gap + (reweighed.gap - both.gap)) / 2;
  return {
    runs: { baseline, reweighed, blind, both },
    shares: { data, sensitiveInput, remaining: both.gap },
  };
}
