/**
 * @module mitigation/postprocessing/rule
 * Group-specific, possibly randomized threshold rules on a score, the common output of the
 * post-processing methods (Hardt, Price & Srebro 2016, "Equality of Opportunity in Supervised
 * Learning", https://arxiv.org/abs/1610.02413, §4: mixing two thresholds, or a threshold and a
 * constant, reaches every point of a group's ROC convex hull). A rule is plain JSON.
 */
import { InvalidArgumentError, listSome } from '../../core/index.js';
import { checkLength } from '../groups.js';

/**
 * P(ŷ = 1 | score s) for one group:
 * mix·(s ≥ hi ? 1 : s ≥ lo ? pMid : 0) + (1 − mix)·constant, with lo ≤ hi.
 * A plain threshold t is { hi: t, lo: t, pMid: 0, mix: 1, constant: 0 }.
 */
export interface GroupRule {
  readonly hi: number;
  readonly lo: number;
  readonly pMid: number;
  readonly mix: number;
  readonly constant: number;
}

/** Rules per group of one sensitive column (saved inside post-processed model files). */
export interface ThresholdRule {
  readonly kind: 'group-thresholds';
  /** Which method produced it, e.g. 'threshold-optimizer'. */
  readonly method: string;
  /** Group name → its rule. */
  readonly groups: Readonly<Record<string, GroupRule>>;
}

/** A deterministic threshold rule: predict 1 when s ≥ t. */
export function plainThreshold(t: number): GroupRule {
  return { hi: t, lo: t, pMid: 0, mix: 1, constant: 0 };
}

/** P(ŷ = 1) of one score under one group rule. */
export function ruleProbability(r: GroupRule, s: number): number {
  const base = s >= r.hi ? 1 : s >= r.lo ? r.pMid : 0;
  return r.mix === 1 ? base : r.mix * base + (1 - r.mix) * r.constant;
}

/**
 * P(ŷ = 1) for each row: the rule of the row's group applied to its score.
 * @throws {AEQ_INVALID_ARGUMENT} for a group the rule does not know (the known ones are listed), or lengths that differ.
 * @example applyRule({ kind: 'group-thresholds', method: 'x', groups: { a: plainThreshold(0.5) } }, [0.7, 0.2], ['a', 'a']) // Float64Array [1, 0]
 */
export function applyRule(
  rule: ThresholdRule,
  scores: ArrayLike<number>,
  groups: ArrayLike<string | number | boolean | null | undefined>,
): Float64Array {
  const n = scores.length;
  checkLength('applyRule', 'groups', groups.length, n);
  const out = new Float64Array(n);
  const cache = new Map<string, GroupRule>();
  for (let i = 0; i < n; i++) {
    const g = String(groups[i]);
    let r = cache.get(g);
    if (r === undefined) {
      r = rule.groups[g];
      if (r === undefined)
        throw new InvalidArgumentError(
          'applyRule',
          'groups',
          g,
          `one of the groups the rule was fitted on (${listSome(Object.keys(rule.groups))})`,
          'Post-processing needs every group at fitting time; refit on data that includes this group.',
        );
      cache.set(g, r);
    }
    out[i] = ruleProbability(r, scores[i]!);
  }
  return out;
}

/** One threshold on a group's sorted scores and the counts it selects. */
export interface CurvePoint {
  /** Predict 1 when s ≥ threshold (+∞ selects none). */
  readonly threshold: number;
  readonly selected: number;
  readonly truePositives: number;
}

/**
 * Every distinct threshold of a group (from selecting none to selecting all), with its counts;
 * selection strictly increases along the list.
 */
export function thresholdCurve(scores: Float64Array, y: Float64Array | null): CurvePoint[] {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pts: CurvePoint[] = [{ threshold: Number.POSITIVE_INFINITY, selected: 0, truePositives: 0 }];
  let sel = 0;
  let tp = 0;
  for (let k = 0; k < n; ) {
    const s = scores[order[k]!]!;
    while (k < n && scores[order[k]!] === s) {
      sel++;
      if (y !== null) tp += y[order[k]!]!;
      k++;
    }
    pts.push({ threshold: s, selected: sel, truePositives: tp });
  }
  return pts;
}

/** A point of a group's (x, value) curve with the threshold behind it. */
export interface XY {
  readonly x: number;
  readonly y: number;
  readonly threshold: number;
}

/**
 * The rule that reaches x on a curve sorted by increasing x (a hull, or a monotone threshold curve)
 * by mixing the two thresholds around it, and the curve's value there.
 */
export function interpolate(curve: readonly XY[], x: number): { rule: GroupRule; y: number } {
  const first = curve[0]!;
  if (x <= first.x) return { rule: plainThreshold(first.threshold), y: first.y };
  for (let j = 0; j + 1 < curve.length; j++) {
    const a = curve[j]!;
    const b = curve[j + 1]!;
    if (x <= b.x) {
      if (x === b.x) return { rule: plainThreshold(b.threshold), y: b.y };
      const p = (x - a.x) / (b.x - a.x);
      return {
        rule: { hi: a.threshold, lo: b.threshold, pMid: p, mix: 1, constant: 0 },
        y: a.y + p * (b.y - a.y),
      };
    }
  }
  const last = curve[curve.length - 1]!;
  return { rule: plainThreshold(last.threshold), y: last.y };
}
