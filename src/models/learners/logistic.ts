/**
 * @module models/learners/logistic
 * Logistic regression, binary and multinomial (softmax), with L2, L1 or elastic-net penalty and
 * scikit-learn's meaning of C (https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression).
 * Objective: Σw·logloss / Σw + λ·(ρ‖β‖₁ + (1 − ρ)/2·‖β‖²), λ = 1/(C·Σw); the intercept is not
 * penalised. Solvers: Newton (IRLS) for a binary model without L1; L-BFGS for multinomial
 * without L1; OWL-QN (Andrew & Gao 2007) whenever there is an L1 term, which gives exact zeros.
 */
import { Adder, AequaError, fsum, InvalidArgumentError, warn } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { prepareFitData } from '../fit-data.js';
import type {
  Differentiable,
  FitOptions,
  Learner,
  Matrix,
  ModelFile,
  ModelTask,
  SavableModel,
} from '../model.js';
import { modelFileOf, registerModelKind } from '../persist.js';
import { type Preprocessor, preprocessorFromJSON } from '../preprocess.js';
import { newtonMinimize, owlqnMinimize } from './optim.js';

/** Options of {@link logisticRegression}. */
export interface LogisticOptions {
  /** @default 'l2' */
  readonly penalty?: 'none' | 'l2' | 'l1' | 'elasticnet';
  /** Inverse regularisation strength, as in scikit-learn: λ = 1/(C·Σw). @default 1 */
  readonly C?: number;
  /** Share ρ of L1 in the elastic-net penalty, in [0, 1]. @default 0.5 */
  readonly l1Ratio?: number;
  /** Iteration limit. @default 100 (Newton), 1000 (L-BFGS / OWL-QN) */
  readonly maxIter?: number;
  /** Stop when ‖∇‖₂ ≤ tol · max(1, ‖∇ at 0‖₂). @default 1e-8 */
  readonly tol?: number;
  /** @default true */
  readonly fitIntercept?: boolean;
  /** 'auto': binary for two classes (or when `positive` is given), softmax otherwise. @default 'auto' */
  readonly multiClass?: 'auto' | 'multinomial';
  /** Standardise number features before fitting (the penalty then treats them alike). @default true */
  readonly standardize?: boolean;
}

type Penalty = NonNullable<LogisticOptions['penalty']>;

/** How a fit ended (saved as `metadata.fit`). */
export interface FitInfo {
  readonly solver: 'newton' | 'lbfgs' | 'owlqn';
  readonly iterations: number;
  readonly gradientNorm: number;
  readonly converged: boolean;
}

/**
 * The parameters of a saved logistic model (`parameters` in the model file). `coefficients[k]`
 * lines up with the preprocessor's `outputNames`; binary models have one row (the positive class),
 * multinomial models one row per class.
 */
export interface LogisticParameters {
  readonly intercept: readonly number[];
  readonly coefficients: readonly (readonly number[])[];
  readonly penalty: Penalty;
  readonly C: number;
  readonly l1Ratio: number;
  /** λ = 1/(C·Σw) of the training data (0 without penalty). */
  readonly lambda: number;
  readonly fitIntercept: boolean;
}

/**
 * Learner for logistic regression.
 * @throws {AEQ_INVALID_ARGUMENT} for C ≤ 0, l1Ratio outside [0, 1], or a bad maxIter/tol.
 * @example
 * const model = await logisticRegression({ C: 1 }).fit(adult, 'income', { positive: ['>50K'] });
 * model.classes // ['<=50K', '>50K']
 */
