/**
 * @module explain/lime
 * LIME (Ribeiro, Singh & Guestrin 2016, "Why Should I Trust You?", https://arxiv.org/abs/1602.04938):
 * a weighted ridge surrogate fitted on perturbed samples around one row.
 * - tabular, discretised (default): every feature is redrawn from the background's marginal; the
 *   interpretable feature is 1 when the draw falls in the row's quartile bin (numbers) or level;
 * - tabular, continuous: numbers are x + N(0, sd²) (interpretable: standardised value), categories
 *   redrawn as above;
 * - text: words are removed (all occurrences of a word at once, as lime's bag-of-words mode), the
 *   interpretable feature is "the word is present".
 * Samples are weighted by the exponential kernel √exp(−D²/σ²) (σ = 0.75·√d for tables, 25 on the
 * cosine distance × 100 for text, lime's defaults), the top-k features are chosen by forward
 * selection (k ≤ 6) or by the largest weights of a ridge on all features, and the final surrogate is a
 * weighted ridge (α = 1). Attributions are the surrogate's terms at the row, the base value is its
 * intercept, so baseValue + Σφ is the surrogate's local prediction (reported with its weighted R²).
 */
import { InvalidArgumentError, normalVariate, type Rng, randomInt, seededRng } from '../core/index.js';
import { type Column, categoryColumn, cellString, createTable, type Table } from '../data/index.js';
import { choleskySolve, type Model } from '../models/index.js';
import type { Explanation, RowExplanation } from './explanation.js';
import { resolveGroups } from './maskers/features.js';
import { buildPool, gatherColumn, poolValues, type RowPool } from './maskers/interventional.js';
import { outputSpec, readOutputInto } from './output.js';
import { type AttributionOptions, requireBackground, resolveRows } from './shapley/common.js';

/** Options of {@link lime}. */
export interface LimeOptions extends AttributionOptions {
  /** Perturbed samples per row. @default 5000 */
  readonly nsamples?: number;
  /** Features kept in the surrogate. @default min(10, d) */
  readonly topK?: number;
  /** @default 'quartile' */
  readonly sampling?: 'quartile' | 'continuous';
  /** @default 'auto' (forward selection when topK ≤ 6, else highest weights) */
  readonly featureSelection?: 'auto' | 'forward' | 'highest-weights';
  /** Kernel width σ. @default 0.75·√d */
  readonly kernelWidth?: number;
  /** Ridge penalty of the surrogate. @default 1 */
  readonly alpha?: number;
}

/** A weighted ridge fit with an unpenalised intercept, on the columns `cols` of Z (n × d). */
export function weightedRidge(
  Z: Float64Array,
  n: number,
  d: number,
  cols: readonly number[],
  y: Float64Array,
  w: Float64Array,
  alpha: number,
): { readonly coef: Float64Array; readonly intercept: number; readonly r2: number } {
  const q = cols.length;
  let sw = 0;
  let ym = 0;
  const zm = new Float64Array(q);
  for (let s = 0; s < n; s++) {
    const ws = w[s]!;
    sw += ws;
    ym += ws * y[s]!;
    for (let t = 0; t < q; t++) zm[t] = zm[t]! + ws * Z[s * d + cols[t]!]!;
  }
  ym /= sw;
  for (let t = 0; t < q; t++) zm[t] = zm[t]! / sw;
  const a = new Float64Array(q * q);
  const b = new Float64Array(q);
  const zc = new Float64Array(q);
  for (let s = 0; s < n; s++) {
    const ws = w[s]!;
    for (let t = 0; t < q; t++) zc[t] = Z[s * d + cols[t]!]! - zm[t]!;
    const yc = y[s]! - ym;
    for (let t = 0; t < q; t++) {
      const wt = ws * zc[t]!;
      b[t] = b[t]! + wt * yc;
      for (let u = 0; u <= t; u++) a[t * q + u] = a[t * q + u]! + wt * zc[u]!;
    }
  }
  for (let t = 0; t < q; t++) {
    a[t * q + t] = a[t * q + t]! + alpha;
    for (let u = 0; u < t; u++) a[u * q + t] = a[t * q + u]!;
  }
  const coef = q > 0 ? choleskySolve(a, b, q).x : new Float64Array(0);
  let intercept = ym;
  for (let t = 0; t < q; t++) intercept -= coef[t]! * zm[t]!;
  let ssr = 0;
  let sst = 0;
  for (let s = 0; s < n; s++) {
    let f = intercept;
    for (let t = 0; t < q; t++) f += coef[t]! * Z[s * d + cols[t]!]!;
    ssr += w[s]! * (y[s]! - f) ** 2;
    sst += w[s]! * (y[s]! - ym) ** 2;
  }
  return { coef, intercept, r2: sst > 0 ? 1 - ssr / sst : 1 };
}

