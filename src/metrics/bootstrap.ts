/**
 * @module metrics/bootstrap
 * The nonparametric bootstrap (Efron & Tibshirani, An Introduction to the Bootstrap, 1993) run on
 * sufficient statistics instead of rows (DESIGN idea 1): drawing N rows with replacement from N
 * rows is the same, in distribution, as drawing one multinomial over the cells that rows fall in,
 * with the cells' row counts as weights. So a resample costs O(cells), never O(rows), and
 * percentile intervals for any metric of a cube cost O(cells × resamples).
 */

import { InvalidArgumentError, multinomialInto, type Rng } from '../core/index.js';
import type { Interval } from './audit-types.js';
import type { ClassMatrix, Confusion, ScoreHistogram, StatsCell, StatsCube } from './stats/types.js';

/** Options of {@link bootstrapCube}. */
export interface BootstrapOptions {
  /** Number of resamples B. @default 1000 @minimum 1 */
  readonly resamples?: number;
  /** The seeded generator (same seed, same intervals). */
  readonly rng: Rng;
  /** Two-sided confidence level of the percentile intervals, in (0, 1). @default 0.95 */
  readonly confidence?: number;
}

/** The bootstrap distribution of every output of the statistic, and its percentile intervals. */
export interface BootstrapResult {
  /** Per output index, the B resampled values (NaN where the statistic was undefined). */
  readonly estimates: Float64Array[];
  /** Per output index, the percentile interval, or null when fewer than half the resamples gave a finite value. */
  readonly intervals: (Interval | null)[];
}

/**
 * The percentile interval [q(α/2), q(1 − α/2)] of a sample, α = 1 − confidence, with linear
 * interpolation between order statistics (Hyndman & Fan type 7, R's default). Non-finite values
 * (NaN from undefined statistics) are skipped; with fewer than `minValid` finite values the result
 * is null.
 *
 * @param minValid - the least number of finite values needed. @default 1
 * @throws {AEQ_INVALID_ARGUMENT} when confidence is outside (0, 1).
 * @example percentileInterval(Float64Array.from({ length: 100 }, (_, i) => i + 1), 0.9) // [5.95, 95.05]
 */
export function percentileInterval(
  values: ArrayLike<number>,
  confidence: number,
  minValid = 1,
): Interval | null {
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidArgumentError(
      'percentileInterval',
      'confidence',
      confidence,
      'a number strictly between 0 and 1',
    );
  }
  let valid = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) valid++;
  if (valid === 0 || valid < minValid) return null;
  const sorted = new Float64Array(valid);
  for (let i = 0, j = 0; i < values.length; i++) if (Number.isFinite(values[i])) sorted[j++] = values[i]!;
  sorted.sort();
  const alpha = 1 - confidence;
  const q = (p: number): number => {
    const h = (valid - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(valid - 1, lo + 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  };
  return [q(alpha / 2), q(1 - alpha / 2)];
}

/** One multinomial draw: flat row counts of every resampled unit, and each unit's mean weight. */
interface Draw {
  readonly counts: Float64Array;
  readonly meanWeight: Float64Array;
  readonly out: Float64Array;
  readonly total: number;
}

function makeDraw(counts: number[], weights: number[]): Draw {
  let total = 0;
  const c = Float64Array.from(counts);
  const m = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    total += counts[i]!;
    m[i] = counts[i]! > 0 ? weights[i]! / counts[i]! : 0;
  }
  return { counts: c, meanWeight: m, out: new Float64Array(counts.length), total };
}

function checkCount(v: number, where: string): void {
  if (!Number.isInteger(v) || v < 0) {
    throw new InvalidArgumentError(
      'bootstrapCube',
      'cube',
      `a row count ${v} at ${where}`,
      'row counts that are integers ≥ 0',
      'Raw counts (ntp, npos, counts, …) must be row counts, not weighted sums.',
    );
  }
}

/**
 * Bootstraps any statistic of a cube by resampling its sufficient statistics. Per resample:
 *
 * - **Confusion cells.** Every (cube cell × tp/fp/tn/fn) is a unit with its row count n_u and
 *   mean weight w_u/n_u. One multinomial draw of N = Σ n_u rows over all units gives new counts
 *   k_u; the resampled weighted sum is k_u · w_u/n_u. This is exactly the row bootstrap when
 *   weights are constant within a unit (always true without sample weights); with varying
 *   weights it leaves out the within-unit spread of weights.
 * - **Class matrices** (multiclass) are resampled the same way, over (cell × true × predicted), in
 *   their own draw.
 * - **Score histograms** are resampled over (cell × distinct value × class) in a separate draw.
 *   Confusions and histograms describe the same rows, but drawing them jointly would need the
 *   (score, prediction) cross-classification, which the cube does not hold; so a statistic that
 *   mixes the two gets the right marginal spread of each but not their correlation. Resampled
 *   histograms keep every value, some with zero counts.
 * - **Regression moments are not resampled** (sums of errors cannot be redistributed over rows
 *   without the rows): they are removed from the resampled cells, so statistics reading them are
 *   undefined and their intervals null. Use a normal approximation from the moments instead.
 *
 * Each output's interval is the percentile interval of its resampled values; NaN (or otherwise
 * non-finite, or null) outputs are skipped, and an output finite in fewer than half of the
 * resamples gets null. Cost: O((cells + units) × resamples), independent of the row count.
 *
 * @param statistic - maps a (resampled) cube to a fixed number of outputs; NaN marks "undefined".
 * @throws {AEQ_INVALID_ARGUMENT} for resamples not a positive integer, confidence outside (0, 1),
 *   non-integer row counts in the cube, or a statistic whose output length changes.
 * @example
 * const rate = (c: StatsCube) => { const x = c.cells[0]!.confusion!; return [(x.tp + x.fp) / (x.tp + x.fp + x.tn + x.fn)]; };
 * bootstrapCube(cube, rate, { rng: seededRng(1) }).intervals[0] // e.g. [0.332, 0.468] for 80 of 200 selected
 */
