/**
 * @module mitigation/reductions/exponentiated-gradient
 * Exponentiated gradient for fair classification and regression (Agarwal, Beygelzimer, Dudík,
 * Langford & Wallach 2018, "A Reductions Approach to Fair Classification", Algorithm 1,
 * https://arxiv.org/abs/1803.02453). It finds a saddle point of the Lagrangian
 * L(Q, λ) = err(Q) + Σ_k λ_k (γ_k(Q) − eps) over randomized classifiers Q and multipliers λ ≥ 0,
 * ‖λ‖₁ ≤ B, calling the base learner as a best-response oracle on relabelled, reweighted rows.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Learner, Model } from '../../models/index.js';
import { bestMixture } from './lp.js';
import { CONSTRAINTS, type Constraint, type MomentValues } from './moments.js';
import { createOracle, type ReductionOptions } from './oracle.js';
import { RandomizedModel } from './randomized.js';
import { type Candidate, mixValues, type ReductionSummary, trainingValues, warnIfUnmet } from './result.js';

/** Options of {@link exponentiatedGradient}. */
export interface EgOptions extends ReductionOptions {
  /** Iteration limit (each iteration is one learner fit; two with `lpStep: false`). @default 50 */
  readonly maxIter?: number;
  /** Stop when the duality gap is at most ν. @default 0.5·sd(|h₀(x) − y|)/√n, the statistical resolution of the error (as in fairlearn) */
  readonly nu?: number;
  /** Initial step of the multiplicative update, divided by B. @default 2 */
  readonly eta0?: number;
  /** Bound B on ‖λ‖₁ (the price of a unit of violation). @default 1/eps */
  readonly bound?: number;
  /**
   * Query the oracle at the multipliers of the LP over the hypotheses found so far (the "LP step" of
   * the reference implementation), and return the LP's mixture. It reaches the gap ν in far fewer
   * learner fits than the multiplicative update alone; `false` runs the textbook iteration and
   * returns the average of the iterates. @default true
   */
  readonly lpStep?: boolean;
}

/** Result of {@link exponentiatedGradient}. */
export interface EgResult extends ReductionSummary {
  readonly method: 'exponentiatedGradient';
  /** The randomized classifier (or regressor): a distribution over fitted models. */
  readonly model: RandomizedModel;
  readonly iterations: number;
  readonly converged: boolean;
  /** Duality gap at the end, and the threshold ν it was compared with. */
  readonly gap: number;
  readonly nu: number;
  /** The final multipliers λ, by constraint row label. */
  readonly lambda: Readonly<Record<string, number>>;
}

/**
 * Trains a fair randomized classifier with the reductions approach.
 *
 * Each iteration fits the base learner once on relabelled rows with weights
 * w_i = |cost_i(1) − cost_i(0)|, where the costs come from one coefficient per (event, group) cell
 * (so memory is O(rows + cells), never rows × constraints). The result's training disparity is at
 * most eps up to the oracle's suboptimality and ν; on held-out data add the statistical slack
 * O(1/√(n·min group share)). Use it when the learner can be refitted tens of times; for a black-box
 * model use `thresholdOptimizer` instead.
 *
 * @param learner a learner that honours `sampleWeight` (logistic, tree, gbdt, mlp; linear for bounded group loss).
 * @param constraint e.g. `demographicParity({ eps: 0.01 })`; `opts.eps` overrides its slack.
 * @throws {AEQ_INVALID_ARGUMENT} for eps ≤ 0, a bad maxIter, nu, eta0 or bound.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} when the sensitive column has one group (or a group lacks a needed label).
 * @throws {AEQ_MITIGATION_WEIGHTS_IGNORED} when the learner ignores sample weights.
 * @example
 * const r = await exponentiatedGradient(logisticRegression(), demographicParity({ eps: 0.01 }), adult,
 *   { label: 'income', positive: ['>50K'], sensitive: 'sex' });
 * r.train.disparity // ≤ 0.01 (+ ν), e.g. 0.0100
 * await r.model.predictProba(test) // probability of a positive decision per row
 */
