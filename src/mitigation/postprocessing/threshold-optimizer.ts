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
import { type GroupRule, interpolate, type ThresholdRule, type XY } from './rule.js';

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
  // Per group: counting sort of the rows by group, then each group's threshold curve (one sort).
  const count = new Int32Array(G);
  for (let i = 0; i < n; i++) count[g.codes[i]!]!++;
  const per = g.names.map((_, a) => {
    let pos = 0;
    const size = count[a]!;
    for (let i = 0; i < n; i++) if (g.codes[i] === a) pos += yy[i]!;
    return { n: size, pos, neg: size - pos, curve: countCurve(s, yy, g.codes, a, pos, size - pos) };
  });
  for (let a = 0; a < G; a++) {
    const q = per[a]!;
    if (constraint !== 'demographic_parity' && q.pos === 0)
      throw emptyCellError(fn, constraint, g.names[a]!, 'a positive label');
    if (constraint === 'equalized_odds' && q.neg === 0)
      throw emptyCellError(fn, constraint, g.names[a]!, 'a negative label');
  }
  const rules: Record<string, GroupRule> = {};
  if (constraint === 'equalized_odds') {
    const hulls = per.map((q) =>
      hullOf(
        q.curve,
        (sel, tp) => (sel - tp) / q.neg,
        (_sel, tp) => tp / q.pos,
      ),
    );
    const xs = candidates(hulls, gridSize);
    const at = hulls.map(() => 0);
    let best = { x: 0, y: 0, v: Number.NEGATIVE_INFINITY };
    for (const x of xs) {
      let yMin = Number.POSITIVE_INFINITY;
      for (let a = 0; a < G; a++) yMin = Math.min(yMin, sweepValue(hulls[a]!, x, at, a));
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
  // Objective contribution of a group at a threshold point (linear in the counts, so mixing is exact).
  const hulls = per.map((q) =>
    hullOf(
      q.curve,
      (sel, tp) => (constraint === 'demographic_parity' ? sel / q.n : tp / q.pos),
      (sel, tp) => {
        const tn = q.neg - (sel - tp);
        return objective === 'accuracy'
          ? (tp + tn) / n
          : 0.5 * (P > 0 ? tp / P : 0) + 0.5 * (N > 0 ? tn / N : 0);
      },
    ),
  );
  const xs = candidates(hulls, gridSize);
  const at = hulls.map(() => 0);
  let best = { x: 0, v: Number.NEGATIVE_INFINITY };
  for (const x of xs) {
    let v = 0;
    for (let a = 0; a < G; a++) v += sweepValue(hulls[a]!, x, at, a);
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

/** A group's threshold curve as parallel arrays: threshold (descending, +∞ first), rows selected, true positives. */
interface CountCurve {
  readonly threshold: Float64Array;
  readonly selected: Float64Array;
  readonly truePositives: Float64Array;
}

/**
 * The threshold curve of group `a` in O(m log m) for its m rows: the positives' and the negatives'
 * scores are sorted apart (native numeric sort, no comparator) and merged from the top, one point per
 * distinct score with running counts.
 */
function countCurve(
  s: Float64Array,
  y: Float64Array,
  codes: ArrayLike<number>,
  a: number,
  pos: number,
  neg: number,
): CountCurve {
  const ps = new Float64Array(pos);
  const ns = new Float64Array(neg);
  let ip = 0;
  let iN = 0;
  for (let i = 0; i < s.length; i++) {
    if (codes[i] !== a) continue;
    if (y[i] === 1) ps[ip++] = s[i]!;
    else ns[iN++] = s[i]!;
  }
  ps.sort();
  ns.sort();
  const m = pos + neg;
  const threshold = new Float64Array(m + 1);
  const selected = new Float64Array(m + 1);
  const truePositives = new Float64Array(m + 1);
  threshold[0] = Number.POSITIVE_INFINITY;
  let k = 1;
  let sel = 0;
  let tp = 0;
  ip = pos - 1;
  iN = neg - 1;
  while (ip >= 0 || iN >= 0) {
    const t = Math.max(
      ip >= 0 ? ps[ip]! : Number.NEGATIVE_INFINITY,
      iN >= 0 ? ns[iN]! : Number.NEGATIVE_INFINITY,
    );
    while (ip >= 0 && ps[ip] === t) {
      ip--;
      sel++;
      tp++;
    }
    while (iN >= 0 && ns[iN] === t) {
      iN--;
      sel++;
    }
    threshold[k] = t;
    selected[k] = sel;
    truePositives[k] = tp;
    k++;
  }
  return {
    threshold: threshold.subarray(0, k),
    selected: selected.subarray(0, k),
    truePositives: truePositives.subarray(0, k),
  };
}

/**
 * Upper concave envelope of a curve's (x, y) points, taken in curve order (x non-decreasing along the
 * curve); of points with equal x the highest y is kept (the first on a tie). Only hull vertices are
 * allocated.
 */
function hullOf(
  c: CountCurve,
  fx: (sel: number, tp: number) => number,
  fy: (sel: number, tp: number) => number,
): XY[] {
  const hull: XY[] = [];
  const len = c.threshold.length;
  for (let j = 0; j < len; j++) {
    const sel = c.selected[j]!;
    const tp = c.truePositives[j]!;
    const px = fx(sel, tp);
    const py = fy(sel, tp);
    let top = hull[hull.length - 1];
    if (top !== undefined && top.x === px) {
      if (py <= top.y) continue;
      hull.pop();
    }
    while (hull.length >= 2) {
      const p = hull[hull.length - 2]!;
      top = hull[hull.length - 1]!;
      // Drop top when it lies on or below the segment p → (px, py).
      if ((top.x - p.x) * (py - p.y) - (top.y - p.y) * (px - p.x) >= 0) hull.pop();
      else break;
    }
    hull.push({ x: px, y: py, threshold: c.threshold[j]! });
  }
  return hull;
}

/**
 * The hull's value at x (as `interpolate` computes it), for x visited in increasing order: `at[a]`
 * keeps the segment reached so far, so a sweep over all candidates costs O(candidates + hull).
 */
function sweepValue(h: readonly XY[], x: number, at: number[], a: number): number {
  const first = h[0]!;
  if (x <= first.x) return first.y;
  let j = at[a]!;
  while (j + 1 < h.length && x > h[j + 1]!.x) j++;
  at[a] = j;
  if (j + 1 >= h.length) return h[h.length - 1]!.y;
  const p = h[j]!;
  const q = h[j + 1]!;
  if (x === q.x) return q.y;
  return p.y + ((x - p.x) / (q.x - p.x)) * (q.y - p.y);
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
