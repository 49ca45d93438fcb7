/**
 * @module explain/global/permutation-importance
 * Permutation feature importance (Breiman 2001, "Random Forests", https://doi.org/10.1023/A:1010933404324;
 * model-agnostic form: Fisher, Rudin & Dominici 2019, https://jmlr.org/papers/v20/18-760.html):
 * shuffle one feature's column, keep the others, and measure how much a score deteriorates.
 */
import { Adder, InvalidArgumentError, type Rng, seededRng } from '../../core/index.js';
import { type Table, takeColumn } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import { checkFeatures, outputWidth, predict, predictedClass, targetValues } from './model-io.js';

/** Scores a permutation can deteriorate. Accuracy, AUC and R² are "higher is better", log-loss "lower is better". */
export type ImportanceMetric = 'accuracy' | 'logLoss' | 'auc' | 'r2';

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Target column (matched to `model.classes`) or the target in the model's coding (0/1, class index, value). */
  readonly target: string | ArrayLike<number>;
  /** @default 'accuracy' for classifiers, 'r2' for regression */
  readonly metric?: ImportanceMetric;
  /** Shuffles per feature. @default 5 */
  readonly repeats?: number;
  /** @default 0 */
  readonly seed?: number;
  /** Features to permute. @default model.features */
  readonly features?: readonly string[];
  /**
   * Columns permuted together as one feature, e.g. `{ job: ['job_a', 'job_b', 'job_c'] }` for the
   * one-hot columns of a categorical: the same row permutation moves all of them, so the rows stay
   * valid one-hot rows. Grouped columns are replaced by the group in `features`. @default none
   */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

/** Importance of one feature. */
export interface FeatureImportance {
  readonly feature: string;
  /** Mean deterioration of the score over the repeats (positive: the model relies on the feature). */
  readonly mean: number;
  /** Sample standard deviation of the deteriorations (0 for one repeat). */
  readonly sd: number;
  /** The deterioration of each repeat. */
  readonly drops: Float64Array;
}

/** Result of {@link permutationImportance}; `features` sorted by decreasing mean importance. */
export interface PermutationImportance {
  readonly kind: 'permutationImportance';
  readonly metric: ImportanceMetric;
  /** The score on the unshuffled data. */
  readonly baseline: number;
  readonly repeats: number;
  readonly seed: number;
  readonly features: readonly FeatureImportance[];
}

const LOG_EPS = 1e-15;

/**
 * Permutation importance: for each feature j and repeat r, the rows' values of j are shuffled
 * (seeded Fisher–Yates) and the score recomputed; importance = baseline − permuted score
 * (accuracy, AUC, R²) or permuted − baseline (log-loss), so a larger number always means the model
 * leans more on the feature. A feature the model ignores gets exactly 0. Correlated features share
 * their importance (shuffling one leaves its twin), so read low values with care.
 *
 * @throws {AEQ_MODEL_FEATURES} when the table lacks model features.
 * @throws {AEQ_INVALID_ARGUMENT} for a metric that does not fit the task, or bad repeats/features.
 * @example
 * const imp = await permutationImportance(model, table, { target: 'y', repeats: 3 });
 * imp.features.map((f) => [f.feature, f.mean.toFixed(2)]) // [['x1', '0.31'], ['x2', '0.00']]
 */
export async function permutationImportance(
  model: Model,
  table: Table,
  opts: PermutationImportanceOptions,
): Promise<PermutationImportance> {
  const fn = 'permutationImportance';
  checkFeatures(fn, model, table);
  const metric = opts.metric ?? (model.task === 'regression' ? 'r2' : 'accuracy');
  checkMetric(fn, model, metric);
  const repeats = opts.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new InvalidArgumentError(fn, 'repeats', opts.repeats, 'an integer ≥ 1');
  const units = permutedUnits(fn, opts.features ?? model.features, opts.groups ?? {});
  for (const u of units) for (const f of u.columns) if (!table.has(f)) table.column(f, 'feature'); // throws MissingColumnError with a suggestion
  if (table.nrows < 2)
    throw new InvalidArgumentError(fn, 'table', `${table.nrows} row(s)`, 'at least 2 rows');
  const seed = opts.seed ?? 0;
  const y = targetValues(fn, model, table, opts.target);
  const baseline = scoreOf(metric, model, y, await predict(model, table, opts.signal));
  const root = seededRng(seed);
  const n = table.nrows;
  const perm = new Uint32Array(n);
  const total = units.length * repeats;
  let done = 0;
  const result: FeatureImportance[] = [];
  for (const { name: f, columns } of units) {
    const rng = root.fork(f);
    const cols = columns.map((c) => table.column(c));
    const drops = new Float64Array(repeats);
    for (let r = 0; r < repeats; r++) {
      shuffleIdentity(perm, rng);
      let shuffled = table;
      columns.forEach((c, k) => {
        shuffled = shuffled.withColumn(c, takeColumn(cols[k]!, perm));
      });
      const s = scoreOf(metric, model, y, await predict(model, shuffled, opts.signal));
      drops[r] = metric === 'logLoss' ? s - baseline : baseline - s;
      opts.onProgress?.({ label: 'permutation importance', done: ++done, total });
    }
    const { mean, sd } = meanSd(drops);
    result.push({ feature: f, mean, sd, drops });
  }
  result.sort((a, b) => b.mean - a.mean);
  return { kind: 'permutationImportance', metric, baseline, repeats, seed, features: result };
}

