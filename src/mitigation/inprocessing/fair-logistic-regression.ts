/**
 * @module mitigation/inprocessing/fair-logistic-regression
 * Fairness-regularised logistic regression ("bias-aware training"): the logistic loss plus
 * λ × a fairness penalty, either the squared decision-boundary covariance of Zafar et al. 2017
 * (https://arxiv.org/abs/1507.05259) or the squared gap between the groups' mean probabilities
 * (Kamishima et al. 2012's prejudice-remover idea in its simplest form). The fit warm-starts from the
 * plain model and minimises the penalised objective by L-BFGS; the result is an ordinary
 * LogisticModel (kind 'logistic'), so it saves, loads and explains like any other.
 */
import { Adder, InvalidArgumentError, warn } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import {
  type FitOptions,
  type Learner,
  type LogisticModel,
  logisticRegression,
  type Matrix,
  owlqnMinimize,
} from '../../models/index.js';
import { sparseRowsOf } from '../sparse-rows.js';
import { checkLambda, checkPenalty, type FairnessPenalty, penaltyTerms } from './penalty.js';
import { prepareFairFit } from './setup.js';

/** Options of {@link fairLogisticRegression}. */
export interface FairLogisticOptions {
  /** The sensitive column (any number of groups). */
  readonly sensitive: string;
  /** Weight λ of the fairness penalty; 0 gives the plain logistic regression. @default 1 */
  readonly lambda?: number;
  /** @default 'gap' */
  readonly penalty?: FairnessPenalty;
  /** Keep the sensitive column among the features (by default it is left out). @default false */
  readonly includeSensitive?: boolean;
  /** L2 regularisation of the coefficients, as in logisticRegression. @default 'l2' */
  readonly regularization?: 'l2' | 'none';
  /** Inverse L2 strength, as in scikit-learn. @default 1 */
  readonly C?: number;
  /** L-BFGS iteration limit of the penalised fit. @default 500 */
  readonly maxIter?: number;
  /**
   * Gradient tolerance of the penalised fit, relative as in logisticRegression (which uses 1e-8 for
   * its Newton steps; L-BFGS on one-hot-heavy data gains little below 1e-6). @default 1e-6
   */
  readonly tol?: number;
  /** @default true */
  readonly standardize?: boolean;
}

/**
 * Learner for fairness-regularised logistic regression. Objective:
 * Σwᵢ·logloss(yᵢ, σ(zᵢ))/Σw + ½λ_C‖β‖² + λ·penalty(z), with the penalties of {@link penaltyTerms}
 * ('gap': squared gap of group mean probabilities; 'covariance': squared covariance between the
 * group indicator and the logit z = θ₀ + xβ).
 *
 * Use it when you want a single deterministic linear model that trades accuracy for parity through
 * one knob; for a guaranteed constraint level use exponentiatedGradient, for a black-box model a
 * post-processing method.
 * @throws {AEQ_INVALID_ARGUMENT} for λ < 0, an unknown penalty, or a bad C/maxIter/tol.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} (at fit) when the sensitive column has one group.
 * @throws {AEQ_DATA_NOT_BINARY} (at fit) when the target has more than two classes.
 * @example
 * const fair = await fairLogisticRegression({ sensitive: 'sex', lambda: 10 }).fit(adult, 'income');
 * fair.kind // 'logistic': saveModelJSON(fair) / loadModelJSON work unchanged
 */
