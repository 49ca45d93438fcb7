/**
 * @module mitigation/inprocessing/fair-mlp
 * Fairness-regularised multilayer perceptron: the network's cross-entropy plus λ × a fairness
 * penalty (squared covariance between group indicator and logit, Zafar et al. 2017,
 * https://arxiv.org/abs/1507.05259, or the squared gap of group mean probabilities), trained by
 * mini-batch AdamW with the penalty evaluated on each batch. The result is an ordinary MlpModel
 * (kind 'mlp') that saves and loads like any other.
 */
import { seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { FitOptions, Learner, MlpActivation, MlpModel } from '../../models/index.js';
import {
  checkLambda,
  checkPenalty,
  type FairnessPenalty,
  logitGradientSum,
  penaltyTerms,
} from './penalty.js';
import { prepareFairFit } from './setup.js';
import { checkTraining, initialMlp, minibatchTrain } from './train.js';

/** Options of {@link fairMlp}. */
export interface FairMlpOptions {
  /** The sensitive column (any number of groups). */
  readonly sensitive: string;
  /** Weight λ of the fairness penalty; 0 trains the plain network. @default 1 */
  readonly lambda?: number;
  /** @default 'gap' */
  readonly penalty?: FairnessPenalty;
  /** Keep the sensitive column among the features (by default it is left out). @default false */
  readonly includeSensitive?: boolean;
  /** Units per hidden layer; `[]` gives a logistic model trained by AdamW. @default [32] */
  readonly hidden?: readonly number[];
  /** @default 'relu' */
  readonly activation?: MlpActivation;
  /** Passes over the training rows. @default 30 */
  readonly epochs?: number;
  /** Rows per step; the penalty is estimated on each batch, so it should hold every group. @default 128 */
  readonly batchSize?: number;
  /** AdamW step size. @default 0.003 */
  readonly learningRate?: number;
  /** AdamW decoupled weight decay on the weights. @default 0.0001 */
  readonly weightDecay?: number;
  /** Seed of the initialisation and shuffling (FitOptions.rng or .seed take precedence). @default 0 */
  readonly seed?: number;
}

/**
 * Learner for a fairness-regularised MLP (binary targets). Each AdamW step follows
 * ∇[mean weighted cross-entropy of the batch + λ·penalty(batch)].
 *
 * Use it when the relation between features and label is non-linear and a single penalised model is
 * wanted; prefer fairLogisticRegression for small or linear problems (deterministic, exact optimum).
 * @throws {AEQ_INVALID_ARGUMENT} for λ < 0, an unknown penalty, or bad training options.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} (at fit) for a sensitive column with one group.
 * @throws {AEQ_DATA_NOT_BINARY} (at fit) for a target with more than two classes.
 * @example
 * const m = await fairMlp({ sensitive: 'sex', lambda: 5, hidden: [16], epochs: 20 }).fit(adult, 'income');
 * m.kind // 'mlp'
 */
export function fairMlp(opts: FairMlpOptions): Learner<MlpModel> {
  const fn = 'fairMlp';
  const lambda = opts.lambda ?? 1;
  const penalty = opts.penalty ?? 'gap';
  checkLambda(fn, lambda);
  checkPenalty(fn, penalty);
  const train = checkTraining(fn, opts);
  return {
    kind: 'mlp',
    async fit(table: Table, target: string, fitOpts: FitOptions = {}): Promise<MlpModel> {
      const { data, groups } = prepareFairFit(table, target, {
        fn,
        sensitive: opts.sensitive,
        includeSensitive: opts.includeSensitive ?? false,
        binarySensitive: false,
        standardize: true,
        fit: fitOpts,
      });
      const rng = fitOpts.rng ?? seededRng(fitOpts.seed ?? opts.seed ?? 0);
      const G = groups.names.length;
      const model = initialMlp(data, train.hidden, train.activation, rng.fork('fairMlp:init'));
      await minibatchTrain(model, data.x, data.y, data.weights, {
        ...train,
        rng: rng.fork('fairMlp:shuffle'),
        label: fn,
        fit: fitOpts,
        gradient: (m, bx, by, bw, rows) => {
          const g = m.lossGradient(bx, by, bw);
          if (lambda === 0) return g;
          const codes = groups.codes;
          const bc = new Int32Array(bx.rows);
          for (let i = 0; i < bx.rows; i++) bc[i] = codes[rows[i]!]!;
          const terms = penaltyTerms(penalty, m.forward(bx), bc, G, bw);
          const pg = logitGradientSum(m, bx, terms.dLogit);
          for (let j = 0; j < g.length; j++) g[j] = g[j]! + lambda * pg[j]!;
          return g;
        },
      });
      return model.current();
    },
  };
}
