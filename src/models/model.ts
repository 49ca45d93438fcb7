/**
 * @module models/model
 * The one model contract (DESIGN idea 3). Anything that scores rows is a `Model`; built-in
 * learners are also `Differentiable` where that makes sense, which integrated gradients,
 * adversarial attacks and DP-SGD need. Black-box methods (SHAP, LIME, threshold optimisation,
 * perturbation tests) accept every `Model`.
 */
import type { Rng } from '../core/index.js';
import type { Table } from '../data/index.js';
import type { Preprocessor } from './preprocess.js';

/** What a model predicts. */
export type ModelTask = 'binary' | 'multiclass' | 'regression';

/** Row-major matrix of n × k numbers. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Anything that scores rows. `predictProba` is async and batched, because ONNX Runtime,
 * transformers.js and HTTP endpoints are async.
 * - binary: P(y = positive) per row (length n);
 * - multiclass: row-major n × classes.length probabilities (length n·k);
 * - regression: the predicted value per row.
 */
export interface Model {
  readonly task: ModelTask;
  /** Input columns the model reads, in order. */
  readonly features: readonly string[];
  /** Class names (binary: [negative, positive]); empty for regression. */
  readonly classes: readonly string[];
  predictProba(
    rows: Table,
    opts?: { readonly signal?: AbortSignal; readonly batchSize?: number },
  ): Promise<Float64Array>;
}

/**
 * A model over the encoded design matrix whose gradients are available. `x` is the encoded
 * input (n × d, from the model's Preprocessor), `y` the target (0/1, class codes or values).
 */
export interface Differentiable {
  /** Number of parameters (flattened). */
  readonly parameterCount: number;
  /** The flattened parameters (a copy). */
  parameters(): Float64Array;
  /** Mean (weighted) loss over rows, including regularisation. */
  loss(x: Matrix, y: Float64Array, weights?: Float64Array): number;
  /** Gradient of the mean loss with respect to the parameters. */
  lossGradient(x: Matrix, y: Float64Array, weights?: Float64Array): Float64Array;
  /**
   * Per-example gradients of the (unregularised) loss with respect to the parameters,
   * n × parameterCount, row-major (for DP-SGD clipping).
   */
  perExampleGradients(x: Matrix, y: Float64Array): Matrix;
  /** Gradient of the model output (probability of the positive class, or value) w.r.t. the encoded inputs, n × d. */
  inputGradient(x: Matrix): Matrix;
  /** The raw output on encoded inputs (probability or value; n × k for multiclass). */
  forward(x: Matrix): Float64Array;
}

export interface FitOptions {
  readonly sampleWeight?: string | Float64Array;
  readonly seed?: number;
  readonly rng?: Rng;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
  /** Explicit feature columns; default: every column but the target (and the weight column). */
  readonly features?: readonly string[];
  /** Value(s) of the target meaning the positive class (binary). */
  readonly positive?: readonly string[];
}

/** A learning algorithm: fit on a table, get a model. */
export interface Learner<M extends Model = Model> {
  readonly kind: string;
  fit(table: Table, target: string, opts?: FitOptions): Promise<M>;
}

/** A built-in model that can be saved to documented JSON. */
export interface SavableModel extends Model {
  readonly kind: string;
  readonly preprocessor: Preprocessor;
  /** The JSON document (see schemas/model.schema.json). */
  toJSON(): ModelFile;
}

/** Persisted model layout. `version` is the format version of this layout. */
export interface ModelFile {
  readonly format: 'aequa-model';
  readonly version: 1;
  readonly kind: string;
  readonly task: ModelTask;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;
  readonly preprocessing: unknown;
  readonly parameters: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
}
