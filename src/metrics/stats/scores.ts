/**
 * @module metrics/stats/scores
 * Score histograms (distinct score value × class, weighted and raw) and the metrics they determine
 * exactly: ROC AUC as the Mann–Whitney U statistic (Hanley & McNeil 1982,
 * https://doi.org/10.1148/radiology.143.1.7063747), the ROC curve, the Brier score, expected
 * calibration error (Guo et al. 2017, https://arxiv.org/abs/1706.04599) and the unintended-bias
 * AUCs of Borkan et al. 2019 (https://arxiv.org/abs/1903.04561): subgroup, BPSN and BNSP AUC.
 */

import { Adder, InvalidArgumentError } from '../../core/index.js';
import type { MetricValue } from '../audit-types.js';
import type { ScoreHistogram } from './types.js';

const EMPTY = new Float64Array(0);

/**
 * The histogram of no rows: the identity of {@link mergeScoreHistograms}.
 * @example rocAuc(emptyScoreHistogram) // { value: null, undefinedBecause: 'emptyGroup' }
 */
export const emptyScoreHistogram: ScoreHistogram = Object.freeze({
  values: EMPTY,
  pos: EMPTY,
  neg: EMPTY,
  npos: EMPTY,
  nneg: EMPTY,
});

/**
 * Builds the score histogram of `scores` with 0/1 labels `yTrue`: rows sorted by score and
 * run-length encoded, so each distinct value carries Σw and the row count of positives and of
 * negatives. −0 and 0 are one value. O(n log n); the reference builder for tests and small inputs
 * (the producers build histograms by GROUP BY).
 *
 * @param scores - finite real numbers (any range; AUC needs only their order, while the Brier
 *   score and calibration need them in [0, 1]).
 * @param yTrue - 0 or 1 per row.
 * @param weights - optional finite non-negative weights; default 1 per row.
 * @throws {AEQ_INVALID_ARGUMENT} when lengths differ, a score is not finite, a label is not 0/1, or a weight is negative or not finite.
 * @example
 * scoreHistogram([0.2, 0.7, 0.2], [0, 1, 1])
 * // { values: [0.2, 0.7], pos: [1, 1], neg: [1, 0], npos: [1, 1], nneg: [1, 0] }
 */
export function scoreHistogram(
  scores: ArrayLike<number>,
  yTrue: ArrayLike<number>,
  weights?: ArrayLike<number>,
): ScoreHistogram {
  const fn = 'scoreHistogram';
  const n = scores.length;
  if (yTrue.length !== n) {
    throw new InvalidArgumentError(fn, 'yTrue', `length ${yTrue.length}`, `of length ${n} (as scores)`);
  }
  if (weights !== undefined && weights.length !== n) {
    throw new InvalidArgumentError(fn, 'weights', `length ${weights.length}`, `of length ${n} (as scores)`);
  }
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new InvalidArgumentError(fn, `scores[${i}]`, s, 'a finite number');
    const y = yTrue[i]!;
    if (y !== 0 && y !== 1) throw new InvalidArgumentError(fn, `yTrue[${i}]`, y, '0 or 1');
    if (weights !== undefined) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new InvalidArgumentError(fn, `weights[${i}]`, w, 'a finite number ≥ 0');
      }
    }
  }
  if (n === 0) return emptyScoreHistogram;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  let distinct = 1;
  for (let i = 1; i < n; i++) if (scores[order[i]!]! !== scores[order[i - 1]!]!) distinct++;
  const values = new Float64Array(distinct);
  const pos = new Float64Array(distinct);
  const neg = new Float64Array(distinct);
  const npos = new Float64Array(distinct);
  const nneg = new Float64Array(distinct);
  let j = -1;
  let prev = Number.NaN;
  let wpSum = new Adder();
  let wnSum = new Adder();
  for (let i = 0; i < n; i++) {
    const r = order[i]!;
    const s = scores[r]!;
    if (s !== prev) {
      if (j >= 0) {
        pos[j] = wpSum.value;
        neg[j] = wnSum.value;
      }
      j++;
      values[j] = s + 0; // −0 + 0 = +0
      prev = s;
      wpSum = new Adder();
      wnSum = new Adder();
    }
    const w = weights === undefined ? 1 : weights[r]!;
    if (yTrue[r] === 1) {
      wpSum.add(w);
      npos[j]!++;
    } else {
      wnSum.add(w);
      nneg[j]!++;
    }
  }
  pos[j] = wpSum.value;
  neg[j] = wnSum.value;
  return { values, pos, neg, npos, nneg };
}

