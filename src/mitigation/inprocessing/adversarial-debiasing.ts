/**
 * @module mitigation/inprocessing/adversarial-debiasing
 * Adversarial debiasing (Zhang, Lemoine & Mitchell 2018, "Mitigating Unwanted Biases with
 * Adversarial Learning", https://arxiv.org/abs/1801.07593): a predictor (an MLP, or a logistic model
 * with `hidden: []`) and an adversary, a small logistic model that tries to recover the sensitive
 * attribute from the predictor's logit z (demographic parity) or from z, z·y and y (equalized odds).
 * The predictor steps along ∇L_P − proj_{∇L_A} ∇L_P − α∇L_A, so it never helps the adversary; the
 * adversary steps down ∇L_A. The result is an ordinary MlpModel (kind 'mlp').
 */
import { Adder, InvalidArgumentError, seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import {
  adamw,
  type FitOptions,
  type Learner,
  type MlpActivation,
  type MlpModel,
} from '../../models/index.js';
import { logit, logitGradientSum } from './penalty.js';
import { prepareFairFit } from './setup.js';
import { checkTraining, initialMlp, minibatchTrain } from './train.js';

/** What the adversary sees: the logit (demographic parity), or the logit and the label (equalized odds). */
export type AdversarialConstraint = 'demographic-parity' | 'equalized-odds';

/** Options of {@link adversarialDebiasing}. */
export interface AdversarialDebiasingOptions {
  /** The sensitive column; exactly two groups. */
  readonly sensitive: string;
  /** @default 'demographic-parity' */
  readonly constraint?: AdversarialConstraint;
  /** Weight α of the adversary's gradient in the predictor's update (0 keeps only the projection). @default 1 */
  readonly alpha?: number;
  /** Keep the sensitive column among the predictor's features. @default false */
  readonly includeSensitive?: boolean;
  /** Predictor hidden layers; `[]` is a logistic predictor. @default [16] */
  readonly hidden?: readonly number[];
  /** @default 'relu' */
  readonly activation?: MlpActivation;
  /** @default 30 */
  readonly epochs?: number;
  /** @default 128 */
  readonly batchSize?: number;
  /** Predictor AdamW step size. @default 0.003 */
  readonly learningRate?: number;
  /** Adversary Adam step size. @default 0.01 */
  readonly adversaryLearningRate?: number;
  /** @default 0.0001 */
  readonly weightDecay?: number;
  /** Seed of the initialisation and shuffling (FitOptions.rng or .seed take precedence). @default 0 */
  readonly seed?: number;
}

/**
 * Learner for adversarial debiasing (binary target, binary sensitive attribute). Per mini-batch:
 * adversary q = σ(b + u₁z [+ u₂zy + u₃y]) with loss L_A = weighted cross-entropy of q against the
 * group; predictor gradient g = ∇L_P − (∇L_P·∇L_A/‖∇L_A‖²)∇L_A − α∇L_A (both with respect to the
 * predictor's parameters); then the adversary steps down its own gradient.
 *
 * Use it with a network predictor when the goal is that predictions carry no information about the
 * group; for a tunable, deterministic linear model prefer fairLogisticRegression.
 * @throws {AEQ_INVALID_ARGUMENT} for α < 0, an unknown constraint, or bad training options.
 * @throws {AEQ_DATA_NOT_BINARY} (at fit) when the sensitive column has more than two groups or the target more than two classes.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} (at fit) when the sensitive column has one group.
 * @example
 * const m = await adversarialDebiasing({ sensitive: 'sex', alpha: 1, seed: 1 }).fit(adult, 'income');
 * m.kind // 'mlp'
 */
export function adversarialDebiasing(opts: AdversarialDebiasingOptions): Learner<MlpModel> {
  const fn = 'adversarialDebiasing';
  const constraint = opts.constraint ?? 'demographic-parity';
  if (constraint !== 'demographic-parity' && constraint !== 'equalized-odds')
    throw new InvalidArgumentError(fn, 'constraint', constraint, '"demographic-parity" or "equalized-odds"');
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0) || !Number.isFinite(alpha))
    throw new InvalidArgumentError(fn, 'alpha', alpha, 'a finite number ≥ 0');
  const advRate = opts.adversaryLearningRate ?? 0.01;
  if (!(advRate > 0) || !Number.isFinite(advRate))
    throw new InvalidArgumentError(fn, 'adversaryLearningRate', advRate, 'a finite number > 0');
  const train = checkTraining(fn, opts, { hidden: [16] });
  const eo = constraint === 'equalized-odds';
  return {
    kind: 'mlp',
    async fit(table: Table, target: string, fitOpts: FitOptions = {}): Promise<MlpModel> {
      const { data, groups } = prepareFairFit(table, target, {
        fn,
        sensitive: opts.sensitive,
        includeSensitive: opts.includeSensitive ?? false,
        binarySensitive: true,
        standardize: true,
        fit: fitOpts,
      });
      const rng = fitOpts.rng ?? seededRng(fitOpts.seed ?? opts.seed ?? 0);
      const net = initialMlp(data, train.hidden, train.activation, rng.fork('adversarial:init'));
      // Adversary parameters: [b, u₁] or [b, u₁, u₂, u₃]; they start at 0 (an uninformed adversary).
      const adv = new Float64Array(eo ? 4 : 2);
      const advOpt = adamw(adv.length, { learningRate: advRate, weightDecay: 0 });
      const advGrad = new Float64Array(adv.length);
      const s = groups.codes;
      await minibatchTrain(net, data.x, data.y, data.weights, {
        ...train,
        rng: rng.fork('adversarial:shuffle'),
        label: fn,
        fit: fitOpts,
        gradient: (m, bx, by, bw, rows) => {
          const n = bx.rows;
          const p = m.forward(bx);
          const W = new Adder();
          for (let i = 0; i < n; i++) W.add(bw[i]!);
          const dz = new Float64Array(n);
          const acc = Array.from({ length: adv.length }, () => new Adder());
          for (let i = 0; i < n; i++) {
            const z = logit(p[i]!);
            const yi = by[i]!;
            const eta = adv[0]! + adv[1]! * z + (eo ? adv[2]! * z * yi + adv[3]! * yi : 0);
            const q = 1 / (1 + Math.exp(-eta));
            const r = (bw[i]! * (q - s[rows[i]!]!)) / W.value;
            acc[0]!.add(r);
            acc[1]!.add(r * z);
            if (eo) {
              acc[2]!.add(r * z * yi);
              acc[3]!.add(r * yi);
            }
            dz[i] = r * (adv[1]! + (eo ? adv[2]! * yi : 0));
          }
          const gP = m.lossGradient(bx, by, bw);
          const gA = logitGradientSum(m, bx, dz);
          let dot = 0;
          let nn = 0;
          for (let j = 0; j < gA.length; j++) {
            dot += gP[j]! * gA[j]!;
            nn += gA[j]! * gA[j]!;
          }
          const proj = nn > 0 ? dot / nn : 0;
          for (let j = 0; j < gP.length; j++) gP[j] = gP[j]! - (proj + alpha) * gA[j]!;
          for (let k = 0; k < adv.length; k++) advGrad[k] = acc[k]!.value;
          advOpt.updateInPlace(adv, advGrad);
          return gP;
        },
      });
      return net.current();
    },
  };
}