/** The top-k columns of Z: greedy forward selection on weighted R², or the largest |coef·z_x|. */
export function selectFeatures(
  Z: Float64Array,
  n: number,
  d: number,
  y: Float64Array,
  w: Float64Array,
  k: number,
  how: 'forward' | 'highest-weights',
  alpha: number,
): number[] {
  if (k >= d) return Array.from({ length: d }, (_, j) => j);
  if (how === 'forward') {
    const chosen: number[] = [];
    while (chosen.length < k) {
      let best = -1;
      let bestR2 = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < d; j++) {
        if (chosen.includes(j)) continue;
        const r2 = weightedRidge(Z, n, d, [...chosen, j], y, w, alpha).r2;
        if (r2 > bestR2) {
          bestR2 = r2;
          best = j;
        }
      }
      chosen.push(best);
    }
    return chosen.sort((a, b) => a - b);
  }
  const all = Array.from({ length: d }, (_, j) => j);
  const { coef } = weightedRidge(Z, n, d, all, y, w, alpha);
  // Z's first row is the explained row itself.
  return all
    .sort((a, b) => Math.abs(coef[b]! * Z[b]!) - Math.abs(coef[a]! * Z[a]!) || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}

function quartiles(values: Float64Array): [number, number, number] {
  const s = Float64Array.from(values).sort();
  const q = (p: number): number => {
    if (s.length === 0) return 0;
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
  };
  return [q(0.25), q(0.5), q(0.75)];
}

/** Per pool column: a key of a cell for "same as the row" (bin, level, flag; −1 = missing). */
function cellKeys(pool: RowPool): {
  key: (k: number, r: number) => number;
  mean: Float64Array;
  sd: Float64Array;
} {
  const nb = pool.nb;
  const nx = pool.nx;
  const edges: ([number, number, number] | null)[] = [];
  const mean = new Float64Array(pool.cols.length);
  const sd = new Float64Array(pool.cols.length).fill(1);
  pool.cols.forEach((c, k) => {
    if (c.kind !== 'number') {
      edges.push(null);
      return;
    }
    const vals: number[] = [];
    for (let b = 0; b < nb; b++) if (!c.missing?.[nx + b]) vals.push(c.values[nx + b]!);
    const v = Float64Array.from(vals);
    edges.push(quartiles(v));
    let m = 0;
    for (const x of v) m += x;
    m = v.length ? m / v.length : 0;
    let s2 = 0;
    for (const x of v) s2 += (x - m) ** 2;
    mean[k] = m;
    const s = v.length ? Math.sqrt(s2 / v.length) : 0;
    sd[k] = s > 0 ? s : 1;
  });
  const key = (k: number, r: number): number => {
    const c = pool.cols[k]!;
    if (c.missing?.[r]) return -1;
    if (c.kind === 'number') {
      const e = edges[k]!;
      const v = c.values[r]!;
      return v <= e[0] ? 0 : v <= e[1] ? 1 : v <= e[2] ? 2 : 3;
    }
    return c.values[r]!;
  };
  return { key, mean, sd };
}

