/**
 * @module models/learners/linear
 * Ridge regression (Hoerl & Kennard 1970, https://doi.org/10.1080/00401706.1970.10488634) with
 * sample weights and an unpenalised intercept, in scikit-learn's parametrisation
 * (https://scikit-learn.org/stable/modules/linear_model.html#ridge-regression): minimise
 * Σw·(y − b − xβ)² + α‖β‖². Closed form: centre x and y by their weighted means, solve
 * (XcᵀWXc + αI)β = XcᵀWyc by Cholesky, b = ȳ − x̄β. α = 0 is ordinary least squares.
 */
import { Adder, AequaError, InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { prepareFitData } from '../fit-data.js';
import { choleskySolve } from '../linalg.js';
import type { Differentiable, FitOptions, Learner, Matrix, ModelFile, SavableModel } from '../model.js';
import { modelFileOf, registerModelKind } from '../persist.js';
import { type Preprocessor, preprocessorFromJSON } from '../preprocess.js';

/** Options of {@link ridgeRegression}. */
export interface RidgeOptions {
  /** Penalty α on ‖β‖² (sum, not mean, of squared errors, as in scikit-learn's Ridge). @default 1 */
  readonly alpha?: number;
  /** @default true */
  readonly fitIntercept?: boolean;
  /** Standardise number features before fitting. @default true */
  readonly standardize?: boolean;
}

/** The parameters of a saved linear model (`parameters` in the model file). */
export interface LinearParameters {
  readonly intercept: number;
  /** Aligned with the preprocessor's `outputNames`. */
  readonly coefficients: readonly number[];
  readonly alpha: number;
  /** λ = α/Σw of the training data: the loss is ½·Σw·r²/Σw + ½·λ·‖β‖². */
  readonly lambda: number;
  readonly fitIntercept: boolean;
}

/**
 * Learner for ridge regression (weighted least squares with an L2 penalty).
 * @throws {AEQ_INVALID_ARGUMENT} for α < 0 or not finite.
 * @example
 * const m = await ridgeRegression({ alpha: 0, standardize: false }).fit(fromArrays({ x: [0, 1, 2], y: [1, 3, 5] }), 'y');
 * m.coefficients // Float64Array [2]; m.intercept // 1
 */
export function ridgeRegression(opts: RidgeOptions = {}): Learner<LinearModel> {
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0) || !Number.isFinite(alpha))
    throw new InvalidArgumentError('ridgeRegression', 'alpha', alpha, 'a finite number ≥ 0');
  const fitIntercept = opts.fitIntercept ?? true;
  return {
    kind: 'linear',
    async fit(table: Table, target: string, fitOpts: FitOptions = {}): Promise<LinearModel> {
      fitOpts.signal?.throwIfAborted();
      const data = prepareFitData(table, target, {
        ...fitOpts,
        kind: 'regression',
        preprocess: { standardize: opts.standardize ?? true },
      });
      const { x, y, weights: w, weightSum } = data;
      const n = x.rows;
      const d = x.cols;
      const xm = new Float64Array(d);
      const xmc = new Float64Array(d);
      let ym = 0;
      if (fitIntercept) {
        const ySum = new Adder();
        for (let i = 0; i < n; i++) {
          const wi = w[i]!;
          for (let j = 0; j < d; j++) compAdd(xm, xmc, j, wi * x.data[i * d + j]!);
          ySum.add(wi * y[i]!);
        }
        ym = ySum.value / weightSum;
        for (let j = 0; j < d; j++) xm[j] = (xm[j]! + xmc[j]!) / weightSum;
      }
      const a = new Float64Array(d * d);
      const ac = new Float64Array(d * d);
      const b = new Float64Array(d);
      const bc = new Float64Array(d);
      const xc = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        if (wi === 0) continue;
        for (let j = 0; j < d; j++) xc[j] = x.data[i * d + j]! - xm[j]!;
        const r = wi * (y[i]! - ym);
        for (let j = 0; j < d; j++) {
          const wj = wi * xc[j]!;
          compAdd(b, bc, j, r * xc[j]!);
          for (let k = 0; k <= j; k++) compAdd(a, ac, j * d + k, wj * xc[k]!);
        }
      }
      for (let j = 0; j < d; j++) {
        b[j] = b[j]! + bc[j]!;
        for (let k = 0; k <= j; k++) a[j * d + k] = a[j * d + k]! + ac[j * d + k]! + (j === k ? alpha : 0);
      }
      const { x: beta } = choleskySolve(a, b, d);
      let intercept = 0;
      if (fitIntercept) {
        intercept = ym;
        for (let j = 0; j < d; j++) intercept -= xm[j]! * beta[j]!;
      }
      fitOpts.onProgress?.({ label: 'ridge', done: 1, total: 1 });
      return new LinearModel({
        features: data.features,
        target: data.target,
        preprocessor: data.preprocessor,
        intercept,
        coefficients: beta,
        alpha,
        lambda: alpha / weightSum,
        fitIntercept,
      });
    },
  };
}