/**
 * The histogram of the union of two disjoint sets of rows: a sorted merge of the value arrays,
 * adding the counts of equal values. O(|a| + |b|). Commutative, associative (exactly for integer
 * weights, up to rounding otherwise), with {@link emptyScoreHistogram} as identity.
 *
 * @example
 * mergeScoreHistograms(scoreHistogram([0.1, 0.5], [0, 1]), scoreHistogram([0.5, 0.9], [0, 1]))
 * // { values: [0.1, 0.5, 0.9], pos: [0, 1, 1], neg: [1, 1, 0], npos: [0, 1, 1], nneg: [1, 1, 0] }
 */
export function mergeScoreHistograms(a: ScoreHistogram, b: ScoreHistogram): ScoreHistogram {
  const na = a.values.length;
  const nb = b.values.length;
  let distinct = 0;
  for (let i = 0, j = 0; i < na || j < nb; distinct++) {
    if (j >= nb || (i < na && a.values[i]! < b.values[j]!)) i++;
    else if (i >= na || b.values[j]! < a.values[i]!) j++;
    else {
      i++;
      j++;
    }
  }
  const values = new Float64Array(distinct);
  const pos = new Float64Array(distinct);
  const neg = new Float64Array(distinct);
  const npos = new Float64Array(distinct);
  const nneg = new Float64Array(distinct);
  for (let i = 0, j = 0, k = 0; k < distinct; k++) {
    const takeA = i < na && (j >= nb || a.values[i]! <= b.values[j]!);
    const takeB = j < nb && (i >= na || b.values[j]! <= a.values[i]!);
    values[k] = takeA ? a.values[i]! : b.values[j]!;
    if (takeA) {
      pos[k] = a.pos[i]!;
      neg[k] = a.neg[i]!;
      npos[k] = a.npos[i]!;
      nneg[k] = a.nneg[i]!;
      i++;
    }
    if (takeB) {
      pos[k]! += b.pos[j]!;
      neg[k]! += b.neg[j]!;
      npos[k]! += b.npos[j]!;
      nneg[k]! += b.nneg[j]!;
      j++;
    }
  }
  return { values, pos, neg, npos, nneg };
}

/**
 * The histogram of `total` without the rows of `part`, where `part` is a subset of `total`'s rows
 * (e.g. the background of a subgroup: all rows minus the subgroup). Values whose raw counts drop
 * to zero are removed; a weighted count whose raw count is zero is set to exactly 0, and small
 * negative rounding residue is clamped to 0. O(|total| + |part|).
 *
 * @throws {AEQ_INVALID_ARGUMENT} when `part` has a value not in `total`, or more rows at a value than `total`.
 * @example
 * subtractScoreHistograms(scoreHistogram([0.1, 0.5, 0.5], [0, 1, 0]), scoreHistogram([0.5], [0]))
 * // { values: [0.1, 0.5], pos: [0, 1], neg: [1, 0], npos: [0, 1], nneg: [1, 0] }
 */
export function subtractScoreHistograms(total: ScoreHistogram, part: ScoreHistogram): ScoreHistogram {
  const fn = 'subtractScoreHistograms';
  const nt = total.values.length;
  const np = part.values.length;
  const rp = new Float64Array(nt);
  const rn = new Float64Array(nt);
  const rnp = new Float64Array(nt);
  const rnn = new Float64Array(nt);
  let j = 0;
  let kept = 0;
  for (let i = 0; i < nt; i++) {
    const v = total.values[i]!;
    let p = total.pos[i]!;
    let q = total.neg[i]!;
    let cp = total.npos[i]!;
    let cn = total.nneg[i]!;
    if (j < np && part.values[j]! < v) {
      throw new InvalidArgumentError(
        fn,
        'part',
        `a score value ${part.values[j]}`,
        'a subset of the rows of total (every value of part must occur in total)',
      );
    }
    if (j < np && part.values[j] === v) {
      cp -= part.npos[j]!;
      cn -= part.nneg[j]!;
      if (cp < 0 || cn < 0) {
        throw new InvalidArgumentError(
          fn,
          'part',
          `more rows at score ${v} than total has`,
          'a subset of the rows of total',
        );
      }
      p = cp === 0 ? 0 : Math.max(0, p - part.pos[j]!);
      q = cn === 0 ? 0 : Math.max(0, q - part.neg[j]!);
      j++;
    }
    rp[i] = p;
    rn[i] = q;
    rnp[i] = cp;
    rnn[i] = cn;
    if (cp > 0 || cn > 0) kept++;
  }
  if (j < np) {
    throw new InvalidArgumentError(
      fn,
      'part',
      `a score value ${part.values[j]}`,
      'a subset of the rows of total (every value of part must occur in total)',
    );
  }
  const values = new Float64Array(kept);
  const pos = new Float64Array(kept);
  const neg = new Float64Array(kept);
  const npos = new Float64Array(kept);
  const nneg = new Float64Array(kept);
  for (let i = 0, k = 0; i < nt; i++) {
    if (rnp[i] === 0 && rnn[i] === 0) continue;
    values[k] = total.values[i]!;
    pos[k] = rp[i]!;
    neg[k] = rn[i]!;
    npos[k] = rnp[i]!;
    nneg[k] = rnn[i]!;
    k++;
  }
  return { values, pos, neg, npos, nneg };
}

