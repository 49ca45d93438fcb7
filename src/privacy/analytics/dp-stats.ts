/**
 * @module privacy/analytics/dp-stats
 * Differentially private statistics over a Table: counts, sums, means, variances (Laplace mechanism
 * on clamped values; Dwork & Roth 2014, §3.3), quantiles (exponential mechanism over a grid of bin
 * edges; Smith 2011, https://doi.org/10.1145/1993636.1993743) and histograms (with thresholded
 * partition selection when the categories are not declared; Korolova et al. 2009, Wilson et al. 2020).
 * One family in one file because the queries share clamping, sensitivity and release shapes. Every
 * query spends from a Budget before it draws noise, so a refused release reveals nothing.
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { type Column, cellString, type Table } from '../../data/index.js';
import type { Budget } from '../accounting/index.js';
import {
  exponentialMechanism,
  laplaceMechanism,
  laplaceNoise,
  type RandomSource,
} from '../mechanisms/index.js';

/** One DP release: the noisy value and what it cost. */
export interface DpRelease {
  readonly label: string;
  readonly value: number;
  readonly epsilon: number;
  readonly delta: number;
  readonly mechanism: 'laplace' | 'exponential';
  /** Standard deviation of the privacy noise in `value` (approximate for ratios; null for quantiles). */
  readonly noiseStd: number | null;
  /** 95% interval of the statistic on the (bounded, clamped) data given the release, from the noise alone. */
  readonly ci95: readonly [number, number] | null;
}

/** Options shared by every DP query. */
export interface DpQueryOptions {
  /** The budget the release spends from. */
  readonly budget: Budget;
  /** ε spent by this release (> 0). */
  readonly epsilon: number;
  /** Rows one person may contribute, after contribution bounding (default 1). */
  readonly maxRowsPerPerson?: number;
  readonly source?: RandomSource;
  /** Name of the release in the budget's log. */
  readonly label?: string;
}

/** Options of the numeric queries: the clamping range is required and must come from domain knowledge. */
export interface DpClampOptions extends DpQueryOptions {
  readonly lower: number;
  readonly upper: number;
}

const LN20 = Math.log(20); // Laplace: P(|Z| > b·ln 20) = 0.05

function check(fn: string, o: DpQueryOptions): number {
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  const k = o.maxRowsPerPerson ?? 1;
  if (!Number.isInteger(k) || k < 1)
    throw new InvalidArgumentError(fn, 'maxRowsPerPerson', k, 'an integer ≥ 1');
  return k;
}

function src(o: { readonly source?: RandomSource }): { source?: RandomSource } {
  return o.source ? { source: o.source } : {};
}

/** Valid values of a number column, clamped to [lower, upper]; refuses a range that excludes all data. */
function clamped(fn: string, table: Table, column: string, o: DpClampOptions): Float64Array {
  if (!(Number.isFinite(o.lower) && Number.isFinite(o.upper) && o.lower < o.upper))
    throw new InvalidArgumentError(
      fn,
      'lower/upper',
      [o.lower, o.upper],
      'finite numbers with lower < upper',
    );
  const col = table.column(column);
  if (col.kind !== 'number')
    throw new InvalidArgumentError(
      fn,
      'column',
      column,
      'a number column',
      'Use dpHistogram for categories.',
    );
  const out: number[] = [];
  let inside = 0;
  for (let i = 0; i < col.values.length; i++) {
    if (col.valid !== null && !col.valid.isValid(i)) continue;
    const x = col.values[i]!;
    if (x >= o.lower && x <= o.upper) inside++;
    out.push(Math.min(o.upper, Math.max(o.lower, x)));
  }
  if (out.length > 0 && inside === 0)
    throw new AequaError(
      'AEQ_PRIVACY_CLAMP_RANGE',
      `The clamping range [${o.lower}, ${o.upper}] of column "${column}" excludes every one of its values, so every statistic would be an edge of the range.`,
      {
        hint: `Give a range that covers the plausible values of "${column}", set from domain knowledge (e.g. age 0:120).`,
        details: { column, lower: o.lower, upper: o.upper },
      },
    );
  return Float64Array.from(out);
}

/**
 * One Laplace release of `exact` (scale sensitivity/ε) with its 95% interval ±b·ln 20; spends no budget
 * (the caller does). Shared with `dpDescribeSql`.
 * @example laplaceRelease('rows', 1000, 1, 0.5, {}).ci95 // [value − 5.99, value + 5.99]
 */
