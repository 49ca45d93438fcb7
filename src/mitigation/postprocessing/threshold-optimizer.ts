/**
 * @module mitigation/postprocessing/threshold-optimizer
 * Group-specific randomized thresholds on any model's scores (Hardt, Price & Srebro 2016, "Equality
 * of Opportunity in Supervised Learning", https://arxiv.org/abs/1610.02413): for demographic parity,
 * equalized odds or true-positive-rate parity, maximise accuracy or balanced accuracy. Each group's
 * achievable (rate, objective) points form the convex hull of its threshold curve; the shared rate is
 * chosen where the sum of the groups' hull values (or, for equalized odds, the lowest ROC hull) is
 * best, and each group reaches it exactly by mixing two thresholds (and, for equalized odds, the
 * constant classifier on the ROC diagonal).
 */
import { InvalidArgumentError } from '../../core/index.js';
import { checkLength, codesFromValues } from '../groups.js';
import { emptyCellError } from '../messages.js';
import {
  type GroupRule,
  interpolate,
  type ThresholdRule,
  thresholdCurve,
  upperHull,
  type XY,
} from './rule.js';

/** Options of {@link thresholdOptimizer}. */
export interface ThresholdOptimizerOptions {
  readonly constraint: 'demographic_parity' | 'equalized_odds' | 'true_positive_rate_parity';
  /** @default 'accuracy' */
  readonly objective?: 'accuracy' | 'balanced_accuracy';
  /** Evenly spaced candidate rates added to the hull vertices (which alone give the optimum except for equalized odds, where hull crossings can fall between them). @default 1000 */
  readonly gridSize?: number;
  /** Name of the sensitive attribute, for messages. @default 'groups' */
  readonly sensitive?: string;
}

/** Result of {@link thresholdOptimizer}. */
export interface ThresholdOptimizerResult {
  readonly rule: ThresholdRule;
  readonly constraint: ThresholdOptimizerOptions['constraint'];
  readonly objective: 'accuracy' | 'balanced_accuracy';
  /** The shared rate: selection rate (DP), TPR (TPR parity), or FPR (equalized odds). */
  readonly rate: number;
  /** The shared TPR (equalized odds only). */
  readonly tpr?: number;
  /** Expected objective on the fitting data. */
  readonly value: number;
}

/**
 * Fits group thresholds on scores, labels and groups. The expected rates of the returned rule are
 * equal across groups on the fitting data (up to floating point); apply it to new scores with
 * `applyRule` or wrap a model with `postProcessedModel`.
 * @param scores a score per row (higher = more likely positive), e.g. a model's predictProba.
 * @param y 0/1 labels.
 * @param groups the sensitive attribute per row.
 * @throws {AEQ_INVALID_ARGUMENT} for lengths that differ, labels other than 0/1, NaN scores, or a bad option.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} for one group, or a group without positives (or negatives) when the constraint needs them.
 * @example
 * const r = thresholdOptimizer([0.9, 0.4, 0.8, 0.2], [1, 0, 1, 0], ['a', 'a', 'b', 'b'], { constraint: 'demographic_parity' });
 * r.rate // 0.5: both groups select half their rows
 */
