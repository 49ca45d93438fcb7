/**
 * @module explain/shapley/encoded
 * What the model-specific explainers (linear SHAP, TreeSHAP, integrated gradients) share: they read
 * the model's own encoded design matrix (from its `Preprocessor`) and sum encoded-column attributions
 * per raw feature (a one-hot category's columns, and its missing indicator, are one feature).
 */
import { type Rng, seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Matrix, Model, Preprocessor } from '../../models/index.js';
import type { ExplainMethod, Explanation, FeatureValue, RowExplanation } from '../explanation.js';
import { kmeans } from '../kmeans.js';
import { encodedGroups, type FeatureGroups, resolveGroups, tableValues } from '../maskers/features.js';
import { checkModelColumns } from '../maskers/interventional.js';
import { type OutputSpec, outputSpec } from '../output.js';
import { type AttributionOptions, requireBackground, resolveRows } from './common.js';

/** A model that encodes its input with a `Preprocessor` (every built-in learner). */
export interface EncodedModel extends Model {
  readonly kind: string;
  readonly preprocessor: Preprocessor;
}

/** True for models that carry their preprocessor (built-in learners). */
export function isEncodedModel(m: Model): m is EncodedModel {
  const p = (m as { preprocessor?: unknown }).preprocessor;
  return typeof (m as { kind?: unknown }).kind === 'string' && typeof p === 'object' && p !== null;
}

/** Rows, features and encoded matrix of a model-specific explanation. */
export interface EncodedPrep {
  readonly rowIndex: Uint32Array;
  readonly groups: FeatureGroups;
  readonly spec: OutputSpec;
  /** Encoded rows to explain. */
  readonly x: Matrix;
  /** Explained feature of each encoded column. */
  readonly encGroup: Int32Array;
  readonly values: FeatureValue[][];
  readonly rng: Rng;
}

/**
 * Resolves rows, features and output, and encodes the rows.
 * @throws {AEQ_INVALID_ARGUMENT} for rows out of range; {AEQ_MODEL_FEATURES} for missing columns.
 */
export function prepareEncoded(
  fn: string,
  model: EncodedModel,
  data: Table,
  opts: AttributionOptions,
): EncodedPrep {
  const rowIndex = resolveRows(fn, data, opts.rows);
  const groups = resolveGroups(model.features, opts.groups);
  const spec = outputSpec(model, opts);
  checkModelColumns(data, model.features, 'data');
  const rows = data.take(rowIndex);
  const x = model.preprocessor.transform(rows);
  const encGroup = encodedGroups(groups, model.preprocessor);
  const values = Array.from(rowIndex, (_, i) => tableValues(rows, groups, i));
  return { rowIndex, groups, spec, x, encGroup, values, rng: seededRng(opts.seed ?? 0) };
}

/**
 * The encoded background (summarised by weighted k-means above `maxBackground` rows) and its weights.
 * @throws {AEQ_INVALID_ARGUMENT} without a background; {AEQ_MODEL_FEATURES} when it lacks a model column.
 */
export function encodedBackground(
  fn: string,
  model: EncodedModel,
  opts: AttributionOptions,
  rng: Rng,
  summarise = true,
): { readonly z: Matrix; readonly weights: Float64Array; readonly parameters: Record<string, unknown> } {
  const bg = requireBackground(fn, opts);
  checkModelColumns(bg, model.features, 'background');
  const max = opts.maxBackground ?? 100;
  if (summarise && bg.nrows > max) {
    const s = kmeans(bg, max, rng.fork('kmeans'), { columns: model.features });
    return {
      z: model.preprocessor.transform(s.table),
      weights: s.weights,
      parameters: { backgroundRows: bg.nrows, backgroundUsed: s.table.nrows, backgroundSummary: 'kmeans' },
    };
  }
  return {
    z: model.preprocessor.transform(bg),
    weights: new Float64Array(bg.nrows).fill(1 / bg.nrows),
    parameters: { backgroundRows: bg.nrows, backgroundUsed: bg.nrows, backgroundSummary: 'none' },
  };
}

/** Assembles an Explanation from per-row numbers. */
export function encodedExplanation(
  method: ExplainMethod,
  p: EncodedPrep,
  rows: readonly {
    prediction: number;
    baseValue: number;
    attributions: Float64Array;
    diagnostics?: Record<string, number>;
  }[],
  parameters: Record<string, unknown>,
): Explanation {
  return {
    method,
    link: p.spec.link,
    featureNames: p.groups.names,
    rows: rows.map(
      (r, i): RowExplanation => ({
        row: p.rowIndex[i]!,
        prediction: r.prediction,
        baseValue: r.baseValue,
        attributions: r.attributions,
        values: p.values[i]!,
        ...(r.diagnostics === undefined ? {} : { diagnostics: r.diagnostics }),
      }),
    ),
    parameters: {
      ...parameters,
      ...(p.spec.className === undefined ? {} : { explainedClass: p.spec.className }),
    },
  };
}
