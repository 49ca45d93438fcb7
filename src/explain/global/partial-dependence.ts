/**
 * @module explain/global/partial-dependence
 * Partial dependence (Friedman 2001, "Greedy function approximation", https://doi.org/10.1214/aos/1013203451)
 * and individual conditional expectation curves (Goldstein et al. 2015, https://doi.org/10.1080/10618600.2014.907095):
 * set one feature to each grid value for every row, predict, and average (PD) or keep each row's curve (ICE).
 */
import { InvalidArgumentError, seededRng } from '../../core/index.js';
import { isValidAt, type Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import { checkFeatures, constantColumn, outputWidth, predict } from './model-io.js';

/** Options of {@link partialDependence}. */
export interface PartialDependenceOptions {
  /** Grid points for a numeric feature (distinct values are used when there are fewer). @default 20 */
  readonly gridSize?: number;
  /** Lower and upper quantile of the numeric grid. @default [0.05, 0.95] */
  readonly percentiles?: readonly [number, number];
  /** Explicit grid: numbers for a numeric feature, level names for a categorical one. */
  readonly grid?: readonly number[] | readonly string[];
  /** Rows averaged over (a seeded sample when the table is larger). @default 1000 */
  readonly sample?: number;
  /** Keep each row's ICE curve. @default false */
  readonly ice?: boolean;
  /** Class index whose probability is shown, for multiclass models. @default 0 */
  readonly classIndex?: number;
  /** @default 0 */
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

/** Result of {@link partialDependence}. */
export interface PartialDependence {
  readonly kind: 'partialDependence';
  readonly feature: string;
  /** 'number' for numeric and boolean features (grid values 0/1), 'category' for categorical. */
  readonly featureKind: 'number' | 'category';
  /** Grid values (numbers, or level names for a categorical feature). */
  readonly grid: readonly number[] | readonly string[];
  /** Mean prediction at each grid point. */
  readonly average: Float64Array;
  /** Rows (indices into the input table) the average and ICE curves are over. */
  readonly rows: Uint32Array;
  /** ICE curves, rows.length × grid.length row-major, or null when not asked for. */
  readonly ice: Float64Array | null;
  /** Which output is shown: 'probability' of `classLabel`, or 'value' for regression. */
  readonly output: { readonly scale: 'probability' | 'value'; readonly classLabel: string | null };
}

/**
 * Partial dependence of the model output on one feature: PD(v) = (1/n) Σ_i f(x_i with x_ij := v).
 * Numeric grid: the distinct values when there are at most `gridSize`, else quantiles (type 7)
 * evenly spaced between `percentiles`. Categorical grid: the levels that occur. Each grid point is
 * one batched `predictProba` call on a table whose feature column is a constant typed column.
 * For an additive model f = Σ_j g_j(x_j), PD_j(v) = g_j(v) + const, so PD reads the shape directly;
 * with interactions PD averages them away (look at the ICE curves).
 *
 * @throws {AEQ_MODEL_FEATURES} when the table lacks model features.
 * @throws {AEQ_INVALID_ARGUMENT} for an unknown feature, an empty table or bad options.
 * @example
 * const pd = await partialDependence(model, table, 'age', { gridSize: 3 });
 * pd.grid // [25, 40, 61]
 * pd.average // Float64Array [0.21, 0.34, 0.52]
 */
export async function partialDependence(
  model: Model,
  table: Table,
  feature: string,
  opts: PartialDependenceOptions = {},
): Promise<PartialDependence> {
  const fn = 'partialDependence';
  checkFeatures(fn, model, table);
  if (!model.features.includes(feature))
    throw new InvalidArgumentError(
      fn,
      'feature',
      feature,
      `one of the model's features (${model.features.join(', ')})`,
    );
  if (table.nrows === 0) throw new InvalidArgumentError(fn, 'table', '0 rows', 'at least one row');
  const gridSize = opts.gridSize ?? 20;
  if (!Number.isInteger(gridSize) || gridSize < 2)
    throw new InvalidArgumentError(fn, 'gridSize', opts.gridSize, 'an integer ≥ 2');
  const [plo, phi] = opts.percentiles ?? [0.05, 0.95];
  if (!(plo >= 0 && phi <= 1 && plo < phi))
    throw new InvalidArgumentError(fn, 'percentiles', opts.percentiles, '[lo, hi] with 0 ≤ lo < hi ≤ 1');
  const sampleSize = opts.sample ?? 1000;
  if (!Number.isInteger(sampleSize) || sampleSize < 1)
    throw new InvalidArgumentError(fn, 'sample', opts.sample, 'an integer ≥ 1');
  const k = outputWidth(model);
  const classIndex = opts.classIndex ?? 0;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= k)
    throw new InvalidArgumentError(fn, 'classIndex', opts.classIndex, `an integer in [0, ${k - 1}]`);

  const rows = sampleRows(table.nrows, sampleSize, opts.seed ?? 0);
  const base = rows.length === table.nrows ? table : table.take(rows);
  const col = table.column(feature);
  let grid: number[] | string[];
  let codes: number[];
  if (col.kind === 'category') {
    const levels = opts.grid === undefined ? presentLevels(col.codes, col.levels.length) : null;
    if (opts.grid !== undefined) {
      const want = opts.grid.map(String);
      codes = want.map((l) => {
        const c = col.levels.indexOf(l);
        if (c < 0)
          throw new InvalidArgumentError(fn, 'grid', l, `levels of "${feature}" (${col.levels.join(', ')})`);
        return c;
      });
      grid = want;
    } else {
      codes = levels!;
      grid = codes.map((c) => col.levels[c]!);
    }
  } else {
    const values: number[] = [];
    for (let i = 0; i < table.nrows; i++) if (isValidAt(col, i)) values.push(col.values[i]!);
    if (opts.grid !== undefined) grid = opts.grid.map(Number);
    else if (col.kind === 'boolean') grid = [...new Set(values)].sort((a, b) => a - b);
    else grid = numericGrid(values, gridSize, plo, phi);
    if (grid.length === 0)
      throw new InvalidArgumentError(fn, 'feature', feature, 'a column with at least one value');
    codes = grid;
  }

  const g = codes.length;
  const n = base.nrows;
  const average = new Float64Array(g);
  const ice = opts.ice ? new Float64Array(n * g) : null;
  for (let p = 0; p < g; p++) {
    const t = base.withColumn(feature, constantColumn(col, n, codes[p]!));
    const out = await predict(model, t, opts.signal);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = out[i * k + classIndex]!;
      s += v;
      if (ice !== null) ice[i * g + p] = v;
    }
    average[p] = s / n;
    opts.onProgress?.({ label: 'partial dependence', done: p + 1, total: g });
  }
  return {
    kind: 'partialDependence',
    feature,
    featureKind: col.kind === 'category' ? 'category' : 'number',
    grid,
    average,
    rows,
    ice,
    output:
      model.task === 'regression'
        ? { scale: 'value', classLabel: null }
        : {
            scale: 'probability',
            classLabel: model.classes[model.task === 'binary' ? 1 : classIndex] ?? null,
          },
  };
}