/**
 * LIME for tabular data.
 * @throws {AEQ_INVALID_ARGUMENT} for a missing background, rows out of range or bad options;
 *   {AEQ_MODEL_FEATURES} when the data or the background lacks a model column.
 * @example
 * const e = await lime(model, data, { background, rows: [0], topK: 5, seed: 1 });
 * e.rows[0].diagnostics // { intercept: 0.21, r2: 0.83, localPrediction: 0.74 }
 */
export async function lime(model: Model, data: Table, opts: LimeOptions = {}): Promise<Explanation> {
  const fn = 'lime';
  const rowIndex = resolveRows(fn, data, opts.rows);
  const groups = resolveGroups(model.features, opts.groups);
  const spec = outputSpec(model, opts);
  const bg = requireBackground(fn, opts, ' (LIME samples from their distribution)');
  const d = groups.names.length;
  const n = opts.nsamples ?? 5000;
  if (!Number.isInteger(n) || n < 2)
    throw new InvalidArgumentError(fn, 'nsamples', opts.nsamples, 'an integer ≥ 2');
  const topK = opts.topK ?? Math.min(10, d);
  if (!Number.isInteger(topK) || topK < 1)
    throw new InvalidArgumentError(fn, 'topK', opts.topK, 'a positive integer');
  const sampling = opts.sampling ?? 'quartile';
  if (sampling !== 'quartile' && sampling !== 'continuous')
    throw new InvalidArgumentError(fn, 'sampling', sampling, "'quartile' or 'continuous'");
  const sel = opts.featureSelection ?? 'auto';
  const how = sel === 'auto' ? (topK <= 6 ? 'forward' : 'highest-weights') : sel;
  if (how !== 'forward' && how !== 'highest-weights')
    throw new InvalidArgumentError(fn, 'featureSelection', sel, "'auto', 'forward' or 'highest-weights'");
  const width = opts.kernelWidth ?? 0.75 * Math.sqrt(d);
  const alpha = opts.alpha ?? 1;
  const seed = opts.seed ?? 0;
  const pool = buildPool(model.features, data.take(rowIndex), bg);
  const { key, mean, sd } = cellKeys(pool);
  const ncols = groups.columns.length;
  // Columns explained on their own standardised scale in continuous mode.
  const continuous = new Uint8Array(ncols);
  if (sampling === 'continuous')
    for (let k = 0; k < ncols; k++) {
      const g = groups.groupOf[k]!;
      let size = 0;
      for (let t = 0; t < ncols; t++) if (groups.groupOf[t] === g) size++;
      continuous[k] = pool.cols[k]!.kind === 'number' && size === 1 ? 1 : 0;
    }
  const srcG = new Uint32Array(n * d);
  const src = new Uint32Array(n);
  const Z = new Float64Array(n * d);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  const rows: RowExplanation[] = [];
  for (let i = 0; i < rowIndex.length; i++) {
    opts.signal?.throwIfAborted();
    const rng: Rng = seededRng(seed).fork(`lime-row-${i}`);
    for (let g = 0; g < d; g++) srcG[g] = i;
    for (let s = 1; s < n; s++)
      for (let g = 0; g < d; g++) srcG[s * d + g] = pool.nx + randomInt(rng, pool.nb);
    const cols: Record<string, Column> = {};
    const noise = new Float64Array(n);
    for (let k = 0; k < ncols; k++) {
      const g = groups.groupOf[k]!;
      const c = pool.cols[k]!;
      if (continuous[k] && c.kind === 'number') {
        const v = new Float64Array(n);
        const xv = c.values[i]!;
        const xMissing = c.missing?.[i] === 1;
        for (let s = 0; s < n; s++) {
          noise[s] = s === 0 ? 0 : normalVariate(rng);
          v[s] = (xMissing ? mean[k]! : xv) + noise[s]! * sd[k]!;
          Z[s * d + g] = (v[s]! - mean[k]!) / sd[k]!;
        }
        cols[groups.columns[k]!] = { kind: 'number', values: v, valid: null };
        continue;
      }
      for (let s = 0; s < n; s++) src[s] = srcG[s * d + g]!;
      cols[groups.columns[k]!] = gatherColumn(c, src);
    }
    // Binary interpretable features: a group is "on" when every column keeps the row's bin/level.
    for (let g = 0; g < d; g++) {
      let cont = false;
      for (let k = 0; k < ncols; k++) if (groups.groupOf[k] === g && continuous[k]) cont = true;
      if (cont) continue;
      for (let s = 0; s < n; s++) {
        let same = 1;
        for (let k = 0; k < ncols && same; k++)
          if (groups.groupOf[k] === g && key(k, srcG[s * d + g]!) !== key(k, i)) same = 0;
        Z[s * d + g] = same;
      }
    }
    const raw = await model.predictProba(createTable(cols), opts.signal ? { signal: opts.signal } : {});
    readOutputInto(raw, n, spec, y);
    for (let s = 0; s < n; s++) {
      let dist = 0;
      for (let g = 0; g < d; g++) dist += (Z[s * d + g]! - Z[g]!) ** 2;
      w[s] = Math.sqrt(Math.exp(-dist / (width * width)));
    }
    const chosen = selectFeatures(Z, n, d, y, w, topK, how, alpha);
    const fit = weightedRidge(Z, n, d, chosen, y, w, alpha);
    const phi = new Float64Array(d);
    let local = fit.intercept;
    chosen.forEach((j, t) => {
      phi[j] = fit.coef[t]! * Z[j]!;
      local += phi[j]!;
    });
    rows.push({
      row: rowIndex[i]!,
      prediction: y[0]!,
      baseValue: fit.intercept,
      attributions: phi,
      values: poolValues(pool, groups, i),
      diagnostics: { intercept: fit.intercept, r2: fit.r2, localPrediction: local },
    });
    opts.onProgress?.({ label: 'lime', done: i + 1, total: rowIndex.length });
  }
  return {
    method: 'lime',
    link: spec.link,
    featureNames: groups.names,
    rows,
    parameters: {
      nsamples: n,
      topK,
      sampling,
      featureSelection: how,
      kernelWidth: width,
      alpha,
      seed,
      backgroundRows: bg.nrows,
      ...(spec.className === undefined ? {} : { explainedClass: spec.className }),
    },
  };
}