export async function exponentiatedGradient(
  learner: Learner,
  constraint: Constraint,
  table: Table,
  opts: EgOptions,
): Promise<EgResult> {
  const fn = 'exponentiatedGradient';
  const c = opts.eps === undefined ? constraint : CONSTRAINTS[constraint.name]({ eps: opts.eps });
  const eps = c.eps;
  const maxIter = opts.maxIter ?? 50;
  if (!Number.isInteger(maxIter) || maxIter < 1)
    throw new InvalidArgumentError(fn, 'maxIter', maxIter, 'an integer ≥ 1');
  const B = opts.bound ?? 1 / eps;
  if (!(B > 0) || !Number.isFinite(B)) throw new InvalidArgumentError(fn, 'bound', B, 'a finite number > 0');
  const eta0 = opts.eta0 ?? 2;
  if (!(eta0 > 0) || !Number.isFinite(eta0))
    throw new InvalidArgumentError(fn, 'eta0', eta0, 'a finite number > 0');
  if (opts.nu !== undefined && !(opts.nu > 0))
    throw new InvalidArgumentError(fn, 'nu', opts.nu, 'a number > 0');
  const lpStep = opts.lpStep ?? true;

  const oracle = await createOracle(fn, learner, c, table, opts);
  const bound = oracle.bound;
  const K = bound.size;
  const models: Model[] = [];
  const values: MomentValues[] = [];
  const lambdas: Float64Array[] = [];
  const lagrangian = (v: MomentValues, lambda: Float64Array): number => {
    let s = v.objective;
    for (let k = 0; k < K; k++) s += lambda[k]! * (v.gamma[k]! - eps);
    return s;
  };
  const add = async (lambda: Float64Array): Promise<MomentValues> => {
    const { model, decisions } = await oracle.bestResponse(lambda);
    const v = bound.evaluate(decisions);
    models.push(model);
    values.push(v);
    lambdas.push(Float64Array.from(lambda));
    opts.onProgress?.({ label: fn, done: models.length, total: maxIter + 1 });
    return v;
  };

  // t = 0: the unconstrained fit; ν from its error spread.
  const zero = new Float64Array(K);
  await add(zero);
  const nu = opts.nu ?? defaultNu(await oracle.decisions(models[0]!), oracle.y);
  const theta = new Float64Array(K);
  const lambdaSum = new Float64Array(K);
  let eta = eta0 / B;
  let mixture: Float64Array = Float64Array.of(1);
  let lambdaOut: Float64Array = zero;
  let upper = priced(values[0]!, eps, B);
  let gap = Number.POSITIVE_INFINITY;
  let converged = false;
  let iterations = 0;
  for (let t = 1; t <= maxIter; t++) {
    iterations = t;
    if (lpStep) {
      const sol = bestMixture(
        values.map((v) => v.objective),
        values.map((v) => v.gamma),
        eps,
        B,
      );
      const query = sol === null ? egLambda(theta, B) : sol.lambda;
      if (sol !== null) {
        mixture = sol.weights;
        lambdaOut = sol.lambda;
        upper = sol.value;
      }
      const v = await add(query);
      // The oracle's response certifies the current mixture: min_h L(h, λ) ≥ L(h_new, λ) − oracle error.
      gap = sol === null ? Number.POSITIVE_INFINITY : upper - lagrangian(v, query);
      for (let k = 0; k < K; k++) theta[k] = theta[k]! + eta * (v.gamma[k]! - eps);
      if (gap <= nu) {
        converged = true;
        break;
      }
    } else {
      const lambda = egLambda(theta, B);
      const v = await add(lambda);
      for (let k = 0; k < K; k++) lambdaSum[k] = lambdaSum[k]! + lambda[k]!;
      // Q̂ = uniform over the iterates h_1..h_t, λ̂ = mean of λ_1..λ_t.
      // Iterates sit at indices 1, 3, 5, … (each followed by its BEST_h(λ̂) response).
      mixture = new Float64Array(values.length);
      for (let j = 0; j < t; j++) mixture[1 + 2 * j] = 1 / t;
      const lambdaHat = lambdaSum.map((s) => s / t);
      const q = mixValues(values, mixture);
      const lHat = lagrangian(q, lambdaHat);
      const best = await add(lambdaHat); // BEST_h(λ̂) for the lower side of the gap
      const bestL = lagrangian(best, lambdaHat);
      gap = Math.max(priced(q, eps, B) - lHat, lHat - bestL);
      lambdaOut = lambdaHat;
      upper = priced(q, eps, B);
      for (let k = 0; k < K; k++) theta[k] = theta[k]! + eta * (v.gamma[k]! - eps);
      eta = eta0 / B / Math.sqrt(t + 1);
      if (gap <= nu) {
        converged = true;
        break;
      }
    }
  }
  if (lpStep && !converged) {
    // Use every hypothesis found, including the last response.
    const sol = bestMixture(
      values.map((v) => v.objective),
      values.map((v) => v.gamma),
      eps,
      B,
    );
    if (sol !== null) {
      mixture = sol.weights;
      lambdaOut = sol.lambda;
    }
  }
  const members = [];
  for (let h = 0; h < mixture.length; h++)
    if (mixture[h]! > 1e-9) members.push({ weight: mixture[h]!, model: models[h]! });
  const train = trainingValues(mixValues(values.slice(0, mixture.length), mixture), eps, bound.labels);
  const satisfied = warnIfUnmet(fn, c.name, eps, train);
  let bestIdx = 0;
  for (let h = 1; h < values.length; h++)
    if (priced(values[h]!, eps, B) < priced(values[bestIdx]!, eps, B)) bestIdx = h;
  const candidates: Candidate[] = values.map((v, h) => ({
    lambda: Array.from(lambdas[h]!),
    train: trainingValues(v, eps, bound.labels),
  }));
  const model = new RandomizedModel({
    task: oracle.task === 'regression' ? 'regression' : 'binary',
    classes: oracle.classes,
    target: opts.label,
    members,
    metadata: {
      reduction: {
        method: fn,
        constraint: c.name,
        eps,
        sensitive: opts.sensitive,
        trainDisparity: train.disparity,
        trainObjective: train.objective,
      },
    },
  });
  const lambda: Record<string, number> = {};
  for (let k = 0; k < K; k++) lambda[bound.labels[k]!] = lambdaOut[k]!;
  return {
    method: fn,
    constraint: c.name,
    eps,
    fits: oracle.fits(),
    satisfied,
    train,
    best: models[bestIdx]!,
    bestTrain: candidates[bestIdx]!.train,
    candidates,
    model,
    iterations,
    converged,
    gap,
    nu,
    lambda,
  };
}

