/**
 * @module models/evaluate
 * Quality of predictions on arrays: accuracy, F1 (binary, macro) and log-loss for classifiers,
 * mean squared error for regression, and `evaluate`, which gives the three figures a training
 * loop reports each epoch. Counts come from the metrics layer's confusion and class matrices
 * (definitions: scikit-learn's model evaluation guide, https://scikit-learn.org/stable/modules/model_evaluation.html).
 */
import { Adder, InvalidArgumentError } from '../core/index.js';
import { accuracy, classMatrix, confusionFromArrays, f1, oneVsRest } from '../metrics/index.js';
import type { ModelTask } from './model.js';

/** Probabilities are clipped to [ε, 1 − ε] before the logarithm, as scikit-learn does. */
const LOG_EPS = 1e-15;

function checkLength(fn: string, name: string, got: number, want: number): void {
  if (got !== want) throw new InvalidArgumentError(fn, name, `length ${got}`, `of length ${want}`);
}

function numClasses(yTrue: ArrayLike<number>, yPred?: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < yTrue.length; i++) k = Math.max(k, yTrue[i]! + 1);
  if (yPred !== undefined) for (let i = 0; i < yPred.length; i++) k = Math.max(k, yPred[i]! + 1);
  return Math.max(1, k);
}

/**
 * Weighted accuracy Σ w·[ŷ = y] / Σ w over class codes (0/1 or 0..k−1).
 * @throws {AEQ_INVALID_ARGUMENT} when lengths differ or a code is not a non-negative integer.
 * @example accuracyScore([0, 1, 1, 2], [0, 1, 0, 2]) // 0.75
 */
export function accuracyScore(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkLength('accuracyScore', 'yPred', yPred.length, yTrue.length);
  const k = numClasses(yTrue, yPred);
  if (k <= 2) return accuracy(confusionFromArrays(yTrue, yPred, weights)).value ?? Number.NaN;
  const m = classMatrix(yTrue, yPred, k, weights);
  const right = new Adder();
  const all = new Adder();
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const w = m.weighted[t * k + p]!;
      all.add(w);
      if (t === p) right.add(w);
    }
  }
  return all.value > 0 ? right.value / all.value : Number.NaN;
}

/** Options of {@link f1Score}. */
export interface F1Options {
  /**
   * 'binary': F1 of class 1; 'macro': unweighted mean of the per-class one-vs-rest F1 over
   * classes that occur in yTrue or yPred. @default 'binary' for codes in {0, 1}, else 'macro'
   */
  readonly average?: 'binary' | 'macro';
  readonly weights?: ArrayLike<number>;
  /** Number of classes (codes 0..k−1). @default 1 + the largest code seen */
  readonly k?: number;
}

/**
 * F1 = 2·tp / (2·tp + fp + fn), of class 1 ('binary') or averaged over classes ('macro').
 * NaN when there are neither positives nor predicted positives (binary).
 * @throws {AEQ_INVALID_ARGUMENT} when lengths differ or a code is invalid.
 * @example f1Score([1, 1, 0, 0], [1, 0, 1, 0]) // 0.5
 * @example f1Score([0, 1, 2], [0, 1, 1], { average: 'macro' }) // (1 + 2/3 + 0) / 3 = 0.5556
 */
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, opts: F1Options = {}): number {
  checkLength('f1Score', 'yPred', yPred.length, yTrue.length);
  const k = opts.k ?? numClasses(yTrue, yPred);
  const average = opts.average ?? (k <= 2 ? 'binary' : 'macro');
  if (average === 'binary') {
    if (k > 2) {
      throw new InvalidArgumentError('f1Score', 'average', average, "'macro' for more than two classes");
    }
    return f1(confusionFromArrays(yTrue, yPred, opts.weights)).value ?? Number.NaN;
  }
  const m = classMatrix(yTrue, yPred, k, opts.weights);
  let sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    const conf = oneVsRest(m, c);
    if (conf.ntp + conf.nfn + conf.nfp === 0) continue;
    present++;
    sum += f1(conf).value ?? 0;
  }
  return present > 0 ? sum / present : Number.NaN;
}

/** Options of {@link logLoss}. */
export interface LogLossOptions {
  readonly weights?: ArrayLike<number>;
  /** Number of classes: 2 (binary, `proba` = P(y = 1) per row) or k > 2 (`proba` row-major n × k). @default 2 */
  readonly k?: number;
}