function sumOf(a: Float64Array): number {
  const s = new Adder();
  for (let i = 0; i < a.length; i++) s.add(a[i]!);
  return s.value;
}

/**
 * AUC of the positives of `posH` against the negatives of `negH`: the probability that a random
 * positive scores above a random negative, ties counted ½ (weighted Mann–Whitney U / (P·N)).
 * One merge pass, O(|posH| + |negH|).
 */
function crossAuc(
  posH: ScoreHistogram,
  negH: ScoreHistogram,
  group: ScoreHistogram,
  noPos: 'singleClass' | 'noPositives',
  noNeg: 'singleClass' | 'noNegatives',
): MetricValue {
  if (sumOf(group.npos) + sumOf(group.nneg) === 0) return { value: null, undefinedBecause: 'emptyGroup' };
  if (sumOf(posH.npos) === 0) return { value: null, undefinedBecause: noPos };
  if (sumOf(negH.nneg) === 0) return { value: null, undefinedBecause: noNeg };
  const P = sumOf(posH.pos);
  const N = sumOf(negH.neg);
  if (!(P > 0) || !(N > 0)) return { value: null, undefinedBecause: 'zeroWeight' };
  const u = new Adder();
  const below = new Adder(); // negative weight strictly below the current positive value
  const nv = negH.values;
  let j = 0;
  for (let i = 0; i < posH.values.length; i++) {
    const v = posH.values[i]!;
    while (j < nv.length && nv[j]! < v) below.add(negH.neg[j++]!);
    const w = posH.pos[i]!;
    if (w === 0) continue;
    const tie = j < nv.length && nv[j] === v ? negH.neg[j]! : 0;
    u.add(w * (below.value + 0.5 * tie));
  }
  return { value: Math.min(1, Math.max(0, u.value / (P * N))) };
}

/**
 * Exact, weighted ROC AUC: Σ over (positive, negative) pairs of w⁺·w⁻·[s⁺ > s⁻] (+ ½ on ties),
 * divided by Σw⁺·Σw⁻ (the Mann–Whitney U statistic normalised). O(distinct values). Scores may be
 * any real numbers: only their order matters.
 *
 * @returns the AUC in [0, 1]; null with 'emptyGroup' for no rows, 'singleClass' when there are no
 *   positives or no negatives, 'zeroWeight' when either class has zero total weight.
 * @example rocAuc(scoreHistogram([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])) // { value: 0.75 }
 */
export function rocAuc(h: ScoreHistogram): MetricValue {
  return crossAuc(h, h, h, 'singleClass', 'singleClass');
}

/**
 * Subgroup AUC (Borkan et al. 2019): the ROC AUC restricted to the subgroup's own rows; low values
 * mean the model separates classes poorly within the subgroup. Same as {@link rocAuc} of the
 * subgroup's histogram.
 *
 * @example subgroupAuc(scoreHistogram([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])) // { value: 0.75 }
 */
export function subgroupAuc(group: ScoreHistogram): MetricValue {
  return rocAuc(group);
}

/**
 * BPSN AUC, "background positive, subgroup negative" (Borkan et al. 2019): the AUC of the
 * background's positives against the subgroup's negatives. Low values mean the subgroup's
 * negatives score higher than other rows' positives: false positives concentrate on the subgroup.
 * The background is every row not in the subgroup (use {@link subtractScoreHistograms}).
 *
 * @returns null with 'emptyGroup' when the subgroup is empty, 'noPositives' when the background
 *   has no positives, 'noNegatives' when the subgroup has no negatives, 'zeroWeight' when either side weighs 0.
 * @example
 * bpsnAuc(scoreHistogram([0.6, 0.9], [0, 1]), scoreHistogram([0.5, 0.2], [1, 0]))
 * // { value: 0 }: the subgroup's negative (0.6) outscores the background's positive (0.5)
 */