export function bootstrapCube(
  cube: StatsCube,
  statistic: (resampled: StatsCube) => ArrayLike<number>,
  opts: BootstrapOptions,
): BootstrapResult {
  const fn = 'bootstrapCube';
  const B = opts.resamples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(B) || B < 1) throw new InvalidArgumentError(fn, 'resamples', B, 'an integer ≥ 1');
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidArgumentError(
      fn,
      'confidence',
      confidence,
      'a number strictly between 0 and 1 (e.g. 0.95)',
    );
  }
  const rng = opts.rng;
  const cells = cube.cells;

  const confCounts: number[] = [];
  const confWeights: number[] = [];
  const classCounts: number[] = [];
  const classWeights: number[] = [];
  const scoreCounts: number[] = [];
  const scoreWeights: number[] = [];
  cells.forEach((cell, ci) => {
    const c = cell.confusion;
    if (c) {
      const n = [c.ntp, c.nfp, c.ntn, c.nfn];
      for (const v of n) checkCount(v, `cells[${ci}].confusion`);
      confCounts.push(...n);
      confWeights.push(c.tp, c.fp, c.tn, c.fn);
    }
    const m = cell.classes;
    if (m) {
      for (let i = 0; i < m.k * m.k; i++) {
        checkCount(m.counts[i]!, `cells[${ci}].classes`);
        classCounts.push(m.counts[i]!);
        classWeights.push(m.weighted[i]!);
      }
    }
    const h = cell.scores;
    if (h) {
      for (let i = 0; i < h.values.length; i++) {
        checkCount(h.npos[i]!, `cells[${ci}].scores`);
        checkCount(h.nneg[i]!, `cells[${ci}].scores`);
        scoreCounts.push(h.npos[i]!, h.nneg[i]!);
        scoreWeights.push(h.pos[i]!, h.neg[i]!);
      }
    }
  });
  const draws = {
    conf: makeDraw(confCounts, confWeights),
    classes: makeDraw(classCounts, classWeights),
    scores: makeDraw(scoreCounts, scoreWeights),
  };

  let estimates: Float64Array[] | null = null;
  for (let b = 0; b < B; b++) {
    for (const d of [draws.conf, draws.classes, draws.scores]) {
      if (d.total > 0) multinomialInto(rng, d.total, d.counts, d.out);
    }
    const resampled = resampleCells(cells, draws.conf, draws.classes, draws.scores);
    const out = statistic({ ...cube, cells: resampled });
    if (estimates === null) {
      estimates = [];
      for (let j = 0; j < out.length; j++) estimates.push(new Float64Array(B));
    } else if (out.length !== estimates.length) {
      throw new InvalidArgumentError(
        fn,
        'statistic',
        `an output of length ${out.length} in resample ${b}`,
        `the same length in every resample (${estimates.length} in the first)`,
      );
    }
    for (let j = 0; j < out.length; j++) {
      const v = out[j] as number | null | undefined;
      estimates[j]![b] = typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
    }
  }
  const est = estimates ?? [];
  return { estimates: est, intervals: est.map((e) => percentileInterval(e, confidence, B / 2)) };
}

function resampleCells(cells: readonly StatsCell[], conf: Draw, classes: Draw, scores: Draw): StatsCell[] {
  let cu = 0;
  let ku = 0;
  let su = 0;
  const out: StatsCell[] = [];
  for (const cell of cells) {
    const next: {
      key: readonly (string | null)[];
      confusion?: Confusion;
      classes?: ClassMatrix;
      scores?: ScoreHistogram;
    } = { key: cell.key };
    if (cell.confusion) {
      const k = conf.out;
      const m = conf.meanWeight;
      next.confusion = {
        tp: k[cu]! * m[cu]!,
        fp: k[cu + 1]! * m[cu + 1]!,
        tn: k[cu + 2]! * m[cu + 2]!,
        fn: k[cu + 3]! * m[cu + 3]!,
        ntp: k[cu]!,
        nfp: k[cu + 1]!,
        ntn: k[cu + 2]!,
        nfn: k[cu + 3]!,
      };
      cu += 4;
    }
    if (cell.classes) {
      const kk = cell.classes.k * cell.classes.k;
      const weighted = new Float64Array(kk);
      const counts = new Float64Array(kk);
      for (let i = 0; i < kk; i++, ku++) {
        counts[i] = classes.out[ku]!;
        weighted[i] = classes.out[ku]! * classes.meanWeight[ku]!;
      }
      next.classes = { k: cell.classes.k, weighted, counts };
    }
    if (cell.scores) {
      const m = cell.scores.values.length;
      const pos = new Float64Array(m);
      const neg = new Float64Array(m);
      const npos = new Float64Array(m);
      const nneg = new Float64Array(m);
      for (let i = 0; i < m; i++, su += 2) {
        npos[i] = scores.out[su]!;
        nneg[i] = scores.out[su + 1]!;
        pos[i] = scores.out[su]! * scores.meanWeight[su]!;
        neg[i] = scores.out[su + 1]! * scores.meanWeight[su + 1]!;
      }
      next.scores = { values: cell.scores.values, pos, neg, npos, nneg };
    }
    out.push(next);
  }
  return out;
}