/**
 * Mean (weighted) negative log-likelihood −Σ w·log p(yᵢ) / Σ w, probabilities clipped to
 * [1e−15, 1 − 1e−15]. Binary: `proba[i]` = P(yᵢ = 1). Multiclass: `proba[i·k + c]` = P(yᵢ = c).
 * @throws {AEQ_INVALID_ARGUMENT} when lengths disagree or a label is not a class code.
 * @example logLoss([1, 0], [0.8, 0.4]) // −(ln 0.8 + ln 0.6)/2 = 0.3670
 */
export function logLoss(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number>,
  opts: LogLossOptions = {},
): number {
  const n = yTrue.length;
  const k = opts.k ?? 2;
  const w = opts.weights;
  checkLength('logLoss', 'proba', proba.length, k === 2 ? n : n * k);
  if (w !== undefined) checkLength('logLoss', 'weights', w.length, n);
  const num = new Adder();
  const den = new Adder();
  for (let i = 0; i < n; i++) {
    const y = yTrue[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      throw new InvalidArgumentError('logLoss', `yTrue[${i}]`, y, `a class code in [0, ${k})`);
    }
    let p = k === 2 ? (y === 1 ? proba[i]! : 1 - proba[i]!) : proba[i * k + y]!;
    p = Math.min(1 - LOG_EPS, Math.max(LOG_EPS, p));
    const wi = w === undefined ? 1 : w[i]!;
    num.add(-wi * Math.log(p));
    den.add(wi);
  }
  return den.value > 0 ? num.value / den.value : Number.NaN;
}

/**
 * Mean (weighted) squared error Σ w·(ŷ − y)² / Σ w.
 * @example meanSquaredError([1, 2, 3], [1, 2, 5]) // 4/3
 */
export function meanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkLength('meanSquaredError', 'yPred', yPred.length, yTrue.length);
  if (weights !== undefined) checkLength('meanSquaredError', 'weights', weights.length, yTrue.length);
  const num = new Adder();
  const den = new Adder();
  for (let i = 0; i < yTrue.length; i++) {
    const e = yPred[i]! - yTrue[i]!;
    const wi = weights === undefined ? 1 : weights[i]!;
    num.add(wi * e * e);
    den.add(wi);
  }
  return den.value > 0 ? num.value / den.value : Number.NaN;
}

/** The per-epoch figures of a model on held-out rows. */
export interface Evaluation {
  /** Log-loss (classification) or mean squared error (regression). */
  readonly loss: number;
  /** Accuracy at the most probable class (threshold 0.5 for binary); null for regression. */
  readonly accuracy: number | null;
  /** F1 of the positive class (binary) or macro F1 (multiclass); null for regression. */
  readonly f1: number | null;
}

/**
 * Loss, accuracy and F1 of model outputs against targets, the figures `trainLoop` records.
 * `output` is what `Differentiable.forward` returns: P(y = 1) per row (binary), n × k
 * probabilities (multiclass, k = `classes`) or values (regression).
 * @throws {AEQ_INVALID_ARGUMENT} when lengths disagree.
 * @example evaluate('binary', [1, 0, 1, 0], [0.9, 0.2, 0.4, 0.3])
 * // { loss: 0.4004, accuracy: 0.75, f1: 0.6667 }
 */
export function evaluate(
  task: ModelTask,
  yTrue: ArrayLike<number>,
  output: ArrayLike<number>,
  opts: { readonly weights?: ArrayLike<number>; readonly classes?: number } = {},
): Evaluation {
  const n = yTrue.length;
  const w = opts.weights;
  if (task === 'regression') {
    return { loss: meanSquaredError(yTrue, output, w), accuracy: null, f1: null };
  }
  const k = task === 'binary' ? 2 : (opts.classes ?? (n > 0 ? output.length / n : 0));
  if (task === 'multiclass' && (!Number.isInteger(k) || k < 2)) {
    throw new InvalidArgumentError(
      'evaluate',
      'output',
      `length ${output.length}`,
      `n × k with k ≥ 2 (n = ${n})`,
    );
  }
  const pred = new Float64Array(n);
  if (task === 'binary') {
    checkLength('evaluate', 'output', output.length, n);
    for (let i = 0; i < n; i++) pred[i] = output[i]! >= 0.5 ? 1 : 0;
  } else {
    checkLength('evaluate', 'output', output.length, n * k);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (output[i * k + c]! > output[i * k + best]!) best = c;
      pred[i] = best;
    }
  }
  const loss = logLoss(yTrue, output, w === undefined ? { k } : { k, weights: w });
  const acc = accuracyScore(yTrue, pred, w);
  const f = f1Score(yTrue, pred, {
    average: task === 'binary' ? 'binary' : 'macro',
    k,
    ...(w === undefined ? {} : { weights: w }),
  });
  return { loss, accuracy: acc, f1: f };
}