export function laplaceRelease(
  label: string,
  exact: number,
  sensitivity: number,
  epsilon: number,
  o: { readonly source?: RandomSource },
): DpRelease {
  const noise = laplaceNoise({ epsilon, sensitivity });
  const value = laplaceMechanism(exact, { epsilon, sensitivity, ...src(o) });
  const half = noise.scale * LN20;
  return {
    label,
    value,
    epsilon,
    delta: 0,
    mechanism: 'laplace',
    noiseStd: noise.std,
    ci95: [value - half, value + half],
  };
}

/**
 * DP count of the rows (sensitivity k = rows per person): Laplace noise of scale k/ε.
 * @example dpCount(table, { budget, epsilon: 0.5 }).value // e.g. 1001.7 for 1000 rows
 */
export function dpCount(table: Table, o: DpQueryOptions): DpRelease {
  const k = check('dpCount', o);
  const label = o.label ?? 'count';
  o.budget.spend({ epsilon: o.epsilon }, label);
  return laplaceRelease(label, table.nrows, k, o.epsilon, o);
}

/**
 * DP sum of a number column clamped to [lower, upper] (sensitivity k·max(|lower|, |upper|)).
 * @example dpSum(table, 'income', { budget, epsilon: 0.5, lower: 0, upper: 200000 })
 * // { value: 1.2e9 (noisy), noiseStd: 565685, ci95: [...], … }
 */
export function dpSum(table: Table, column: string, o: DpClampOptions): DpRelease {
  const k = check('dpSum', o);
  const xs = clamped('dpSum', table, column, o);
  const label = o.label ?? `sum(${column})`;
  o.budget.spend({ epsilon: o.epsilon }, label);
  let s = 0;
  for (const x of xs) s += x;
  return laplaceRelease(label, s, k * Math.max(Math.abs(o.lower), Math.abs(o.upper)), o.epsilon, o);
}

/** DP first and second moments of a clamped column: count, mean, variance. */
export interface DpMoments {
  readonly count: DpRelease;
  readonly mean: DpRelease;
  readonly variance: DpRelease;
  readonly std: number;
}

/**
 * DP count, mean and variance of a clamped number column from three Laplace releases (ε/3 each):
 * the count n, Σ(x−m) and Σ(x−m)² around the range's midpoint m (sensitivities k, k·h, k·h², h = half
 * the range); mean and variance are post-processing, clamped to the feasible range.
 * @example dpMoments(table, 'age', { budget, epsilon: 0.3, lower: 0, upper: 100 }).mean.value // ≈ 38.6
 */
export function dpMoments(table: Table, column: string, o: DpClampOptions): DpMoments {
  const k = check('dpMoments', o);
  const xs = clamped('dpMoments', table, column, o);
  const label = o.label ?? column;
  o.budget.spend({ epsilon: o.epsilon }, `moments(${label})`);
  const e = o.epsilon / 3;
  const mid = (o.lower + o.upper) / 2;
  const h = (o.upper - o.lower) / 2;
  let s1 = 0;
  let s2 = 0;
  for (const x of xs) {
    s1 += x - mid;
    s2 += (x - mid) * (x - mid);
  }
  const n = laplaceRelease(`count(${label})`, xs.length, k, e, o);
  const r1 = laplaceRelease(`sum(${label})`, s1, k * h, e, o);
  const r2 = laplaceRelease(`sumsq(${label})`, s2, k * h * h, e, o);
  const nn = Math.max(1, n.value);
  const m1 = Math.max(-h, Math.min(h, r1.value / nn));
  const variance = Math.max(0, Math.min(h * h, r2.value / nn - m1 * m1));
  // Delta-method noise sd (noise only): mean = S1/n; var = S2/n − S1²/n².
  const sdMean = Math.sqrt(r1.noiseStd! ** 2 + m1 * m1 * n.noiseStd! ** 2) / nn;
  const sdVar = Math.sqrt(
    (r2.noiseStd! / nn) ** 2 + ((2 * m1 * r1.noiseStd!) / nn) ** 2 + ((variance / nn) * n.noiseStd!) ** 2,
  );
  const mean = mid + m1;
  return {
    count: { ...n, epsilon: e },
    mean: {
      label: `mean(${label})`,
      value: mean,
      epsilon: (2 * o.epsilon) / 3,
      delta: 0,
      mechanism: 'laplace',
      noiseStd: sdMean,
      ci95: [Math.max(o.lower, mean - 1.96 * sdMean), Math.min(o.upper, mean + 1.96 * sdMean)],
    },
    variance: {
      label: `variance(${label})`,
      value: variance,
      epsilon: o.epsilon,
      delta: 0,
      mechanism: 'laplace',
      noiseStd: sdVar,
      ci95: [Math.max(0, variance - 1.96 * sdVar), Math.min(h * h, variance + 1.96 * sdVar)],
    },
    std: Math.sqrt(variance),
  };
}

