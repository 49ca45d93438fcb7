/**
 * @module mitigation/postprocessing/reject-option
 * Reject option classification (Kamiran, Karim & Zhang 2012, "Decision Theory for
 * Discrimination-Aware Classification", https://doi.org/10.1109/ICDM.2012.45): in the critical region
 * of low confidence, |s − t| < margin, the unprivileged groups get the favourable decision and the
 * privileged group the unfavourable one; elsewhere the plain threshold t decides. The threshold and
 * margin are searched on a grid to maximise balanced accuracy with the disparity within a bound.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { checkLength, codesFromValues } from '../groups.js';
import { type GroupRule, plainThreshold, type ThresholdRule } from './rule.js';
import { checkLabels, checkScores } from './threshold-optimizer.js';

/** Options of {@link rejectOptionClassification}. */
export interface RejectOptionOptions {
  /** The privileged group. @default the group with the highest selection rate at threshold 0.5 */
  readonly privileged?: string;
  /** Disparity to bound (max − min over groups). @default 'demographic_parity' */
  readonly metric?: 'demographic_parity' | 'equal_opportunity' | 'equalized_odds';
  /** Largest accepted disparity. @default 0.05 */
  readonly bound?: number;
  /** Thresholds tried, evenly spaced in [0.01, 0.99]. @default 100 */
  readonly thresholds?: number;
  /** Margins tried per threshold, evenly spaced in [0, min(t, 1 − t)]. @default 50 */
  readonly margins?: number;
}

/** Result of {@link rejectOptionClassification}. */
export interface RejectOptionResult {
  readonly rule: ThresholdRule;
  readonly threshold: number;
  readonly margin: number;
  readonly privileged: string;
  /** Balanced accuracy and disparity on the fitting data. */
  readonly balancedAccuracy: number;
  readonly disparity: number;
  /** Whether the disparity is within the bound. */
  readonly withinBound: boolean;
}

/**
 * Searches the threshold t and margin m of reject option classification. The region is half-open:
 * unprivileged rows with s ≥ t − m and privileged rows with s ≥ t + m are positive.
 * @throws {AEQ_INVALID_ARGUMENT} for lengths that differ, a privileged group that does not occur, or bad grid sizes.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} for fewer than two groups.
 * @example
 * const r = rejectOptionClassification(scores, y, sex, { bound: 0.05 });
 * r.disparity // ≤ 0.05 when reachable
 */
export function rejectOptionClassification(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  groups: ArrayLike<string | number | boolean | null | undefined>,
  opts: RejectOptionOptions = {},
): RejectOptionResult {
  const fn = 'rejectOptionClassification';
  const n = scores.length;
  checkLength(fn, 'y', y.length, n);
  checkLength(fn, 'groups', groups.length, n);
  const s = checkScores(fn, scores);
  const yy = checkLabels(fn, y);
  const g = codesFromValues(groups, 'groups', fn);
  const G = g.names.length;
  const metric = opts.metric ?? 'demographic_parity';
  const bound = opts.bound ?? 0.05;
  const T = opts.thresholds ?? 100;
  const M = opts.margins ?? 50;
  if (!(bound >= 0)) throw new InvalidArgumentError(fn, 'bound', bound, 'a number ≥ 0');
  if (!Number.isInteger(T) || T < 1) throw new InvalidArgumentError(fn, 'thresholds', T, 'an integer ≥ 1');
  if (!Number.isInteger(M) || M < 1) throw new InvalidArgumentError(fn, 'margins', M, 'an integer ≥ 1');
  const codes = g.codes;
  const pos = new Float64Array(G);
  for (let i = 0; i < n; i++) pos[codes[i]!] = pos[codes[i]!]! + yy[i]!;
  let priv: number;
  if (opts.privileged !== undefined) {
    priv = g.names.indexOf(opts.privileged);
    if (priv < 0)
      throw new InvalidArgumentError(fn, 'privileged', opts.privileged, `one of ${g.names.join(', ')}`);
  } else {
    const sel = new Float64Array(G);
    for (let i = 0; i < n; i++) if (s[i]! >= 0.5) sel[codes[i]!] = sel[codes[i]!]! + 1;
    priv = 0;
    for (let a = 1; a < G; a++) if (sel[a]! / g.counts[a]! > sel[priv]! / g.counts[priv]!) priv = a;
  }
  const P = yy.reduce((a, b) => a + b, 0);
  const N = n - P;
  const selA = new Float64Array(G);
  const tpA = new Float64Array(G);
  let best: { t: number; m: number; ba: number; d: number; ok: boolean } | null = null;
  for (let ti = 0; ti < T; ti++) {
    const t = T === 1 ? 0.5 : 0.01 + (0.98 * ti) / (T - 1);
    const mMax = Math.min(t, 1 - t);
    for (let mi = 0; mi < M; mi++) {
      const m = M === 1 ? 0 : (mMax * mi) / (M - 1);
      selA.fill(0);
      tpA.fill(0);
      const lo = t - m;
      const hi = t + m;
      for (let i = 0; i < n; i++) {
        const a = codes[i]!;
        const d = s[i]! >= (a === priv ? hi : lo) ? 1 : 0;
        selA[a] = selA[a]! + d;
        tpA[a] = tpA[a]! + d * yy[i]!;
      }
      let tp = 0;
      let sel = 0;
      let dMin = Number.POSITIVE_INFINITY;
      let dMax = Number.NEGATIVE_INFINITY;
      let fMin = Number.POSITIVE_INFINITY;
      let fMax = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < G; a++) {
        tp += tpA[a]!;
        sel += selA[a]!;
        const neg = g.counts[a]! - pos[a]!;
        const r =
          metric === 'demographic_parity'
            ? selA[a]! / g.counts[a]!
            : pos[a]! > 0
              ? tpA[a]! / pos[a]!
              : Number.NaN;
        const f = neg > 0 ? (selA[a]! - tpA[a]!) / neg : Number.NaN;
        if (!Number.isNaN(r)) {
          dMin = Math.min(dMin, r);
          dMax = Math.max(dMax, r);
        }
        if (!Number.isNaN(f)) {
          fMin = Math.min(fMin, f);
          fMax = Math.max(fMax, f);
        }
      }
      const d = metric === 'equalized_odds' ? Math.max(dMax - dMin, fMax - fMin) : dMax - dMin;
      const tn = N - (sel - tp);
      const ba = 0.5 * (P > 0 ? tp / P : 0) + 0.5 * (N > 0 ? tn / N : 0);
      const ok = d <= bound;
      if (
        best === null ||
        (ok && (!best.ok || ba > best.ba + 1e-15)) ||
        (!ok && !best.ok && d < best.d - 1e-15)
      )
        best = { t, m, ba, d, ok };
    }
  }
  const b = best!;
  const rules: Record<string, GroupRule> = {};
  for (let a = 0; a < G; a++) rules[g.names[a]!] = plainThreshold(a === priv ? b.t + b.m : b.t - b.m);
  return {
    rule: { kind: 'group-thresholds', method: 'reject-option', groups: rules },
    threshold: b.t,
    margin: b.m,
    privileged: g.names[priv]!,
    balancedAccuracy: b.ba,
    disparity: b.d,
    withinBound: b.ok,
  };
}