export function logisticRegression(opts: LogisticOptions = {}): Learner<LogisticModel> {
  const penalty = opts.penalty ?? 'l2';
  const C = opts.C ?? 1;
  const l1Ratio = opts.l1Ratio ?? 0.5;
  const fn = 'logisticRegression';
  if (!['none', 'l2', 'l1', 'elasticnet'].includes(penalty))
    throw new InvalidArgumentError(fn, 'penalty', penalty, '"none", "l2", "l1" or "elasticnet"');
  if (!(C > 0) || !Number.isFinite(C)) throw new InvalidArgumentError(fn, 'C', C, 'a finite number > 0');
  if (!(l1Ratio >= 0 && l1Ratio <= 1))
    throw new InvalidArgumentError(fn, 'l1Ratio', l1Ratio, 'a number in [0, 1]');
  if (opts.maxIter !== undefined && !(Number.isInteger(opts.maxIter) && opts.maxIter > 0))
    throw new InvalidArgumentError(fn, 'maxIter', opts.maxIter, 'an integer > 0');
  if (opts.tol !== undefined && !(opts.tol > 0))
    throw new InvalidArgumentError(fn, 'tol', opts.tol, 'a number > 0');
  const fitIntercept = opts.fitIntercept ?? true;
  return {
    kind: 'logistic',
    async fit(table: Table, target: string, fitOpts: FitOptions = {}): Promise<LogisticModel> {
      fitOpts.signal?.throwIfAborted();
      const data = prepareFitData(table, target, {
        ...fitOpts,
        kind: 'classification',
        preprocess: { standardize: opts.standardize ?? true },
      });
      const multi = data.task === 'multiclass';
      if (
        multi &&
        opts.multiClass !== undefined &&
        opts.multiClass !== 'auto' &&
        opts.multiClass !== 'multinomial'
      )
        throw new InvalidArgumentError(fn, 'multiClass', opts.multiClass, '"auto" or "multinomial"');
      const d = data.x.cols;
      const q = d + 1;
      const blocks = multi ? data.classes.length : 1;
      const lambda = penalty === 'none' ? 0 : 1 / (C * data.weightSum);
      const rho = penalty === 'l1' ? 1 : penalty === 'elasticnet' ? l1Ratio : 0;
      const l1 = lambda * rho;
      const l2 = lambda * (1 - rho);
      const k: Kernel = {
        x: data.x,
        y: data.y,
        w: data.weights,
        invSw: 1 / data.weightSum,
        l2,
        blocks,
        fitIntercept,
      };
      const theta0 = new Float64Array(blocks * q);
      const common = {
        ...(opts.tol === undefined ? {} : { tol: opts.tol }),
        ...(opts.maxIter === undefined ? {} : { maxIter: opts.maxIter }),
        ...(fitOpts.signal === undefined ? {} : { signal: fitOpts.signal }),
      };
      let solver: FitInfo['solver'];
      let res: ReturnType<typeof newtonMinimize>;
      if (!multi && l1 === 0) {
        solver = 'newton';
        res = newtonMinimize((t, g, h) => binaryObjective(k, t, g, h), theta0, common);
      } else {
        solver = l1 > 0 ? 'owlqn' : 'lbfgs';
        let c: Float64Array | undefined;
        if (l1 > 0) {
          c = new Float64Array(blocks * q).fill(l1);
          for (let b = 0; b < blocks; b++) c[b * q] = 0;
        }
        const f = multi
          ? (t: Float64Array, g: Float64Array) => multinomialObjective(k, t, g)
          : (t: Float64Array, g: Float64Array) => binaryObjective(k, t, g);
        res = owlqnMinimize(f, theta0, c === undefined ? common : { ...common, l1: c });
      }
      if (!res.converged)
        warn(
          'AEQ_W_NOT_CONVERGED',
          `Logistic regression (${solver}) stopped after ${res.iterations} iterations with gradient norm ${res.gradientNorm.toExponential(2)}; raise maxIter, or add a penalty if the classes are separable.`,
          { solver, iterations: res.iterations, gradientNorm: res.gradientNorm },
        );
      fitOpts.onProgress?.({ label: 'logistic', done: 1, total: 1 });
      return new LogisticModel({
        task: data.task,
        features: data.features,
        classes: data.classes,
        target: data.target,
        preprocessor: data.preprocessor,
        theta: res.x,
        blocks,
        params: { penalty, C, l1Ratio, lambda, fitIntercept },
        fit: { solver, iterations: res.iterations, gradientNorm: res.gradientNorm, converged: res.converged },
      });
    },
  };
}

interface ModelInit {
  readonly task: ModelTask;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly theta: Float64Array;
  readonly blocks: number;
  readonly params: Omit<LogisticParameters, 'intercept' | 'coefficients'>;
  readonly fit: FitInfo | undefined;
}

/**
 * A fitted logistic regression. Parameters are flattened as blocks of [intercept, β₁ … β_d], one
 * block for a binary model (the positive class), one per class for a multinomial model.
 */
export class LogisticModel implements SavableModel, Differentiable {
  readonly kind = 'logistic';
  readonly task: ModelTask;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly parameterCount: number;
  /** How the fit ended (undefined for a model built from parameters). */
  readonly fitInfo: FitInfo | undefined;
  readonly settings: Omit<LogisticParameters, 'intercept' | 'coefficients'>;
  private readonly theta: Float64Array;
  private readonly blocks: number;
  private readonly d: number;