export function thresholdOptimizer(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  groups: ArrayLike<string | number | boolean | null | undefined>,
  opts: ThresholdOptimizerOptions,
): ThresholdOptimizerResult {
  const fn = 'thresholdOptimizer';
  const n = scores.length;
  checkLength(fn, 'y', y.length, n);
  checkLength(fn, 'groups', groups.length, n);
  const constraint = opts.constraint;
  if (!['demographic_parity', 'equalized_odds', 'true_positive_rate_parity'].includes(constraint))
    throw new InvalidArgumentError(
      fn,
      'constraint',
      constraint,
      '"demographic_parity", "equalized_odds" or "true_positive_rate_parity"',
    );
  const objective = opts.objective ?? 'accuracy';
  if (objective !== 'accuracy' && objective !== 'balanced_accuracy')
    throw new InvalidArgumentError(fn, 'objective', objective, '"accuracy" or "balanced_accuracy"');
  const gridSize = opts.gridSize ?? 1000;
  if (!Number.isInteger(gridSize) || gridSize < 1)
    throw new InvalidArgumentError(fn, 'gridSize', gridSize, 'an integer ≥ 1');
  const s = checkScores(fn, scores);
  const yy = checkLabels(fn, y);
  const g = codesFromValues(groups, opts.sensitive ?? 'groups', fn);
  const G = g.names.length;
  let P = 0;
  for (let i = 0; i < n; i++) P += yy[i]!;
  const N = n - P;
  // Per group: scores and labels.
  const per = g.names.map((_, a) => {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (g.codes[i] === a) idx.push(i);
    const gs = Float64Array.from(idx, (i) => s[i]!);
    const gy = Float64Array.from(idx, (i) => yy[i]!);
    let pos = 0;
    for (const v of gy) pos += v;
    return { n: idx.length, pos, neg: idx.length - pos, curve: thresholdCurve(gs, gy) };
  });
  for (let a = 0; a < G; a++) {
    const q = per[a]!;
    if (constraint !== 'demographic_parity' && q.pos === 0)
      throw emptyCellError(fn, constraint, g.names[a]!, 'a positive label');
    if (constraint === 'equalized_odds' && q.neg === 0)
      throw emptyCellError(fn, constraint, g.names[a]!, 'a negative label');
  }
  // Objective contribution of a group at a threshold point (linear in the counts, so mixing is exact).
  const contribution = (tp: number, sel: number, pos: number, neg: number): number => {
    const tn = neg - (sel - tp);
    return objective === 'accuracy' ? (tp + tn) / n : 0.5 * (P > 0 ? tp / P : 0) + 0.5 * (N > 0 ? tn / N : 0);
  };
  const rules: Record<string, GroupRule> = {};
  if (constraint === 'equalized_odds') {
    const hulls = per.map((q) =>
      upperHull(
        q.curve.map((c) => ({
          x: (c.selected - c.truePositives) / q.neg,
          y: c.truePositives / q.pos,
          threshold: c.threshold,
        })),
      ),
    );
    const xs = candidates(hulls, gridSize);
    let best = { x: 0, y: 0, v: Number.NEGATIVE_INFINITY };
    for (const x of xs) {
      let yMin = Number.POSITIVE_INFINITY;
      for (const h of hulls) yMin = Math.min(yMin, interpolate(h, x).y);
      const v = objective === 'accuracy' ? (P * yMin + N * (1 - x)) / n : 0.5 * yMin + 0.5 * (1 - x);
      if (v > best.v + 1e-15) best = { x, y: yMin, v };
    }
    for (let a = 0; a < G; a++) {
      const { rule, y: top } = interpolate(hulls[a]!, best.x);
      // Mix with the constant classifier at rate x (the diagonal point (x, x)) to lower TPR to y.
      const q = top - best.x > 1e-15 ? (best.y - best.x) / (top - best.x) : 1;
      rules[g.names[a]!] = { ...rule, mix: Math.min(1, Math.max(0, q)), constant: best.x };
    }
    return {
      rule: { kind: 'group-thresholds', method: 'threshold-optimizer', groups: rules },
      constraint,
      objective,
      rate: best.x,
      tpr: best.y,
      value: best.v,
    };
  }
  const hulls = per.map((q) =>
    upperHull(
      q.curve.map(
        (c): XY => ({
          x: constraint === 'demographic_parity' ? c.selected / q.n : c.truePositives / q.pos,
          y: contribution(c.truePositives, c.selected, q.pos, q.neg),
          threshold: c.threshold,
        }),
      ),
    ),
  );
  const xs = candidates(hulls, gridSize);
  let best = { x: 0, v: Number.NEGATIVE_INFINITY };
  for (const x of xs) {
    let v = 0;
    for (const h of hulls) v += interpolate(h, x).y;
    if (v > best.v + 1e-15) best = { x, v };
  }
  for (let a = 0; a < G; a++) rules[g.names[a]!] = interpolate(hulls[a]!, best.x).rule;
  return {
    rule: { kind: 'group-thresholds', method: 'threshold-optimizer', groups: rules },
    constraint,
    objective,
    rate: best.x,
    value: best.v,
  };
}

/** Hull vertices of every group plus an even grid on [0, 1], sorted and deduplicated. */
function candidates(hulls: readonly (readonly XY[])[], gridSize: number): number[] {
  const set = new Set<number>();
  for (const h of hulls) for (const p of h) set.add(p.x);
  for (let j = 0; j <= gridSize; j++) set.add(j / gridSize);
  return [...set].filter((x) => x >= 0 && x <= 1).sort((a, b) => a - b);
}

/** Scores as a Float64Array; NaN is an error. */
export function checkScores(fn: string, scores: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(scores);
  for (let i = 0; i < s.length; i++)
    if (Number.isNaN(s[i]!))
      throw new InvalidArgumentError(
        fn,
        `scores[${i}]`,
        s[i],
        'a number (not NaN)',
        'Check the model output.',
      );
  return s;
}

/** Labels as 0/1. */
export function checkLabels(fn: string, y: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(y);
  for (let i = 0; i < out.length; i++)
    if (out[i] !== 0 && out[i] !== 1) throw new InvalidArgumentError(fn, `y[${i}]`, out[i], '0 or 1');
  return out;
}
