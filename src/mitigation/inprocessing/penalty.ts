/**
 * @module mitigation/inprocessing/penalty
 * Fairness penalties added to a learner's loss ("bias-aware training"): the squared covariance
 * between the sensitive indicator and the signed decision function (Zafar et al. 2017, "Fairness
 * Constraints: Mechanisms for Fair Classification", https://arxiv.org/abs/1507.05259) and the squared
 * gap between the groups' mean predicted probabilities. Both come with their analytic gradient with
 * respect to each row's logit, which {@link logitGradientSum} turns into a parameter gradient.
 */
import { Adder, InvalidArgumentError } from '../../core/index.js';
import type { Differentiable, Matrix } from '../../models/index.js';

/** Which fairness penalty to add to the loss. */
export type FairnessPenalty = 'covariance' | 'gap';

/** A penalty's value on a set of rows and its derivative with respect to each row's logit. */
export interface PenaltyTerms {
  readonly value: number;
  /** ∂value/∂zᵢ per row (zᵢ the logit of row i). */
  readonly dLogit: Float64Array;
}

/** Logits beyond ±LOGIT_CAP are clamped when recovered from probabilities (σ(36.7) rounds to 1). */
const LOGIT_CAP = 36;

/** The logit log(p/(1 − p)), clamped to ±36 where p rounds to 0 or 1. */
export function logit(p: number): number {
  const z = Math.log(p) - Math.log1p(-p);
  return Math.min(LOGIT_CAP, Math.max(-LOGIT_CAP, z));
}

/**
 * The fairness penalty of predictions `p` (probabilities) over rows with group codes `codes`
 * (0..groups−1) and weights `w`. With group weight W_g = Σ_{i∈g} wᵢ and W = Σ wᵢ:
 * - 'gap', two groups: (p̄₁ − p̄₀)², p̄_g = Σ_{i∈g} wᵢpᵢ / W_g;
 *   more groups: Σ_g (p̄_g − p̄)², p̄ the overall weighted mean.
 * - 'covariance', two groups: cov(s, z)², s = 1[group 1], cov = Σ wᵢ(sᵢ − s̄)zᵢ / W, zᵢ = logit(pᵢ);
 *   more groups: Σ_g cov(1[g], z)².
 * A group without weight in these rows contributes nothing (mini-batches may miss a small group).
 * `logits`, when given, are used as z for the covariance instead of logit(p) (exact for linear models).
 * @example
 * // two rows, one per group: gap (0.8 − 0.2)² = 0.36
 * penaltyTerms('gap', Float64Array.of(0.2, 0.8), Int32Array.of(0, 1), 2, Float64Array.of(1, 1)).value // 0.36
 */