interface LinearInit {
  readonly features: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly intercept: number;
  readonly coefficients: Float64Array;
  readonly alpha: number;
  readonly lambda: number;
  readonly fitIntercept: boolean;
}

/** A fitted linear regression ŷ = b + xβ on the encoded features. Parameters: [b, β₁ … β_d]. */
export class LinearModel implements SavableModel, Differentiable {
  readonly kind = 'linear';
  readonly task = 'regression' as const;
  readonly classes: readonly string[] = [];
  readonly features: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly intercept: number;
  readonly parameterCount: number;
  readonly alpha: number;
  readonly lambda: number;
  readonly fitIntercept: boolean;
  private readonly beta: Float64Array;

  constructor(init: LinearInit) {
    this.features = init.features;
    this.target = init.target;
    this.preprocessor = init.preprocessor;
    // +0 turns −0 into 0, which JSON cannot write.
    this.intercept = init.intercept + 0;
    this.beta = init.coefficients.map((v) => v + 0);
    this.parameterCount = this.beta.length + 1;
    this.alpha = init.alpha;
    this.lambda = init.lambda;
    this.fitIntercept = init.fitIntercept;
  }

  /** β, aligned with `preprocessor.outputNames` (a copy). */
  get coefficients(): Float64Array {
    return Float64Array.from(this.beta);
  }

  parameters(): Float64Array {
    const t = new Float64Array(this.parameterCount);
    t[0] = this.intercept;
    t.set(this.beta, 1);
    return t;
  }

  /** The same model with other parameters [b, β…]. */
  withParameters(theta: Float64Array): LinearModel {
    if (theta.length !== this.parameterCount)
      throw new InvalidArgumentError(
        'LinearModel.withParameters',
        'theta',
        `length ${theta.length}`,
        `${this.parameterCount} parameters`,
      );
    return new LinearModel({
      features: this.features,
      target: this.target,
      preprocessor: this.preprocessor,
      intercept: theta[0]!,
      coefficients: theta.slice(1),
      alpha: this.alpha,
      lambda: this.lambda,
      fitIntercept: this.fitIntercept,
    });
  }

  async predictProba(rows: Table, opts: { readonly signal?: AbortSignal } = {}): Promise<Float64Array> {
    opts.signal?.throwIfAborted();
    return this.forward(this.preprocessor.transform(rows));
  }