export function bpsnAuc(group: ScoreHistogram, background: ScoreHistogram): MetricValue {
  return crossAuc(background, group, group, 'noPositives', 'noNegatives');
}

/**
 * BNSP AUC, "background negative, subgroup positive" (Borkan et al. 2019): the AUC of the
 * subgroup's positives against the background's negatives. Low values mean the subgroup's
 * positives score lower than other rows' negatives: false negatives concentrate on the subgroup.
 *
 * @returns null with 'emptyGroup' when the subgroup is empty, 'noPositives' when the subgroup has
 *   no positives, 'noNegatives' when the background has no negatives, 'zeroWeight' when either side weighs 0.
 * @example
 * bnspAuc(scoreHistogram([0.6, 0.9], [0, 1]), scoreHistogram([0.5, 0.2], [1, 0]))
 * // { value: 1 }: the subgroup's positive (0.9) outscores the background's negative (0.2)
 */
export function bnspAuc(group: ScoreHistogram, background: ScoreHistogram): MetricValue {
  return crossAuc(group, background, group, 'noPositives', 'noNegatives');
}

/**
 * The ROC curve as [false positive rate, true positive rate] points, from (0, 0) (threshold above
 * every score) to (1, 1), one point per distinct score value (threshold s: predict positive when
 * score ≥ s). Long curves are downsampled to at most `maxPoints` points, evenly by index, always
 * keeping both endpoints. For charts; use {@link rocAuc} for the area.
 *
 * @param maxPoints - ≥ 2. @default 200
 * @returns [] when the histogram has no positive or no negative weight.
 * @throws {AEQ_INVALID_ARGUMENT} when maxPoints is not an integer ≥ 2.
 * @example rocCurve(scoreHistogram([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]))
 * // [[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1]]
 */
export function rocCurve(h: ScoreHistogram, maxPoints = 200): [number, number][] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new InvalidArgumentError('rocCurve', 'maxPoints', maxPoints, 'an integer ≥ 2');
  }
  const P = sumOf(h.pos);
  const N = sumOf(h.neg);
  if (!(P > 0) || !(N > 0)) return [];
  const m = h.values.length;
  const all: [number, number][] = [[0, 0]];
  const tp = new Adder();
  const fp = new Adder();
  for (let i = m - 1; i >= 0; i--) {
    tp.add(h.pos[i]!);
    fp.add(h.neg[i]!);
    all.push(i === 0 ? [1, 1] : [Math.min(1, fp.value / N), Math.min(1, tp.value / P)]);
  }
  if (all.length <= maxPoints) return all;
  const out: [number, number][] = [];
  for (let k = 0; k < maxPoints; k++) out.push(all[Math.round((k * (all.length - 1)) / (maxPoints - 1))]!);
  return out;
}

function scoresInUnitInterval(h: ScoreHistogram): boolean {
  const m = h.values.length;
  return m === 0 || (h.values[0]! >= 0 && h.values[m - 1]! <= 1);
}

function emptyOrZero(h: ScoreHistogram, w: number): MetricValue | null {
  if (sumOf(h.npos) + sumOf(h.nneg) === 0) return { value: null, undefinedBecause: 'emptyGroup' };
  if (!(w > 0)) return { value: null, undefinedBecause: 'zeroWeight' };
  return null;
}

/**
 * The Brier score Σw·(s − y)² / Σw: the mean squared error of the score as a probability
 * (Brier 1950). Lower is better; 0.25 is the score of always predicting ½.
 *
 * @returns null with 'undefinedInput' when any score is outside [0, 1] (not a probability),
 *   'emptyGroup' for no rows, 'zeroWeight' when Σw = 0.
 * @example brierScore(scoreHistogram([0.9, 0.2, 0.6], [1, 0, 0])) // { value: 0.1366… } = (0.01 + 0.04 + 0.36) / 3
 */
export function brierScore(h: ScoreHistogram): MetricValue {
  const wp = sumOf(h.pos);
  const wn = sumOf(h.neg);
  const bad = emptyOrZero(h, wp + wn);
  if (bad) return bad;
  if (!scoresInUnitInterval(h)) return { value: null, undefinedBecause: 'undefinedInput' };
  const s = new Adder();
  for (let i = 0; i < h.values.length; i++) {
    const v = h.values[i]!;
    s.add(h.pos[i]! * (1 - v) * (1 - v));
    s.add(h.neg[i]! * v * v);
  }
  return { value: s.value / (wp + wn) };
}