  constructor(init: ModelInit) {
    this.task = init.task;
    this.features = init.features;
    this.classes = init.classes;
    this.target = init.target;
    this.preprocessor = init.preprocessor;
    this.blocks = init.blocks;
    this.d = init.preprocessor.outputNames.length;
    // +0 turns −0 into 0, which JSON cannot write; the predictions are unchanged.
    this.theta = init.theta.map((v) => v + 0);
    this.parameterCount = this.theta.length;
    this.settings = init.params;
    this.fitInfo = init.fit;
  }

  /** Intercept of each block (binary: one, for the positive class). */
  get intercept(): Float64Array {
    const q = this.d + 1;
    return Float64Array.from({ length: this.blocks }, (_, b) => this.theta[b * q]!);
  }

  /** Coefficients of block b (default 0), aligned with `preprocessor.outputNames`. */
  coefficients(block = 0): Float64Array {
    const q = this.d + 1;
    return this.theta.slice(block * q + 1, (block + 1) * q);
  }

  parameters(): Float64Array {
    return Float64Array.from(this.theta);
  }

  /** The same model with other parameters (same layout as `parameters()`), e.g. for DP-SGD. */
  withParameters(theta: Float64Array): LogisticModel {
    if (theta.length !== this.parameterCount)
      throw new InvalidArgumentError(
        'LogisticModel.withParameters',
        'theta',
        `length ${theta.length}`,
        `${this.parameterCount} parameters`,
      );
    return new LogisticModel({ ...this.init(), theta, fit: undefined });
  }

  async predictProba(rows: Table, opts: { readonly signal?: AbortSignal } = {}): Promise<Float64Array> {
    opts.signal?.throwIfAborted();
    return this.forward(this.preprocessor.transform(rows));
  }