  forward(x: Matrix): Float64Array {
    this.checkMatrix(x);
    const { rows: n, cols: d, data } = x;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = this.intercept;
      for (let j = 0; j < d; j++) s += this.beta[j]! * data[i * d + j]!;
      out[i] = s;
    }
    return out;
  }

  /** ½·Σw·(y − ŷ)²/Σw + ½·λ·‖β‖². */
  loss(x: Matrix, y: Float64Array, weights?: Float64Array): number {
    const r = this.residuals(x, y);
    const w = this.weights(x, weights);
    const s = new Adder();
    const sw = new Adder();
    for (let i = 0; i < r.length; i++) {
      s.add(w[i]! * r[i]! * r[i]!);
      sw.add(w[i]!);
    }
    let pen = 0;
    for (let j = 0; j < this.beta.length; j++) pen += this.beta[j]! * this.beta[j]!;
    return (0.5 * s.value) / sw.value + 0.5 * this.lambda * pen;
  }

  lossGradient(x: Matrix, y: Float64Array, weights?: Float64Array): Float64Array {
    const r = this.residuals(x, y);
    const w = this.weights(x, weights);
    const d = x.cols;
    const g = new Float64Array(this.parameterCount);
    let sw = 0;
    for (let i = 0; i < r.length; i++) {
      const e = w[i]! * r[i]!; // ∂(½r²)/∂ŷ = −(y − ŷ) = r with r = ŷ − y
      sw += w[i]!;
      g[0] = g[0]! + e;
      for (let j = 0; j < d; j++) g[j + 1] = g[j + 1]! + e * x.data[i * d + j]!;
    }
    for (let j = 0; j < g.length; j++) g[j] = g[j]! / sw + (j > 0 ? this.lambda * this.beta[j - 1]! : 0);
    if (!this.fitIntercept) g[0] = 0;
    return g;
  }

  perExampleGradients(x: Matrix, y: Float64Array): Matrix {
    const r = this.residuals(x, y);
    const d = x.cols;
    const P = this.parameterCount;
    const out = new Float64Array(x.rows * P);
    for (let i = 0; i < x.rows; i++) {
      out[i * P] = this.fitIntercept ? r[i]! : 0;
      for (let j = 0; j < d; j++) out[i * P + 1 + j] = r[i]! * x.data[i * d + j]!;
    }
    return { rows: x.rows, cols: P, data: out };
  }

  /** ∂ŷ/∂x = β on every row. */
  inputGradient(x: Matrix): Matrix {
    this.checkMatrix(x);
    const out = new Float64Array(x.rows * x.cols);
    for (let i = 0; i < x.rows; i++) out.set(this.beta, i * x.cols);
    return { rows: x.rows, cols: x.cols, data: out };
  }

  toJSON(): ModelFile {
    const parameters: LinearParameters = {
      intercept: this.intercept,
      coefficients: Array.from(this.beta),
      alpha: this.alpha,
      lambda: this.lambda,
      fitIntercept: this.fitIntercept,
    };
    return modelFileOf(this, parameters);
  }

  /** ŷ − y per row. */
  private residuals(x: Matrix, y: Float64Array): Float64Array {
    if (y.length !== x.rows)
      throw new InvalidArgumentError('LinearModel', 'y', `length ${y.length}`, `${x.rows} targets`);
    const r = this.forward(x);
    for (let i = 0; i < r.length; i++) r[i] = r[i]! - y[i]!;
    return r;
  }

  private weights(x: Matrix, w: Float64Array | undefined): Float64Array {
    if (w === undefined) return new Float64Array(x.rows).fill(1);
    if (w.length !== x.rows)
      throw new InvalidArgumentError(
        'LinearModel.loss',
        'weights',
        `length ${w.length}`,
        `${x.rows} weights`,
      );
    return w;
  }

  private checkMatrix(x: Matrix): void {
    if (x.cols !== this.beta.length || x.data.length !== x.rows * x.cols)
      throw new InvalidArgumentError(
        'LinearModel',
        'x',
        `a ${x.rows} × ${x.cols} matrix`,
        `an encoded matrix with ${this.beta.length} columns (preprocessor.outputNames)`,
      );
  }
}

/**
 * Rebuilds a linear model from its file (registered as kind 'linear').
 * @throws {AEQ_MODEL_FORMAT} when a parameter is missing, not finite, or of the wrong shape.
 * @example linearModelFromFile(model.toJSON()).intercept // the model's intercept
 */
export function linearModelFromFile(file: ModelFile): LinearModel {
  const preprocessor = preprocessorFromJSON(file.preprocessing);
  const p = file.parameters as Partial<Record<keyof LinearParameters, unknown>> | null;
  const d = preprocessor.outputNames.length;
  const issues: string[] = [];
  if (file.task !== 'regression') issues.push('"task" of a linear model must be "regression"');
  if (typeof p !== 'object' || p === null) issues.push('"parameters" must be an object');
  else {
    const fin = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
    if (!fin(p.intercept)) issues.push('"parameters.intercept" must be a finite number');
    if (!Array.isArray(p.coefficients) || p.coefficients.length !== d || !p.coefficients.every(fin))
      issues.push(`"parameters.coefficients" must hold ${d} finite numbers (one per encoded column)`);
    if (!fin(p.alpha)) issues.push('"parameters.alpha" must be a finite number');
    if (!fin(p.lambda)) issues.push('"parameters.lambda" must be a finite number');
    if (typeof p.fitIntercept !== 'boolean') issues.push('"parameters.fitIntercept" must be a boolean');
  }
  if (file.features.join('\u0000') !== preprocessor.features.join('\u0000'))
    issues.push('"features" must equal the preprocessing columns');
  if (issues.length > 0 || p === null)
    throw new AequaError('AEQ_MODEL_FORMAT', `The linear model file is invalid: ${issues.join('; ')}.`, {
      hint: 'Re-save the model with this version of aequa, or upgrade aequa.',
      details: { issues },
    });
  return new LinearModel({
    features: file.features,
    target: file.target,
    preprocessor,
    intercept: p.intercept as number,
    coefficients: Float64Array.from(p.coefficients as number[]),
    alpha: p.alpha as number,
    lambda: p.lambda as number,
    fitIntercept: p.fitIntercept as boolean,
  });
}

registerModelKind('linear', linearModelFromFile);

/** Neumaier-compensated `sum[j] += v`. */
function compAdd(sum: Float64Array, comp: Float64Array, j: number, v: number): void {
  const s = sum[j]!;
  const t = s + v;
  comp[j] = comp[j]! + (Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s);
  sum[j] = t;
}