/** The permuted units: each group (in the place of its first column) and each ungrouped feature. */
function permutedUnits(
  fn: string,
  features: readonly string[],
  groups: Readonly<Record<string, readonly string[]>>,
): { name: string; columns: readonly string[] }[] {
  const owner = new Map<string, string>();
  for (const [name, cols] of Object.entries(groups)) {
    if (cols.length === 0)
      throw new InvalidArgumentError(fn, `groups.${name}`, [], 'a non-empty list of columns');
    for (const c of cols) {
      const prev = owner.get(c);
      if (prev !== undefined && prev !== name)
        throw new InvalidArgumentError(fn, `groups.${name}`, c, `a column not already in group "${prev}"`);
      owner.set(c, name);
    }
  }
  const units: { name: string; columns: readonly string[] }[] = [];
  const seen = new Set<string>();
  for (const f of [...features, ...Object.values(groups).flat()]) {
    const g = owner.get(f);
    const name = g ?? f;
    if (seen.has(name)) continue;
    if (g === undefined && !features.includes(f)) continue;
    seen.add(name);
    units.push({ name, columns: g === undefined ? [f] : groups[g]! });
  }
  return units;
}

function checkMetric(fn: string, model: Model, metric: ImportanceMetric): void {
  const ok =
    metric === 'r2'
      ? model.task === 'regression'
      : metric === 'auc'
        ? model.task === 'binary'
        : metric === 'accuracy' || metric === 'logLoss'
          ? model.task !== 'regression'
          : false;
  if (!ok)
    throw new InvalidArgumentError(
      fn,
      'metric',
      metric,
      model.task === 'regression'
        ? "'r2' for a regression model"
        : model.task === 'binary'
          ? "'accuracy', 'logLoss' or 'auc' for a binary model"
          : "'accuracy' or 'logLoss' for a multiclass model",
    );
}

function shuffleIdentity(perm: Uint32Array, rng: Rng): void {
  const n = perm.length;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat64() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
}

function meanSd(x: Float64Array): { mean: number; sd: number } {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length;
  if (x.length < 2) return { mean, sd: 0 };
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (x.length - 1)) };
}

/** The score of predictions `out` against `y` (model coding). Exported for tests of the importance. */
export function scoreOf(metric: ImportanceMetric, model: Model, y: Float64Array, out: Float64Array): number {
  const n = y.length;
  switch (metric) {
    case 'accuracy': {
      const cls = predictedClass(model, out);
      let right = 0;
      for (let i = 0; i < n; i++) if (cls[i] === y[i]) right++;
      return right / n;
    }
    case 'logLoss': {
      const k = outputWidth(model);
      const a = new Adder();
      for (let i = 0; i < n; i++) {
        const p = k === 1 ? (y[i] === 1 ? out[i]! : 1 - out[i]!) : out[i * k + y[i]!]!;
        a.add(-Math.log(Math.min(1 - LOG_EPS, Math.max(LOG_EPS, p))));
      }
      return a.value / n;
    }
    case 'auc':
      return rocAuc(y, out);
    case 'r2': {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += y[i]!;
      mean /= n;
      const res = new Adder();
      const tot = new Adder();
      for (let i = 0; i < n; i++) {
        res.add((y[i]! - out[i]!) ** 2);
        tot.add((y[i]! - mean) ** 2);
      }
      return tot.value > 0 ? 1 - res.value / tot.value : Number.NaN;
    }
  }
}

/** ROC AUC by the Mann–Whitney statistic with mid-ranks for ties; NaN when a class is absent. */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && score[idx[j + 1]!] === score[idx[i]!]) j++;
    const mid = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (y[idx[t]!] === 1) {
        rankSumPos += mid;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
