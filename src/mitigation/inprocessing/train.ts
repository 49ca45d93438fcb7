/**
 * @module mitigation/inprocessing/train
 * The training loop of the network-based fair learners (fairMlp, adversarialDebiasing): a binary MLP
 * initialised as the models' mlp learner does (He et al. 2015 for ReLU layers, Glorot & Bengio 2010
 * otherwise) and seeded mini-batch AdamW (https://arxiv.org/abs/1711.05101) on a caller-supplied
 * batch gradient, so each method only writes its gradient.
 */
import { InvalidArgumentError, normalVariate, type Rng, randomInt } from '../../core/index.js';
import { adamw, type FitOptions, type Matrix, type MlpActivation, MlpModel } from '../../models/index.js';

/** Validated training options shared by fairMlp and adversarialDebiasing. */
export interface TrainingSettings {
  readonly hidden: readonly number[];
  readonly activation: MlpActivation;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
}

/** Checks and fills the training options. */
export function checkTraining(
  fn: string,
  o: {
    readonly hidden?: readonly number[];
    readonly activation?: MlpActivation;
    readonly epochs?: number;
    readonly batchSize?: number;
    readonly learningRate?: number;
    readonly weightDecay?: number;
    readonly seed?: number;
  },
  defaults: { readonly hidden: readonly number[] } = { hidden: [32] },
): TrainingSettings {
  const intAtLeast = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min))
      throw new InvalidArgumentError(fn, name, v, `an integer ≥ ${min}`);
  };
  intAtLeast('epochs', o.epochs, 1);
  intAtLeast('batchSize', o.batchSize, 2);
  intAtLeast('seed', o.seed, 0);
  if (
    o.hidden !== undefined &&
    (!Array.isArray(o.hidden) || o.hidden.some((h) => !Number.isInteger(h) || h < 1))
  )
    throw new InvalidArgumentError(fn, 'hidden', o.hidden, 'a list of layer sizes (integers ≥ 1)');
  if (o.activation !== undefined && o.activation !== 'relu' && o.activation !== 'tanh')
    throw new InvalidArgumentError(fn, 'activation', o.activation, '"relu" or "tanh"');
  if (o.learningRate !== undefined && !(o.learningRate > 0 && Number.isFinite(o.learningRate)))
    throw new InvalidArgumentError(fn, 'learningRate', o.learningRate, 'a finite number > 0');
  if (o.weightDecay !== undefined && !(o.weightDecay >= 0 && Number.isFinite(o.weightDecay)))
    throw new InvalidArgumentError(fn, 'weightDecay', o.weightDecay, 'a finite number ≥ 0');
  return {
    hidden: [...(o.hidden ?? defaults.hidden)],
    activation: o.activation ?? 'relu',
    epochs: o.epochs ?? 30,
    batchSize: o.batchSize ?? 128,
    learningRate: o.learningRate ?? 0.003,
    weightDecay: o.weightDecay ?? 1e-4,
  };
}

/** A network under training: its flat parameters (updated in place) and a view as an MlpModel. */
export interface TrainableMlp {
  readonly params: Float64Array;
  /** Weight entries 1, biases 0 (AdamW decays weights only). */
  readonly decayMask: Uint8Array;
  /** The model with the current parameters (a copy). */
  current(): MlpModel;
}

/**
 * A binary MLP with He (ReLU) / Glorot (tanh, output) initialisation, laid out as MlpModel expects:
 * per layer the weights (inputs × units, row-major) then the biases.
 */
export function initialMlp(
  data: {
    readonly x: Matrix;
    readonly classes: readonly string[];
    readonly target: string;
    readonly preprocessor: MlpModel['preprocessor'];
  },
  hidden: readonly number[],
  activation: MlpActivation,
  rng: Rng,
): TrainableMlp {
  const sizes = [data.x.cols, ...hidden, 1];
  const L = sizes.length - 1;
  let P = 0;
  for (let l = 0; l < L; l++) P += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  const params = new Float64Array(P);
  const decayMask = new Uint8Array(P);
  let off = 0;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const sd = activation === 'relu' && l < L - 1 ? Math.sqrt(2 / nin) : Math.sqrt(2 / (nin + nout));
    for (let i = 0; i < nin * nout; i++) params[off + i] = sd * normalVariate(rng);
    decayMask.fill(1, off, off + nin * nout);
    off += nin * nout + nout;
  }
  const view = () =>
    new MlpModel({
      task: 'binary',
      classes: data.classes,
      target: data.target,
      preprocessor: data.preprocessor,
      activation,
      output: 'sigmoid',
      sizes,
      params: params.slice(),
      outputShift: 0,
      outputScale: 1,
    });
  return { params, decayMask, current: view };
}

/**
 * Seeded mini-batch AdamW over shuffled rows; `gradient` returns the batch gradient at the current
 * parameters (`rows` are the batch's row indices into the training data).
 */
export async function minibatchTrain(
  net: TrainableMlp,
  x: Matrix,
  y: Float64Array,
  w: Float64Array,
  o: TrainingSettings & {
    readonly rng: Rng;
    readonly label: string;
    readonly fit: FitOptions;
    readonly gradient: (
      m: MlpModel,
      bx: Matrix,
      by: Float64Array,
      bw: Float64Array,
      rows: Uint32Array,
    ) => Float64Array;
  },
): Promise<void> {
  const n = x.rows;
  const d = x.cols;
  const opt = adamw(net.params.length, {
    learningRate: o.learningRate,
    weightDecay: o.weightDecay,
    decayMask: net.decayMask,
  });
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const B = Math.min(o.batchSize, n);
  let template = net.current();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    o.fit.signal?.throwIfAborted();
    for (let i = n - 1; i > 0; i--) {
      const j = randomInt(o.rng, i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let s = 0; s < n; s += B) {
      const rows = order.subarray(s, Math.min(n, s + B));
      const m = rows.length;
      const bx = new Float64Array(m * d);
      const by = new Float64Array(m);
      const bw = new Float64Array(m);
      let sw = 0;
      for (let i = 0; i < m; i++) {
        const r = rows[i]!;
        bx.set(x.data.subarray(r * d, r * d + d), i * d);
        by[i] = y[r]!;
        bw[i] = w[r]!;
        sw += bw[i]!;
      }
      if (!(sw > 0)) continue;
      template = template.withParameters(net.params);
      const g = o.gradient(template, { rows: m, cols: d, data: bx }, by, bw, rows);
      opt.updateInPlace(net.params, g);
    }
    o.fit.onProgress?.({ label: o.label, done: epoch, total: o.epochs });
    // Yield between epochs so that an AbortSignal and progress events can be seen.
    await Promise.resolve();
  }
}