/**
 * DP mean of a clamped number column: ε/2 on the count, ε/2 on Σ(x − midpoint).
 * @example dpMean(table, 'age', { budget, epsilon: 1, lower: 0, upper: 100 }).value // ≈ 38.6
 */
export function dpMean(table: Table, column: string, o: DpClampOptions): DpRelease {
  const k = check('dpMean', o);
  const xs = clamped('dpMean', table, column, o);
  const label = o.label ?? `mean(${column})`;
  o.budget.spend({ epsilon: o.epsilon }, label);
  const mid = (o.lower + o.upper) / 2;
  const h = (o.upper - o.lower) / 2;
  let s1 = 0;
  for (const x of xs) s1 += x - mid;
  const n = laplaceRelease('n', xs.length, k, o.epsilon / 2, o);
  const s = laplaceRelease('s', s1, k * h, o.epsilon / 2, o);
  const nn = Math.max(1, n.value);
  const m1 = Math.max(-h, Math.min(h, s.value / nn));
  const sd = Math.sqrt(s.noiseStd! ** 2 + m1 * m1 * n.noiseStd! ** 2) / nn;
  const value = mid + m1;
  return {
    label,
    value,
    epsilon: o.epsilon,
    delta: 0,
    mechanism: 'laplace',
    noiseStd: sd,
    ci95: [Math.max(o.lower, value - 1.96 * sd), Math.min(o.upper, value + 1.96 * sd)],
  };
}

/**
 * DP variance of a clamped number column (see {@link dpMoments}).
 * @example dpVariance(table, 'age', { budget, epsilon: 1, lower: 0, upper: 100 }).value // ≈ 186 (sd² of ages)
 */
export function dpVariance(table: Table, column: string, o: DpClampOptions): DpRelease {
  return dpMoments(table, column, { ...o, label: o.label ?? column }).variance;
}

/** Options of {@link dpQuantiles}. */
export interface DpQuantileOptions extends DpClampOptions {
  /** Grid of candidate values: bins + 1 equally spaced edges over [lower, upper] (default 256). */
  readonly bins?: number;
}

/**
 * DP quantiles of a clamped number column, ε split evenly across them; each by the exponential
 * mechanism over the grid edges e_j with utility −|#{x < e_j} − q·n| (sensitivity k).
 * @example dpQuantiles(table, 'age', [0.5], { budget, epsilon: 0.5, lower: 0, upper: 100 })[0].value // ≈ 37.1
 */
export function dpQuantiles(
  table: Table,
  column: string,
  qs: readonly number[],
  o: DpQuantileOptions,
): DpRelease[] {
  const fn = 'dpQuantiles';
  const k = check(fn, o);
  for (const q of qs)
    if (!(q >= 0 && q <= 1)) throw new InvalidArgumentError(fn, 'qs', q, 'probabilities in [0, 1]');
  if (qs.length === 0) return [];
  const bins = o.bins ?? 256;
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidArgumentError(fn, 'bins', bins, 'an integer ≥ 1');
  const xs = clamped(fn, table, column, o);
  const label = o.label ?? column;
  o.budget.spend({ epsilon: o.epsilon }, `quantiles(${label})`);
  const width = (o.upper - o.lower) / bins;
  // below[j] = #{x < e_j}, from a histogram of bin indices
  const hist = new Float64Array(bins + 1);
  for (const x of xs) {
    // x < e_j ⇔ j > (x − lower)/width: x first counts at j = ⌊(x − lower)/width⌋ + 1
    const j = Math.floor((x - o.lower) / width) + 1;
    if (j <= bins) hist[j]! += 1;
  }
  const below = new Float64Array(bins + 1);
  let run = 0;
  for (let j = 0; j <= bins; j++) {
    run += hist[j]!;
    below[j] = run;
  }
  const n = xs.length;
  const e = o.epsilon / qs.length;
  return qs.map((q) => {
    const u = Array.from(below, (b) => -Math.abs(b - q * n));
    const j = exponentialMechanism(u, { epsilon: e, sensitivity: k, ...src(o) });
    return {
      label: `q${q}(${label})`,
      value: o.lower + j * width,
      epsilon: e,
      delta: 0,
      mechanism: 'exponential' as const,
      noiseStd: null,
      ci95: null,
    };
  });
}