function presentLevels(codes: Int32Array, nLevels: number): number[] {
  const seen = new Uint8Array(nLevels);
  for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) seen[codes[i]!] = 1;
  const out: number[] = [];
  for (let c = 0; c < nLevels; c++) if (seen[c]) out.push(c);
  return out;
}

/** Distinct values if few, else type-7 quantiles at evenly spaced probabilities in [lo, hi], deduplicated. */
export function numericGrid(values: readonly number[], size: number, lo: number, hi: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct = [...new Set(sorted)];
  if (distinct.length <= size) return distinct;
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    const p = lo + ((hi - lo) * i) / (size - 1);
    const h = (sorted.length - 1) * p;
    const j = Math.floor(h);
    const v =
      sorted[j]! + (h - j) * ((sorted[Math.min(j + 1, sorted.length - 1)] ?? sorted[j]!) - sorted[j]!);
    if (out.length === 0 || v > out[out.length - 1]!) out.push(v);
  }
  return out;
}

/** All rows when n ≤ size, else a seeded sample of `size` rows without replacement, ascending. */
export function sampleRows(n: number, size: number, seed: number): Uint32Array {
  if (n <= size) return Uint32Array.from({ length: n }, (_, i) => i);
  const rng = seededRng(seed).fork('sample');
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rng.nextFloat64() * (n - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, size).sort();
}