/** err + B·max(0, max_k γ_k − eps): the value of a fixed predictor against the worst λ. */
export function priced(v: MomentValues, eps: number, B: number): number {
  let worst = 0;
  for (let k = 0; k < v.gamma.length; k++) worst = Math.max(worst, v.gamma[k]! - eps);
  return v.objective + B * worst;
}

/** λ_k = B·exp(θ_k)/(1 + Σ_j exp(θ_j)), computed without overflow. */
function egLambda(theta: Float64Array, B: number): Float64Array {
  let m = 0;
  for (let k = 0; k < theta.length; k++) m = Math.max(m, theta[k]!);
  let s = Math.exp(-m);
  const out = new Float64Array(theta.length);
  for (let k = 0; k < theta.length; k++) s += out[k] = Math.exp(theta[k]! - m);
  for (let k = 0; k < theta.length; k++) out[k] = (B * out[k]!) / s;
  return out;
}

/** ν = 0.5·sd(|h₀(x) − y|)/√n (fairlearn's default: half the standard error of the error rate). */
function defaultNu(decisions: Float64Array, y: Float64Array): number {
  const n = y.length;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(decisions[i]! - y[i]!);
    const delta = d - mean;
    mean += delta / (i + 1);
    m2 += delta * (d - mean);
  }
  const sd = Math.sqrt(m2 / Math.max(1, n - 1));
  return Math.max(1e-6, (0.5 * sd) / Math.sqrt(n));
}
