/**
 * @module models/preprocess
 * The encoding a model learns from its training table and carries inside its saved file:
 * one-hot for categories (with an "other" bucket for values unseen in training), standardisation
 * for numbers, and missing-value handling (mean imputation plus an indicator column).
 * (Interface only; the implementation lands with the models issue.)
 */
import type { Table } from '../data/index.js';
import type { Matrix } from './model.js';

export interface Preprocessor {
  /** The raw input columns, in order. */
  readonly features: readonly string[];
  /** Names of the encoded columns, e.g. ['age', 'sex=Female', 'sex=Male', 'sex=<other>']. */
  readonly outputNames: readonly string[];
  /** For each encoded column, the index of the raw feature it came from (feature groups for SHAP). */
  readonly sourceFeature: readonly number[];
  /** Encodes rows (throws MissingColumnError naming the absent columns). */
  transform(table: Table): Matrix;
  toJSON(): unknown;
}