/** Options of {@link limeText}. */
export interface LimeTextOptions {
  /** The row of `data` to explain. */
  readonly row: number;
  /** The text column. @default the model's only feature */
  readonly textColumn?: string;
  /** @default 5000 */
  readonly nsamples?: number;
  /** Words kept in the surrogate. @default every word */
  readonly topK?: number;
  /** @default 0 */
  readonly seed?: number;
  /** Kernel width on the cosine distance × 100. @default 25 */
  readonly kernelWidth?: number;
  /** @default 1 */
  readonly alpha?: number;
  readonly link?: 'identity' | 'logit';
  readonly signal?: AbortSignal;
}

/**
 * LIME for text: which words push a text model's output up or down. Features are the row's distinct
 * words (case kept), in order of first appearance.
 * @throws {AEQ_INVALID_ARGUMENT} for a row out of range, an unknown text column, or a text without words.
 * @example
 * const e = await limeText(toxicity, reviews, { row: 0 });
 * topAttributions(e, 0, 1)[0].feature // 'terrible'
 */
export async function limeText(model: Model, data: Table, opts: LimeTextOptions): Promise<Explanation> {
  const fn = 'limeText';
  const [row] = resolveRows(fn, data, [opts.row]);
  const textColumn = opts.textColumn ?? (model.features.length === 1 ? model.features[0] : undefined);
  if (textColumn === undefined || !model.features.includes(textColumn))
    throw new InvalidArgumentError(
      fn,
      'textColumn',
      opts.textColumn,
      `one of the model's columns (${model.features.join(', ')})`,
    );
  const text = cellString(data.column(textColumn), row!) ?? '';
  const tokens = text.split(/(\p{L}[\p{L}\p{N}'’-]*|\p{N}+)/u);
  // Odd indices are words; even indices the text between them.
  const words: string[] = [];
  const wordOf = new Int32Array(tokens.length).fill(-1);
  for (let t = 1; t < tokens.length; t += 2) {
    let j = words.indexOf(tokens[t]!);
    if (j < 0) {
      j = words.length;
      words.push(tokens[t]!);
    }
    wordOf[t] = j;
  }
  const d = words.length;
  if (d === 0) throw new InvalidArgumentError(fn, 'row', opts.row, 'a row whose text has at least one word');
  const n = opts.nsamples ?? 5000;
  if (!Number.isInteger(n) || n < 2)
    throw new InvalidArgumentError(fn, 'nsamples', opts.nsamples, 'an integer ≥ 2');
  const spec = outputSpec(model, opts);
  const rng = seededRng(opts.seed ?? 0).fork('lime-text');
  const Z = new Float64Array(n * d).fill(1);
  const texts: string[] = [text];
  const perm = Int32Array.from({ length: d }, (_, j) => j);
  for (let s = 1; s < n; s++) {
    // lime: remove a uniform number of words in 1..d−1 (d = 1: the one word), chosen uniformly.
    const remove = d === 1 ? 1 : 1 + randomInt(rng, d - 1);
    for (let t = 0; t < remove; t++) {
      const r = t + randomInt(rng, d - t);
      const tmp = perm[t]!;
      perm[t] = perm[r]!;
      perm[r] = tmp;
      Z[s * d + perm[t]!] = 0;
    }
    let out = '';
    for (let t = 0; t < tokens.length; t++)
      if (wordOf[t]! < 0 || Z[s * d + wordOf[t]!] === 1) out += tokens[t];
    texts.push(out);
  }
  const reps = data.take(new Uint32Array(n).fill(row!));
  const table = reps.withColumn(textColumn, categoryColumn(texts));
  const y = new Float64Array(n);
  readOutputInto(await model.predictProba(table, opts.signal ? { signal: opts.signal } : {}), n, spec, y);
  const width = opts.kernelWidth ?? 25;
  const w = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let on = 0;
    for (let j = 0; j < d; j++) on += Z[s * d + j]!;
    // Cosine distance between the sample's 0/1 vector and all-ones, × 100 (lime's text distance).
    const dist = (1 - on / Math.sqrt(on * d || 1)) * 100;
    w[s] = Math.sqrt(Math.exp(-(dist * dist) / (width * width)));
  }
  const alpha = opts.alpha ?? 1;
  const topK = Math.min(opts.topK ?? d, d);
  const chosen = selectFeatures(Z, n, d, y, w, topK, topK <= 6 ? 'forward' : 'highest-weights', alpha);
  const fit = weightedRidge(Z, n, d, chosen, y, w, alpha);
  const phi = new Float64Array(d);
  let local = fit.intercept;
  chosen.forEach((j, t) => {
    phi[j] = fit.coef[t]!;
    local += phi[j]!;
  });
  return {
    method: 'lime',
    link: spec.link,
    featureNames: words,
    rows: [
      {
        row: row!,
        prediction: y[0]!,
        baseValue: fit.intercept,
        attributions: phi,
        values: words.map(() => true),
        diagnostics: { intercept: fit.intercept, r2: fit.r2, localPrediction: local },
      },
    ],
    parameters: {
      nsamples: n,
      topK,
      kernelWidth: width,
      alpha,
      seed: opts.seed ?? 0,
      text: true,
      textColumn,
    },
  };
}