  forward(x: Matrix): Float64Array {
    this.checkMatrix(x);
    const { rows: n, cols: d, data } = x;
    const B = this.blocks;
    const q = d + 1;
    const th = this.theta;
    if (B === 1) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = sigmoid(linear(th, 0, data, i * d, d));
      return out;
    }
    const out = new Float64Array(n * B);
    for (let i = 0; i < n; i++) {
      let m = Number.NEGATIVE_INFINITY;
      for (let b = 0; b < B; b++) {
        const e = linear(th, b * q, data, i * d, d);
        out[i * B + b] = e;
        if (e > m) m = e;
      }
      let s = 0;
      for (let b = 0; b < B; b++) s += out[i * B + b] = Math.exp(out[i * B + b]! - m);
      for (let b = 0; b < B; b++) out[i * B + b] = out[i * B + b]! / s;
    }
    return out;
  }

  loss(x: Matrix, y: Float64Array, weights?: Float64Array): number {
    const k = this.kernel(x, y, weights);
    const g = new Float64Array(this.parameterCount);
    const smooth =
      this.blocks === 1 ? binaryObjective(k, this.theta, g) : multinomialObjective(k, this.theta, g);
    return smooth + this.l1Term();
  }

  lossGradient(x: Matrix, y: Float64Array, weights?: Float64Array): Float64Array {
    const k = this.kernel(x, y, weights);
    const g = new Float64Array(this.parameterCount);
    if (this.blocks === 1) binaryObjective(k, this.theta, g);
    else multinomialObjective(k, this.theta, g);
    const l1 = this.settings.lambda * this.rho();
    if (l1 > 0) {
      // Subgradient of the L1 term: sign(β) (0 at 0); intercepts are not penalised.
      const q = this.d + 1;
      for (let j = 0; j < g.length; j++) if (j % q !== 0) g[j] = g[j]! + l1 * Math.sign(this.theta[j]!);
    }
    return g;
  }

  perExampleGradients(x: Matrix, y: Float64Array): Matrix {
    this.checkMatrix(x);
    checkTargets(x, y, this.blocks);
    const { rows: n, cols: d, data } = x;
    const P = this.parameterCount;
    const q = d + 1;
    const out = new Float64Array(n * P);
    const fi = this.settings.fitIntercept;
    if (this.blocks === 1) {
      for (let i = 0; i < n; i++) {
        const r = sigmoid(linear(this.theta, 0, data, i * d, d)) - y[i]!;
        const o = i * P;
        out[o] = fi ? r : 0;
        for (let j = 0; j < d; j++) out[o + 1 + j] = r * data[i * d + j]!;
      }
    } else {
      const p = this.forward(x);
      const B = this.blocks;
      for (let i = 0; i < n; i++) {
        for (let b = 0; b < B; b++) {
          const r = p[i * B + b]! - (y[i] === b ? 1 : 0);
          const o = i * P + b * q;
          out[o] = fi ? r : 0;
          for (let j = 0; j < d; j++) out[o + 1 + j] = r * data[i * d + j]!;
        }
      }
    }
    return { rows: n, cols: P, data: out };
  }

  /**
   * ∂output/∂x per row: binary p(1 − p)·β; multinomial, for the most probable class c,
   * p_c·(β_c − Σ_k p_k β_k).
   */
  inputGradient(x: Matrix): Matrix {
    const p = this.forward(x);
    const { rows: n, cols: d } = x;
    const q = d + 1;
    const out = new Float64Array(n * d);
    const th = this.theta;
    if (this.blocks === 1) {
      for (let i = 0; i < n; i++) {
        const s = p[i]! * (1 - p[i]!);
        for (let j = 0; j < d; j++) out[i * d + j] = s * th[1 + j]!;
      }
    } else {
      const B = this.blocks;
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let b = 1; b < B; b++) if (p[i * B + b]! > p[i * B + c]!) c = b;
        const pc = p[i * B + c]!;
        for (let j = 0; j < d; j++) {
          let avg = 0;
          for (let b = 0; b < B; b++) avg += p[i * B + b]! * th[b * q + 1 + j]!;
          out[i * d + j] = pc * (th[c * q + 1 + j]! - avg);
        }
      }
    }
    return { rows: n, cols: d, data: out };
  }

  toJSON(): ModelFile {
    const parameters: LogisticParameters = {
      intercept: Array.from(this.intercept),
      coefficients: Array.from({ length: this.blocks }, (_, b) => Array.from(this.coefficients(b))),
      ...this.settings,
    };
    return modelFileOf(
      this,
      parameters,
      this.fitInfo === undefined ? undefined : { fit: { ...this.fitInfo } },
    );
  }

  private init(): ModelInit {
    return {
      task: this.task,
      features: this.features,
      classes: this.classes,
      target: this.target,
      preprocessor: this.preprocessor,
      theta: this.theta,
      blocks: this.blocks,
      params: this.settings,
      fit: this.fitInfo,
    };
  }

  private rho(): number {
    const p = this.settings.penalty;
    return p === 'l1' ? 1 : p === 'elasticnet' ? this.settings.l1Ratio : 0;
  }

  private l1Term(): number {
    const l1 = this.settings.lambda * this.rho();
    if (l1 === 0) return 0;
    const q = this.d + 1;
    let s = 0;
    for (let j = 0; j < this.theta.length; j++) if (j % q !== 0) s += Math.abs(this.theta[j]!);
    return l1 * s;
  }

  private kernel(x: Matrix, y: Float64Array, weights: Float64Array | undefined): Kernel {
    this.checkMatrix(x);
    checkTargets(x, y, this.blocks);
    const w = weights ?? new Float64Array(x.rows).fill(1);
    if (w.length !== x.rows)
      throw new InvalidArgumentError(
        'LogisticModel.loss',
        'weights',
        `length ${w.length}`,
        `${x.rows} weights`,
      );
    return {
      x,
      y,
      w,
      invSw: 1 / fsum(w),
      l2: this.settings.lambda * (1 - this.rho()),
      blocks: this.blocks,
      fitIntercept: this.settings.fitIntercept,
    };
  }

  private checkMatrix(x: Matrix): void {
    if (x.cols !== this.d || x.data.length !== x.rows * x.cols)
      throw new InvalidArgumentError(
        'LogisticModel',
        'x',
        `a ${x.rows} × ${x.cols} matrix`,
        `an encoded matrix with ${this.d} columns (preprocessor.outputNames)`,
      );
  }
}

/**
 * Rebuilds a logistic model from its file (registered as kind 'logistic').
 * @throws {AEQ_MODEL_FORMAT} when a parameter is missing, not finite, or of the wrong shape.
 * @example logisticModelFromFile(model.toJSON()).classes // the model's classes
 */