export function penaltyTerms(
  kind: FairnessPenalty,
  p: Float64Array,
  codes: Int32Array,
  groups: number,
  w: Float64Array,
  logits?: Float64Array,
): PenaltyTerms {
  const n = p.length;
  const dLogit = new Float64Array(n);
  const W = new Float64Array(groups);
  const S = Array.from({ length: groups }, () => new Adder());
  const total = new Adder();
  const z = kind === 'covariance' ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const g = codes[i]!;
    const wi = w[i]!;
    W[g] = W[g]! + wi;
    total.add(wi);
    if (z === undefined) S[g]!.add(wi * p[i]!);
    else z[i] = logits === undefined ? logit(p[i]!) : logits[i]!;
  }
  const Wt = total.value;
  if (!(Wt > 0)) return { value: 0, dLogit };
  if (z === undefined) {
    const mean = new Float64Array(groups);
    for (let g = 0; g < groups; g++) mean[g] = W[g]! > 0 ? S[g]!.value / W[g]! : 0;
    // coef[g]: ∂value/∂p̄_g; the chain rule then gives ∂p̄_g/∂pᵢ = wᵢ/W_g for i in g.
    const coef = new Float64Array(groups);
    let value = 0;
    let overallCoef = 0;
    if (groups === 2) {
      if (W[0]! > 0 && W[1]! > 0) {
        const gap = mean[1]! - mean[0]!;
        value = gap * gap;
        coef[1] = 2 * gap;
        coef[0] = -2 * gap;
      }
    } else {
      let overall = 0;
      for (let g = 0; g < groups; g++) overall += S[g]!.value;
      overall /= Wt;
      for (let g = 0; g < groups; g++) {
        if (!(W[g]! > 0)) continue;
        const dev = mean[g]! - overall;
        value += dev * dev;
        coef[g] = 2 * dev;
        overallCoef -= 2 * dev;
      }
    }
    for (let i = 0; i < n; i++) {
      const g = codes[i]!;
      const pi = p[i]!;
      const dp = (W[g]! > 0 ? (coef[g]! * w[i]!) / W[g]! : 0) + (overallCoef * w[i]!) / Wt;
      dLogit[i] = dp * pi * (1 - pi);
    }
    return { value, dLogit };
  }
  // Covariance: s̄_g = W_g/W, cov_g = Σ wᵢ(1[gᵢ = g] − s̄_g)zᵢ / W = (Σ_{i∈g} wᵢzᵢ − s̄_g Σ wᵢzᵢ) / W.
  const Zg = Array.from({ length: groups }, () => new Adder());
  const Z = new Adder();
  for (let i = 0; i < n; i++) {
    const v = w[i]! * z[i]!;
    Zg[codes[i]!]!.add(v);
    Z.add(v);
  }
  const cov = new Float64Array(groups);
  const first = groups === 2 ? 1 : 0; // two groups: one indicator (group 1), as in Zafar et al.
  let value = 0;
  let sumCovShare = 0;
  for (let g = first; g < groups; g++) {
    const share = W[g]! / Wt;
    cov[g] = (Zg[g]!.value - share * Z.value) / Wt;
    value += cov[g]! * cov[g]!;
    sumCovShare += cov[g]! * share;
  }
  // ∂value/∂zᵢ = Σ_g 2cov_g·wᵢ(1[gᵢ = g] − s̄_g)/W = 2wᵢ(cov_{gᵢ} − Σ_g cov_g s̄_g)/W.
  for (let i = 0; i < n; i++) {
    const g = codes[i]!;
    const own = g >= first ? cov[g]! : 0;
    dLogit[i] = (2 * w[i]! * (own - sumCovShare)) / Wt;
  }
  return { value, dLogit };
}

/**
 * Σᵢ aᵢ·∂zᵢ/∂θ for a binary model with a sigmoid output and cross-entropy loss, where zᵢ is row i's
 * logit and θ the model's parameters. It uses only the model's `lossGradient`: for row weights |aᵢ|
 * and targets 0 and 1, ∇ℓ(y = 0) − ∇ℓ(y = 1) = Σ|aᵢ|·∂zᵢ/∂θ / Σ|aᵢ| (the regulariser cancels), and
 * the sign of aᵢ swaps the two targets. Costs two gradient passes.
 * @throws {AEQ_INVALID_ARGUMENT} when `a` does not have one entry per row of `x`.
 * @example logitGradientSum(logisticModel, x, Float64Array.of(1, 0)) // [1, x₀₁, …, x₀d]: ∂z₀/∂(θ₀, β)
 */
export function logitGradientSum(model: Differentiable, x: Matrix, a: Float64Array): Float64Array {
  if (a.length !== x.rows)
    throw new InvalidArgumentError('logitGradientSum', 'a', `length ${a.length}`, `${x.rows} values`);
  const n = x.rows;
  const yA = new Float64Array(n);
  const yB = new Float64Array(n);
  const w = new Float64Array(n);
  const total = new Adder();
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    w[i] = Math.abs(ai);
    total.add(w[i]!);
    if (ai >= 0) yB[i] = 1;
    else yA[i] = 1;
  }
  const sw = total.value;
  if (!(sw > 0)) return new Float64Array(model.parameterCount);
  const gA = model.lossGradient(x, yA, w);
  const gB = model.lossGradient(x, yB, w);
  for (let j = 0; j < gA.length; j++) gA[j] = (gA[j]! - gB[j]!) * sw;
  return gA;
}

/** Checks λ: a finite number ≥ 0. */
export function checkLambda(fn: string, lambda: number): void {
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new InvalidArgumentError(
      fn,
      'lambda',
      lambda,
      'a finite number ≥ 0 (0 = the plain learner; larger = fairer, less accurate)',
    );
}

/** Checks the penalty name. */
export function checkPenalty(fn: string, penalty: unknown): asserts penalty is FairnessPenalty {
  if (penalty !== 'covariance' && penalty !== 'gap')
    throw new InvalidArgumentError(fn, 'penalty', penalty, '"covariance" or "gap"');
}
