/**
 * @module mitigation/postprocessing/per-group-thresholds
 * Plain per-group threshold rules: a fixed threshold (one for all, or one per group), the threshold
 * that reaches a target true- or false-positive rate in every group, or the top k rows of each
 * group. Targets are reached exactly by randomizing on the boundary score (as in Hardt et al. 2016,
 * https://arxiv.org/abs/1610.02413), so ties never make a group over- or under-shoot.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { checkLength, codesFromValues } from '../groups.js';
import { emptyCellError } from '../messages.js';
import { type GroupRule, interpolate, plainThreshold, type ThresholdRule, thresholdCurve } from './rule.js';
import { checkLabels, checkScores } from './threshold-optimizer.js';

/** Which per-group rule to build. */
export type PerGroupSpec =
  | { readonly kind: 'fixed'; readonly threshold: number | Readonly<Record<string, number>> }
  | { readonly kind: 'targetTpr'; readonly target: number }
  | { readonly kind: 'targetFpr'; readonly target: number }
  | { readonly kind: 'topK'; readonly k: number | Readonly<Record<string, number>> };

/**
 * Builds a per-group threshold rule.
 * @param y 0/1 labels (needed for targetTpr and targetFpr; may be null otherwise).
 * @throws {AEQ_INVALID_ARGUMENT} for a target outside [0, 1], k < 0, a group missing from a per-group map, or lengths that differ.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when a group has no positives (targetTpr) or negatives (targetFpr).
 * @example
 * perGroupThresholds([0.9, 0.1, 0.8, 0.7], null, ['a', 'a', 'b', 'b'], { kind: 'topK', k: 1 }).groups.b
 * // { hi: 0.8, lo: 0.8, pMid: 0, mix: 1, constant: 0 }: the top row of b
 */
export function perGroupThresholds(
  scores: ArrayLike<number>,
  y: ArrayLike<number> | null,
  groups: ArrayLike<string | number | boolean | null | undefined>,
  spec: PerGroupSpec,
): ThresholdRule {
  const fn = 'perGroupThresholds';
  const n = scores.length;
  checkLength(fn, 'groups', groups.length, n);
  const s = checkScores(fn, scores);
  const g = codesFromValues(groups, 'groups', fn, 1);
  const needY = spec.kind === 'targetTpr' || spec.kind === 'targetFpr';
  if (needY && y === null) throw new InvalidArgumentError(fn, 'y', null, `labels for ${spec.kind}`);
  const yy = y === null ? null : checkLabels(fn, y);
  if (yy !== null) checkLength(fn, 'y', yy.length, n);
  const rules: Record<string, GroupRule> = {};
  const perGroup = (v: number | Readonly<Record<string, number>>, name: string, what: string): number => {
    if (typeof v === 'number') return v;
    const x = v[name];
    if (x === undefined)
      throw new InvalidArgumentError(
        fn,
        what,
        Object.keys(v),
        `a value for every group, including "${name}"`,
      );
    return x;
  };
  for (let a = 0; a < g.names.length; a++) {
    const name = g.names[a]!;
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (g.codes[i] === a) idx.push(i);
    const gs = Float64Array.from(idx, (i) => s[i]!);
    const gy = yy === null ? null : Float64Array.from(idx, (i) => yy[i]!);
    switch (spec.kind) {
      case 'fixed': {
        const t = perGroup(spec.threshold, name, 'threshold');
        if (!Number.isFinite(t)) throw new InvalidArgumentError(fn, 'threshold', t, 'a finite number');
        rules[name] = plainThreshold(t);
        break;
      }
      case 'topK': {
        const k = perGroup(spec.k, name, 'k');
        if (!(k >= 0) || !Number.isFinite(k)) throw new InvalidArgumentError(fn, 'k', k, 'a number ≥ 0');
        const curve = thresholdCurve(gs, null).map((c) => ({ x: c.selected, y: 0, threshold: c.threshold }));
        rules[name] = interpolate(curve, Math.min(k, idx.length)).rule;
        break;
      }
      case 'targetTpr':
      case 'targetFpr': {
        const target = spec.target;
        if (!(target >= 0 && target <= 1))
          throw new InvalidArgumentError(fn, 'target', target, 'a rate in [0, 1]');
        let pos = 0;
        for (const v of gy!) pos += v;
        const neg = idx.length - pos;
        const tpr = spec.kind === 'targetTpr';
        if ((tpr ? pos : neg) === 0)
          throw emptyCellError(fn, spec.kind, name, tpr ? 'a positive label' : 'a negative label');
        const curve = thresholdCurve(gs, gy).map((c) => ({
          x: tpr ? c.truePositives / pos : (c.selected - c.truePositives) / neg,
          y: 0,
          threshold: c.threshold,
        }));
        // x is non-decreasing; keep the first point of each run of equal x (the highest threshold).
        const mono = curve.filter((c, j) => j === 0 || c.x > curve[j - 1]!.x);
        rules[name] = interpolate(mono, target).rule;
        break;
      }
    }
  }
  return { kind: 'group-thresholds', method: `per-group-${spec.kind}`, groups: rules };
}