interface Bin {
  w: Adder;
  ws: Adder;
  wy: Adder;
  n: number;
}

function calibrationBins(h: ScoreHistogram, bins: number, fn: string): Bin[] {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new InvalidArgumentError(fn, 'bins', bins, 'an integer ≥ 1');
  }
  const out: Bin[] = [];
  for (let b = 0; b < bins; b++) out.push({ w: new Adder(), ws: new Adder(), wy: new Adder(), n: 0 });
  for (let i = 0; i < h.values.length; i++) {
    const v = h.values[i]!;
    // Bin b covers [b/B, (b+1)/B); a score of exactly 1 goes to the last bin.
    const bin = out[Math.min(bins - 1, Math.floor(v * bins))]!;
    const w = h.pos[i]! + h.neg[i]!;
    bin.w.add(w);
    bin.ws.add(w * v);
    bin.wy.add(h.pos[i]!);
    bin.n += h.npos[i]! + h.nneg[i]!;
  }
  return out;
}

/**
 * Expected calibration error (Guo et al. 2017) with equal-width bins on [0, 1]:
 * ECE = Σ_b (W_b / W) · |mean score_b − observed positive rate_b|, where W_b is the weight in bin
 * b (bin b = [b/B, (b+1)/B), the last bin closed). 0 for a perfectly calibrated score.
 *
 * @param bins - number of bins B, an integer ≥ 1. @default 10
 * @returns null with 'undefinedInput' when a score is outside [0, 1], 'emptyGroup' for no rows,
 *   'zeroWeight' when Σw = 0.
 * @throws {AEQ_INVALID_ARGUMENT} when bins is not an integer ≥ 1.
 * @example
 * expectedCalibrationError(scoreHistogram([0.15, 0.15, 0.85, 0.85], [0, 1, 1, 1]), 2)
 * // { value: 0.25 }: ½·|0.15 − 0.5| (bin [0, 0.5)) + ½·|0.85 − 1| (bin [0.5, 1])
 */
export function expectedCalibrationError(h: ScoreHistogram, bins = 10): MetricValue {
  const fn = 'expectedCalibrationError';
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidArgumentError(fn, 'bins', bins, 'an integer ≥ 1');
  const wTotal = sumOf(h.pos) + sumOf(h.neg);
  const bad = emptyOrZero(h, wTotal);
  if (bad) return bad;
  if (!scoresInUnitInterval(h)) return { value: null, undefinedBecause: 'undefinedInput' };
  const e = new Adder();
  // (W_b/W)·|Σws/W_b − Σwy/W_b| = |Σws − Σwy| / W
  for (const b of calibrationBins(h, bins, fn)) e.add(Math.abs(b.ws.value - b.wy.value));
  return { value: e.value / wTotal };
}

/**
 * The reliability diagram: per non-empty equal-width bin on [0, 1], the weighted mean score, the
 * weighted observed positive rate and the row count. A calibrated score lies on the diagonal.
 * Bins with no rows, or whose rows weigh 0, are left out.
 *
 * @param bins - number of bins, an integer ≥ 1. @default 10
 * @returns [] when a score is outside [0, 1] (not a probability) or there are no rows.
 * @throws {AEQ_INVALID_ARGUMENT} when bins is not an integer ≥ 1.
 * @example
 * calibrationCurve(scoreHistogram([0.15, 0.15, 0.85, 0.85], [0, 1, 1, 1]), 2)
 * // [{ meanScore: 0.15, observedRate: 0.5, count: 2 }, { meanScore: 0.85, observedRate: 1, count: 2 }]
 */
export function calibrationCurve(
  h: ScoreHistogram,
  bins = 10,
): { meanScore: number; observedRate: number; count: number }[] {
  const fn = 'calibrationCurve';
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidArgumentError(fn, 'bins', bins, 'an integer ≥ 1');
  if (!scoresInUnitInterval(h)) return [];
  const out: { meanScore: number; observedRate: number; count: number }[] = [];
  for (const b of calibrationBins(h, bins, fn)) {
    const w = b.w.value;
    if (b.n === 0 || !(w > 0)) continue;
    out.push({ meanScore: b.ws.value / w, observedRate: Math.min(1, b.wy.value / w), count: b.n });
  }
  return out;
}
