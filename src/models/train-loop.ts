/**
 * @module models/train-loop
 * The epoch loop shared by the iterative learners: one training pass per epoch, an evaluation
 * on held-out rows, a history of train loss / dev loss / dev accuracy / dev F1, and early stopping
 * on the dev loss after `patience` epochs without improvement (Prechelt 1998, "Early Stopping —
 * But When?", https://doi.org/10.1007/3-540-49430-8_3). The caller keeps the best weights via `onBest`.
 */
import { InvalidArgumentError } from '../core/index.js';
import type { Evaluation } from './evaluate.js';

/** One line of the training history. Dev figures are null when the loop has no `evaluate`. */
export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly devLoss: number | null;
  readonly devAccuracy: number | null;
  readonly devF1: number | null;
}

/** Why the loop ended. */
export type StopReason = 'epochs' | 'patience' | 'callback';

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  /** Maximum number of epochs, an integer ≥ 1. */
  readonly epochs: number;
  /** Runs one epoch of training and returns its mean training loss. */
  step(epoch: number): number | Promise<number>;
  /** Evaluates on held-out rows after the epoch. Without it there is no early stopping. */
  evaluate?(epoch: number): Evaluation | Promise<Evaluation>;
  /** Called after each epoch with its record; returning `false` stops the loop. */
  onEpoch?(record: EpochRecord): unknown;
  /** Called when an epoch improves the best dev loss by more than `minDelta` (snapshot weights here). */
  onBest?(record: EpochRecord): void;
  /** Epochs without improvement of the dev loss before stopping; 0 or Infinity disables. @default Infinity */
  readonly patience?: number;
  /** An improvement must lower the best dev loss by more than this. @default 0 */
  readonly minDelta?: number;
  readonly signal?: AbortSignal;
}

/** What {@link trainLoop} returns. */
export interface TrainHistory {
  readonly history: readonly EpochRecord[];
  /**
   * The epoch with the lowest dev loss (the first one on ties), or the last epoch when there is
   * no `evaluate`.
   */
  readonly bestEpoch: number;
  readonly stoppedBy: StopReason;
}

/** Lets timers and abort events run between epochs (a resolved promise would not). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs up to `epochs` epochs of `step`, evaluating after each, and stops early when the dev loss
 * has not improved for `patience` epochs or `onEpoch` returns false. Throws `signal.reason`
 * when the signal aborts (checked before each epoch).
 *
 * @throws {AEQ_INVALID_ARGUMENT} for epochs < 1, a negative patience or minDelta, or a non-finite train loss.
 * @example
 * const losses = [0.9, 0.5, 0.4, 0.45, 0.5, 0.6];
 * const r = await trainLoop({ epochs: 6, patience: 2, step: (e) => losses[e - 1]!,
 *   evaluate: (e) => ({ loss: losses[e - 1]!, accuracy: null, f1: null }) });
 * r.bestEpoch // 3
 * r.history.length // 5 (epochs 4 and 5 did not improve on epoch 3)
 * r.stoppedBy // 'patience'
 */
export async function trainLoop(opts: TrainLoopOptions): Promise<TrainHistory> {
  const { epochs } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new InvalidArgumentError('trainLoop', 'epochs', epochs, 'an integer ≥ 1');
  }
  const patience =
    opts.patience === undefined || opts.patience === 0 ? Number.POSITIVE_INFINITY : opts.patience;
  if (!(patience >= 0)) {
    throw new InvalidArgumentError('trainLoop', 'patience', opts.patience, 'an integer ≥ 0 (0 disables)');
  }
  const minDelta = opts.minDelta ?? 0;
  if (!(minDelta >= 0)) throw new InvalidArgumentError('trainLoop', 'minDelta', minDelta, 'a number ≥ 0');

  const history: EpochRecord[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let sinceBest = 0;
  let stoppedBy: StopReason = 'epochs';
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const trainLoss = await opts.step(epoch);
    if (!Number.isFinite(trainLoss)) {
      throw new InvalidArgumentError(
        'trainLoop',
        `step(${epoch})`,
        trainLoss,
        'a finite training loss',
        'The training diverged: lower the learning rate, or standardise the inputs.',
      );
    }
    const ev = opts.evaluate === undefined ? undefined : await opts.evaluate(epoch);
    const record: EpochRecord = {
      epoch,
      trainLoss,
      devLoss: ev === undefined ? null : ev.loss,
      devAccuracy: ev === undefined ? null : ev.accuracy,
      devF1: ev === undefined ? null : ev.f1,
    };
    history.push(record);
    let improved = false;
    if (ev === undefined) {
      bestEpoch = epoch;
    } else if (ev.loss < best - minDelta) {
      best = ev.loss;
      bestEpoch = epoch;
      sinceBest = 0;
      improved = true;
    } else {
      sinceBest++;
    }
    if (improved) opts.onBest?.(record);
    const go = opts.onEpoch?.(record);
    if (go === false) {
      stoppedBy = 'callback';
      break;
    }
    if (sinceBest >= patience) {
      stoppedBy = 'patience';
      break;
    }
    if (epoch < epochs) await yieldToEventLoop();
  }
  // A dev loss that never improved (NaN throughout) leaves the first epoch as the best.
  return { history, bestEpoch: bestEpoch === 0 ? 1 : bestEpoch, stoppedBy };
}