/** Options of {@link dpHistogram}. */
export interface DpHistogramOptions extends DpQueryOptions {
  /** Declared categories (public). Without them the data's categories are thresholded, which needs δ > 0. */
  readonly levels?: readonly string[];
  /** δ spent by partition selection when `levels` is not given. */
  readonly delta?: number;
  /** For a number column: the range and the number of equal-width bins (default 10). */
  readonly lower?: number;
  readonly upper?: number;
  readonly bins?: number;
}

/** A DP histogram: noisy counts per released category, and the threshold applied (if any). */
export interface DpHistogram {
  readonly label: string;
  readonly epsilon: number;
  readonly delta: number;
  readonly bins: readonly { readonly level: string; readonly count: number }[];
  readonly noiseStd: number;
  /** Noisy counts below this were suppressed (partition selection); null when levels were declared. */
  readonly threshold: number | null;
}

/** A bin edge for a label, without binary noise (0.30000000000000004 → 0.3). */
function edge(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function levelCounts(col: Column, n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = cellString(col, i);
    if (s === null) continue;
    m.set(s, (m.get(s) ?? 0) + 1);
  }
  return m;
}

/**
 * DP histogram of a column. Categories: declared `levels` (public) or the data's own, released only
 * when the noisy count reaches τ = k + (k/ε)·ln(k/δ), so that a category held by one person shows with
 * probability ≤ δ. Numbers: equal-width bins over the required [lower, upper].
 * @example dpHistogram(table, 'sex', { budget, epsilon: 0.5, levels: ['F', 'M'] }).bins
 * // [{ level: 'F', count: 497.2 }, { level: 'M', count: 503.9 }]
 */
export function dpHistogram(table: Table, column: string, o: DpHistogramOptions): DpHistogram {
  const fn = 'dpHistogram';
  const k = check(fn, o);
  const col = table.column(column);
  const label = o.label ?? `histogram(${column})`;
  const noise = laplaceNoise({ epsilon: o.epsilon, sensitivity: k });
  if (col.kind === 'number') {
    if (o.lower === undefined || o.upper === undefined)
      throw new InvalidArgumentError(
        fn,
        'lower/upper',
        undefined,
        'a clamping range for a number column',
        'Pass lower and upper (e.g. --clamp age=0:120).',
      );
    const bins = o.bins ?? 10;
    if (!Number.isInteger(bins) || bins < 1)
      throw new InvalidArgumentError(fn, 'bins', bins, 'an integer ≥ 1');
    const xs = clamped(fn, table, column, { ...o, lower: o.lower, upper: o.upper });
    o.budget.spend({ epsilon: o.epsilon }, label);
    const w = (o.upper - o.lower) / bins;
    const counts = new Float64Array(bins);
    for (const x of xs) counts[Math.min(bins - 1, Math.floor((x - o.lower) / w))]! += 1;
    const out = Array.from(counts, (c, j) => ({
      level: `[${edge(o.lower! + j * w)}, ${edge(o.lower! + (j + 1) * w)}${j === bins - 1 ? ']' : ')'}`,
      count: laplaceMechanism(c, { epsilon: o.epsilon, sensitivity: k, ...src(o) }),
    }));
    return { label, epsilon: o.epsilon, delta: 0, bins: out, noiseStd: noise.std, threshold: null };
  }
  const counts = levelCounts(col, table.nrows);
  if (o.levels !== undefined || col.kind === 'boolean') {
    const levels = o.levels ?? ['false', 'true'];
    o.budget.spend({ epsilon: o.epsilon }, label);
    const out = levels.map((level) => ({
      level,
      count: laplaceMechanism(counts.get(level) ?? 0, { epsilon: o.epsilon, sensitivity: k, ...src(o) }),
    }));
    return { label, epsilon: o.epsilon, delta: 0, bins: out, noiseStd: noise.std, threshold: null };
  }
  const delta = o.delta ?? 0;
  if (!(delta > 0 && delta < 1))
    throw new InvalidArgumentError(
      fn,
      'delta',
      delta,
      'a δ in (0, 1) to select which categories to release, or declared levels',
      'Pass levels (the public list of categories) or a δ such as 1e-6.',
    );
  const tau = k + (k / o.epsilon) * Math.log(k / delta);
  o.budget.spend({ epsilon: o.epsilon, delta }, label);
  const out: { level: string; count: number }[] = [];
  for (const [level, c] of counts) {
    const v = laplaceMechanism(c, { epsilon: o.epsilon, sensitivity: k, ...src(o) });
    if (v >= tau) out.push({ level, count: v });
  }
  out.sort((a, b) => (a.level < b.level ? -1 : a.level > b.level ? 1 : 0));
  return { label, epsilon: o.epsilon, delta, bins: out, noiseStd: noise.std, threshold: tau };
}