export function logisticModelFromFile(file: ModelFile): LogisticModel {
  const preprocessor = preprocessorFromJSON(file.preprocessing);
  const p = file.parameters as Partial<Record<keyof LogisticParameters, unknown>> | null;
  const issues: string[] = [];
  const d = preprocessor.outputNames.length;
  if (file.task === 'regression') issues.push('"task" of a logistic model must be binary or multiclass');
  const blocks = file.task === 'multiclass' ? file.classes.length : 1;
  if (file.task === 'binary' && file.classes.length !== 2) issues.push('a binary model needs 2 classes');
  if (typeof p !== 'object' || p === null) throw paramError(['"parameters" must be an object']);
  const finiteArray = (v: unknown, len: number): v is number[] =>
    Array.isArray(v) && v.length === len && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!finiteArray(p.intercept, blocks))
    issues.push(`"parameters.intercept" must hold ${blocks} finite numbers`);
  if (
    !Array.isArray(p.coefficients) ||
    p.coefficients.length !== blocks ||
    !p.coefficients.every((r) => finiteArray(r, d))
  )
    issues.push(
      `"parameters.coefficients" must be ${blocks} arrays of ${d} finite numbers (one per encoded column)`,
    );
  if (!['none', 'l2', 'l1', 'elasticnet'].includes(p.penalty as string))
    issues.push('"parameters.penalty" must be "none", "l2", "l1" or "elasticnet"');
  for (const f of ['C', 'l1Ratio', 'lambda'] as const)
    if (typeof p[f] !== 'number' || !Number.isFinite(p[f]))
      issues.push(`"parameters.${f}" must be a finite number`);
  if (typeof p.fitIntercept !== 'boolean') issues.push('"parameters.fitIntercept" must be a boolean');
  if (!Array.isArray(file.features) || file.features.join('\u0000') !== preprocessor.features.join('\u0000'))
    issues.push('"features" must equal the preprocessing columns');
  if (issues.length > 0) throw paramError(issues);
  const q = d + 1;
  const theta = new Float64Array(blocks * q);
  for (let b = 0; b < blocks; b++) {
    theta[b * q] = (p.intercept as number[])[b]!;
    const row = (p.coefficients as number[][])[b]!;
    for (let j = 0; j < d; j++) theta[b * q + 1 + j] = row[j]!;
  }
  const fit = (file.metadata as { fit?: FitInfo } | undefined)?.fit;
  return new LogisticModel({
    task: file.task,
    features: file.features,
    classes: file.classes,
    target: file.target,
    preprocessor,
    theta,
    blocks,
    params: {
      penalty: p.penalty as Penalty,
      C: p.C as number,
      l1Ratio: p.l1Ratio as number,
      lambda: p.lambda as number,
      fitIntercept: p.fitIntercept as boolean,
    },
    fit: fit === undefined ? undefined : { ...fit },
  });
}

registerModelKind('logistic', logisticModelFromFile);

function paramError(issues: readonly string[]): AequaError {
  return new AequaError('AEQ_MODEL_FORMAT', `The logistic model file is invalid: ${issues.join('; ')}.`, {
    hint: 'Re-save the model with this version of aequa, or upgrade aequa.',
    details: { issues },
  });
}

// ---- kernels: typed arrays in, no allocation per row --------------------------------------------

interface Kernel {
  readonly x: Matrix;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly invSw: number;
  /** L2 strength on the non-intercept parameters. */
  readonly l2: number;
  readonly blocks: number;
  readonly fitIntercept: boolean;
}

/** θ[off] + Σ_j θ[off + 1 + j]·x[row + j]. */
function linear(theta: Float64Array, off: number, x: Float64Array, row: number, d: number): number {
  let s = theta[off]!;
  for (let j = 0; j < d; j++) s += theta[off + 1 + j]! * x[row + j]!;
  return s;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + eᶻ) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function checkTargets(x: Matrix, y: Float64Array, blocks: number): void {
  if (y.length !== x.rows)
    throw new InvalidArgumentError('LogisticModel', 'y', `length ${y.length}`, `${x.rows} targets`);
  const k = blocks === 1 ? 2 : blocks;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v < k))
      throw new InvalidArgumentError(
        'LogisticModel',
        `y[${i}]`,
        v,
        blocks === 1 ? '0 or 1' : `a class code in 0..${k - 1}`,
      );
  }
}

/**
 * Binary objective: Σw·(softplus(η) − yη)/Σw + ½·l2·‖β‖², η = θ₀ + xβ. Fills `grad`, and the
 * Hessian's lower triangle when `hess` is given. Loss and gradient are compensated sums (their
 * accuracy fixes the optimum); the Hessian only shapes the step and is summed plainly.
 */