export function fairLogisticRegression(opts: FairLogisticOptions): Learner<LogisticModel> {
  const fn = 'fairLogisticRegression';
  const lambda = opts.lambda ?? 1;
  const penalty = opts.penalty ?? 'gap';
  checkLambda(fn, lambda);
  checkPenalty(fn, penalty);
  const base = logisticRegression({
    penalty: opts.regularization ?? 'l2',
    ...(opts.C === undefined ? {} : { C: opts.C }),
    standardize: opts.standardize ?? true,
  });
  const maxIter = opts.maxIter ?? 500;
  if (!Number.isInteger(maxIter) || maxIter < 1)
    throw new InvalidArgumentError(fn, 'maxIter', maxIter, 'an integer ≥ 1');
  if (opts.tol !== undefined && !(opts.tol > 0 && Number.isFinite(opts.tol)))
    throw new InvalidArgumentError(fn, 'tol', opts.tol, 'a finite number > 0');
  return {
    kind: 'logistic',
    async fit(table: Table, target: string, fitOpts: FitOptions = {}): Promise<LogisticModel> {
      const { data, groups, features } = prepareFairFit(table, target, {
        fn,
        sensitive: opts.sensitive,
        includeSensitive: opts.includeSensitive ?? false,
        binarySensitive: false,
        standardize: opts.standardize ?? true,
        fit: fitOpts,
      });
      const plain = await base.fit(table, target, { ...fitOpts, features });
      const objective = fairLogisticObjective({
        x: data.x,
        y: data.y,
        weights: data.weights,
        codes: groups.codes,
        groups: groups.names.length,
        penalty,
        lambda,
        l2: plain.settings.penalty === 'none' ? 0 : plain.settings.lambda,
        fitIntercept: plain.settings.fitIntercept,
      });
      const res = owlqnMinimize(objective, plain.parameters(), {
        maxIter,
        tol: opts.tol ?? 1e-6,
        ...(fitOpts.signal === undefined ? {} : { signal: fitOpts.signal }),
      });
      if (!res.converged)
        warn(
          'AEQ_W_NOT_CONVERGED',
          `${fn} (L-BFGS, λ = ${lambda}) stopped after ${res.iterations} iterations with gradient norm ${res.gradientNorm.toExponential(2)}; raise maxIter, or lower λ.`,
          { iterations: res.iterations, gradientNorm: res.gradientNorm, lambda },
        );
      fitOpts.onProgress?.({ label: fn, done: 1, total: 1 });
      return plain.withParameters(res.x);
    },
  };
}

/** The data and settings of a fair logistic objective. */
export interface FairLogisticProblem {
  /** Encoded features, n × d. */
  readonly x: Matrix;
  /** 0/1 targets. */
  readonly y: Float64Array;
  readonly weights: Float64Array;
  /** Group code per row, 0..groups−1. */
  readonly codes: Int32Array;
  readonly groups: number;
  readonly penalty: FairnessPenalty;
  readonly lambda: number;
  /** L2 strength on β (logisticRegression's λ = 1/(C·Σw)); 0 for none. */
  readonly l2: number;
  readonly fitIntercept: boolean;
}

/**
 * The penalised logistic objective over θ = [θ₀, β₁ … β_d] (LogisticModel's layout): value
 * Σwᵢ(softplus(zᵢ) − yᵢzᵢ)/Σw + ½·l2·‖β‖² + λ·penalty(z), and its gradient Σᵢ cᵢ·(1, xᵢ) + l2·β with
 * cᵢ = wᵢ(σ(zᵢ) − yᵢ)/Σw + λ·∂penalty/∂zᵢ. The design matrix is held in compressed sparse rows, so a
 * one-hot-heavy table costs its non-zeros per evaluation (two passes). Exposed for gradient checks.
 * @example fairLogisticObjective(problem)(theta, grad) // the value; grad is filled
 */
export function fairLogisticObjective(
  p: FairLogisticProblem,
): (theta: Float64Array, grad: Float64Array) => number {
  const { x, y, weights: w, codes, groups, penalty, lambda, l2, fitIntercept } = p;
  const n = x.rows;
  const d = x.cols;
  // Compressed sparse rows of x (one-hot columns are mostly zero).
  const { start, index: col, value: val } = sparseRowsOf(x);
  const W = new Adder();
  for (let i = 0; i < n; i++) W.add(w[i]!);
  const invW = 1 / W.value;
  const z = new Float64Array(n);
  const prob = new Float64Array(n);
  return (theta: Float64Array, grad: Float64Array): number => {
    const loss = new Adder();
    for (let i = 0; i < n; i++) {
      let s = theta[0]!;
      for (let k = start[i]!; k < start[i + 1]!; k++) s += theta[1 + col[k]!]! * val[k]!;
      z[i] = s;
      prob[i] = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
      // softplus(s) − y·s without overflow
      const sp = s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
      if (w[i] !== 0) loss.add(w[i]! * (sp - y[i]! * s));
    }
    const terms = lambda > 0 ? penaltyTerms(penalty, prob, codes, groups, w, z) : undefined;
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let c = w[i]! * (prob[i]! - y[i]!) * invW;
      if (terms !== undefined) c += lambda * terms.dLogit[i]!;
      if (c === 0) continue;
      grad[0] = grad[0]! + c;
      for (let k = start[i]!; k < start[i + 1]!; k++) grad[1 + col[k]!] = grad[1 + col[k]!]! + c * val[k]!;
    }
    if (!fitIntercept) grad[0] = 0;
    let pen = 0;
    for (let j = 1; j <= d; j++) {
      grad[j] = grad[j]! + l2 * theta[j]!;
      pen += theta[j]! * theta[j]!;
    }
    return loss.value * invW + 0.5 * l2 * pen + (terms === undefined ? 0 : lambda * terms.value);
  };
}
