/**
 * @module explain/shapley/common
 * What the model-agnostic Shapley estimators share (Lundberg & Lee 2017,
 * https://arxiv.org/abs/1705.07874): options, row selection, background summarisation, the
 * interventional game, and the loop that turns per-row attributions into an `Explanation`.
 */
import { InvalidArgumentError, type Rng, seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import type { ExplainMethod, Explanation, Link, RowExplanation } from '../explanation.js';
import { kmeans } from '../kmeans.js';
import { type FeatureGroups, resolveGroups } from '../maskers/features.js';
import {
  buildPool,
  type Game,
  interventionalGame,
  poolValues,
  type RowPool,
} from '../maskers/interventional.js';
import { type OutputSpec, outputSpec } from '../output.js';

/** Progress of a long explanation (rows done out of rows). */
export interface ExplainProgress {
  readonly label: string;
  readonly done: number;
  readonly total: number;
}

/** Options shared by every attribution method. */
export interface AttributionOptions {
  /** Indices of the rows of `data` to explain. @default every row */
  readonly rows?: readonly number[];
  /**
   * Background rows standing for "feature unknown" (model-agnostic methods, interventional TreeSHAP,
   * linear SHAP's mean, IG's baseline). @default required, except for path-dependent TreeSHAP
   */
  readonly background?: Table;
  /** Merge model columns into named features, e.g. `{ place: ['zip', 'city'] }`. @default none */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  /** Scale of the explained output. @default 'identity' (probability or value) */
  readonly link?: Link;
  /** Explained class of a multiclass model. @default 0 */
  readonly classIndex?: number;
  /** Seed of the sampling methods and of the background summary. @default 0 */
  readonly seed?: number;
  /** Background rows above this are summarised by weighted k-means. @default 100 */
  readonly maxBackground?: number;
  /** Rows per `predictProba` call. @default 8192 */
  readonly batchRows?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ExplainProgress) => void;
}

/**
 * Checks the row indices (integers within the table).
 * @throws {AEQ_INVALID_ARGUMENT} naming the first index out of range.
 */
export function resolveRows(fn: string, data: Table, rows: readonly number[] | undefined): Uint32Array {
  if (rows === undefined) return Uint32Array.from({ length: data.nrows }, (_, i) => i);
  const out = new Uint32Array(rows.length);
  rows.forEach((r, k) => {
    if (!Number.isInteger(r) || r < 0 || r >= data.nrows)
      throw new InvalidArgumentError(
        fn,
        `rows[${k}]`,
        r,
        `a row index in 0..${data.nrows - 1} (the data has ${data.nrows} rows)`,
        'Row indices count from 0.',
      );
    out[k] = r;
  });
  return out;
}

/** Everything a black-box method needs, resolved once. */
export interface Prepared {
  readonly rowIndex: Uint32Array;
  readonly groups: FeatureGroups;
  readonly spec: OutputSpec;
  readonly pool: RowPool;
  readonly game: Game;
  readonly rng: Rng;
  readonly parameters: Record<string, unknown>;
}

/**
 * The background rows of `opts`, checked to be present and non-empty.
 * @param why - appended to the expected value in the error (e.g. what the background is for).
 * @throws {AEQ_INVALID_ARGUMENT} without a background, or for one of 0 rows.
 * @example requireBackground('kernelShap', { background: train.take(sample) }) // that table
 */
export function requireBackground(fn: string, opts: Pick<AttributionOptions, 'background'>, why = ''): Table {
  const bg = opts.background;
  if (bg === undefined || bg.nrows === 0)
    throw new InvalidArgumentError(
      fn,
      'background',
      bg === undefined ? undefined : 'a table of 0 rows',
      `a table of background rows with the model features${why}`,
      'Pass background: rows of the training data (e.g. 100 sampled rows).',
    );
  return bg;
}

/**
 * Resolves rows, features, output, background (summarised by k-means when larger than
 * `maxBackground`) and the interventional game.
 * @throws {AEQ_INVALID_ARGUMENT} without a background, or for rows out of range.
 * @throws {AEQ_MODEL_FEATURES} when the data or the background lacks a model column.
 */
export function prepareBlackBox(fn: string, model: Model, data: Table, opts: AttributionOptions): Prepared {
  const rowIndex = resolveRows(fn, data, opts.rows);
  const groups = resolveGroups(model.features, opts.groups);
  const spec = outputSpec(model, opts);
  const bg = requireBackground(fn, opts);
  const seed = opts.seed ?? 0;
  const rng = seededRng(seed);
  const maxBackground = opts.maxBackground ?? 100;
  let background = bg;
  let weights: Float64Array | undefined;
  let summarised = false;
  if (bg.nrows > maxBackground) {
    const s = kmeans(bg, maxBackground, rng.fork('kmeans'), { columns: model.features });
    background = s.table;
    weights = s.weights;
    summarised = true;
  }
  const pool = buildPool(model.features, data.take(rowIndex), background, weights);
  const game = interventionalGame(model, pool, groups, spec, {
    ...(opts.batchRows === undefined ? {} : { batchRows: opts.batchRows }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const parameters: Record<string, unknown> = {
    backgroundRows: bg.nrows,
    backgroundUsed: pool.nb,
    backgroundSummary: summarised ? 'kmeans' : 'none',
    seed,
    ...(spec.className === undefined ? {} : { explainedClass: spec.className }),
  };
  return { rowIndex, groups, spec, pool, game, rng, parameters };
}

/**
 * Runs `perRow` on every explained row and assembles the Explanation.
 */
export async function runRows(
  method: ExplainMethod,
  p: Prepared,
  opts: AttributionOptions,
  perRow: (i: number, prediction: number, base: number) => Promise<Float64Array>,
): Promise<Explanation> {
  const predictions = await p.game.predictions();
  const base = await p.game.baseValue();
  const rows: RowExplanation[] = [];
  const total = p.rowIndex.length;
  for (let i = 0; i < total; i++) {
    opts.signal?.throwIfAborted();
    const attributions = await perRow(i, predictions[i]!, base);
    rows.push({
      row: p.rowIndex[i]!,
      prediction: predictions[i]!,
      baseValue: base,
      attributions,
      values: poolValues(p.pool, p.groups, i),
    });
    opts.onProgress?.({ label: method, done: i + 1, total });
  }
  return {
    method,
    link: p.spec.link,
    featureNames: p.groups.names,
    rows,
    parameters: { ...p.parameters, modelRows: p.game.modelRows },
  };
}