function binaryObjective(k: Kernel, theta: Float64Array, grad: Float64Array, hess?: Float64Array): number {
  const { x, y, w, invSw } = k;
  const n = x.rows;
  const d = x.cols;
  const q = d + 1;
  const data = x.data;
  const loss = new Adder();
  const comp = new Float64Array(q);
  grad.fill(0);
  if (hess !== undefined) hess.fill(0);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const row = i * d;
    const eta = linear(theta, 0, data, row, d);
    const yi = y[i]!;
    loss.add(wi * (softplus(eta) - yi * eta));
    const p = sigmoid(eta);
    const r = wi * (p - yi);
    compAdd(grad, comp, 0, r);
    for (let j = 0; j < d; j++) {
      const xj = data[row + j]!;
      if (xj !== 0) compAdd(grad, comp, j + 1, r * xj);
    }
    if (hess !== undefined) {
      const s = wi * p * (1 - p);
      hess[0] = hess[0]! + s;
      for (let a = 0; a < d; a++) {
        const xa = data[row + a]!;
        if (xa === 0) continue; // one-hot rows are mostly zeros: skipping them makes this O(nnz²)
        const sa = s * xa;
        const ha = (a + 1) * q;
        hess[ha] = hess[ha]! + sa;
        for (let b = 0; b <= a; b++) hess[ha + b + 1] = hess[ha + b + 1]! + sa * data[row + b]!;
      }
    }
  }
  let pen = 0;
  for (let j = 0; j < q; j++) {
    grad[j] = (grad[j]! + comp[j]!) * invSw;
    if (j > 0) {
      grad[j] = grad[j]! + k.l2 * theta[j]!;
      pen += theta[j]! * theta[j]!;
    }
  }
  if (!k.fitIntercept) grad[0] = 0;
  if (hess !== undefined) {
    for (let a = 0; a < q; a++) {
      for (let b = 0; b <= a; b++) {
        const v = hess[a * q + b]! * invSw + (a === b && a > 0 ? k.l2 : 0);
        hess[a * q + b] = v;
        hess[b * q + a] = v;
      }
    }
    if (!k.fitIntercept) for (let a = 0; a < q; a++) hess[a] = hess[a * q] = 0;
  }
  return loss.value * invSw + 0.5 * k.l2 * pen;
}

/** Multinomial objective: Σw·(logΣexp(η) − η_y)/Σw + ½·l2·Σ‖β_k‖². Fills `grad`. */
function multinomialObjective(k: Kernel, theta: Float64Array, grad: Float64Array): number {
  const { x, y, w, invSw, blocks: B } = k;
  const n = x.rows;
  const d = x.cols;
  const q = d + 1;
  const data = x.data;
  const loss = new Adder();
  const comp = new Float64Array(B * q);
  const eta = new Float64Array(B);
  grad.fill(0);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const row = i * d;
    let m = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < B; b++) {
      const e = linear(theta, b * q, data, row, d);
      eta[b] = e;
      if (e > m) m = e;
    }
    let s = 0;
    for (let b = 0; b < B; b++) s += Math.exp(eta[b]! - m);
    const lse = m + Math.log(s);
    const yi = y[i]!;
    loss.add(wi * (lse - eta[yi]!));
    for (let b = 0; b < B; b++) {
      const r = wi * (Math.exp(eta[b]! - lse) - (b === yi ? 1 : 0));
      const o = b * q;
      compAdd(grad, comp, o, r);
      for (let j = 0; j < d; j++) {
        const xj = data[row + j]!;
        if (xj !== 0) compAdd(grad, comp, o + 1 + j, r * xj);
      }
    }
  }
  let pen = 0;
  for (let t = 0; t < B * q; t++) {
    grad[t] = (grad[t]! + comp[t]!) * invSw;
    if (t % q !== 0) {
      grad[t] = grad[t]! + k.l2 * theta[t]!;
      pen += theta[t]! * theta[t]!;
    } else if (!k.fitIntercept) grad[t] = 0;
  }
  return loss.value * invSw + 0.5 * k.l2 * pen;
}

/** Neumaier-compensated `sum[j] += v`, the error kept in `comp[j]`. */
function compAdd(sum: Float64Array, comp: Float64Array, j: number, v: number): void {
  const s = sum[j]!;
  const t = s + v;
  comp[j] = comp[j]! + (Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s);
  sum[j] = t;
}
