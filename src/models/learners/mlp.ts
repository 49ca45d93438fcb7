/**
 * @module models/learners/mlp
 * A multilayer perceptron (fully connected network) trained by mini-batch AdamW with early
 * stopping on a validation split. Init: He et al. 2015 (ReLU, https://arxiv.org/abs/1502.01852)
 * and Glorot & Bengio 2010 (tanh, output). Forward and backward passes are written by hand over
 * Float64Arrays so that exact per-example gradients (DP-SGD) and input gradients come from one pass.
 */
import {
  Adder,
  AequaError,
  InvalidArgumentError,
  listSome,
  normalVariate,
  type Rng,
  randomInt,
  seededRng,
} from '../../core/index.js';
import { distinctValues, type Table } from '../../data/index.js';
import { evaluate } from '../evaluate.js';
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
import { adamw } from '../optim/adamw.js';
import { modelFileOf, registerModelKind } from '../persist.js';
import { type Preprocessor, preprocessorFromJSON } from '../preprocess.js';
import { trainTestSplit } from '../split.js';
import { type EpochRecord, type TrainHistory, trainLoop } from '../train-loop.js';

/** Hidden-layer nonlinearity. */
export type MlpActivation = 'relu' | 'tanh';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Units per hidden layer (a number: one layer); `[]` gives a linear (logistic/softmax/least-squares) model. @default [32] */
  readonly hidden?: readonly number[] | number;
  /** @default 'relu' */
  readonly activation?: MlpActivation;
  /**
   * What to predict. @default inferred: a numeric target with more than two values is regression,
   * two values (or `positive` given) binary, a text target with more than two values multiclass.
   */
  readonly task?: ModelTask;
  /** Maximum passes over the training rows. @default 50 */
  readonly epochs?: number;
  /** Rows per AdamW step. @default 64 */
  readonly batchSize?: number;
  /** AdamW step size. @default 0.001 */
  readonly learningRate?: number;
  /** AdamW decoupled weight decay λ, applied to weights, not biases. @default 0.0001 */
  readonly weightDecay?: number;
  /** Share of the training rows held out (stratified for classification) for early stopping; 0 turns it off. @default 0.1 */
  readonly validationFraction?: number;
  /** Epochs without a lower validation loss before stopping (the best weights are restored). @default 5 */
  readonly patience?: number;
  /** Seed of the initialisation, split and shuffling (FitOptions.rng or .seed take precedence). @default 0 */
  readonly seed?: number;
}

/** Rows per chunk when scoring or computing full-data gradients (bounds the workspace). */
const CHUNK = 256;

/** Output nonlinearity: sigmoid (binary), softmax (multiclass) or identity (regression). */
export type MlpOutput = 'sigmoid' | 'softmax' | 'identity';

/**
 * The network: layer sizes, activation and flat parameters. Parameter layout, layer by layer
 * l = 0..L−1 (L = hidden.length + 1): W_l as sizes[l] × sizes[l+1] row-major (W[j·out + o] is the
 * weight from input j to unit o), then b_l (sizes[l+1]). Input-major weights make every inner
 * loop contiguous and let the forward and backward passes skip zero inputs (one-hot columns, ReLU).
 */
class Net {
  readonly sizes: readonly number[];
  readonly relu: boolean;
  readonly output: MlpOutput;
  readonly params: Float64Array;
  readonly wOff: Int32Array;
  readonly bOff: Int32Array;
  /** Regression output ŷ = shift + scale·z, so that targets of any scale start near unit scale. */
  readonly shift: number;
  readonly scale: number;

  constructor(
    sizes: readonly number[],
    activation: MlpActivation,
    output: MlpOutput,
    params: Float64Array,
    shift: number,
    scale: number,
  ) {
    this.sizes = sizes;
    this.relu = activation === 'relu';
    this.output = output;
    const L = sizes.length - 1;
    this.wOff = new Int32Array(L);
    this.bOff = new Int32Array(L);
    let off = 0;
    for (let l = 0; l < L; l++) {
      this.wOff[l] = off;
      off += sizes[l]! * sizes[l + 1]!;
      this.bOff[l] = off;
      off += sizes[l + 1]!;
    }
    if (params.length !== off) {
      throw new InvalidArgumentError('mlp', 'parameters', `length ${params.length}`, `of length ${off}`);
    }
    this.params = params;
    this.shift = shift;
    this.scale = scale;
  }

  get layers(): number {
    return this.sizes.length - 1;
  }
  get inputs(): number {
    return this.sizes[0]!;
  }
  get outputs(): number {
    return this.sizes[this.sizes.length - 1]!;
  }

  static parameterCount(sizes: readonly number[]): number {
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
    return n;
  }
}

/** Buffers for `cap` rows: activations and deltas per layer, output probabilities. */
interface Workspace {
  readonly cap: number;
  /** acts[l] for l = 1..L: post-activation of hidden layers, logits at l = L. acts[0] unused. */
  readonly acts: Float64Array[];
  /** deltas[l]: ∂(objective)/∂(pre-activation) of layer l's units, l = 1..L. */
  readonly deltas: Float64Array[];
  /** deltas w.r.t. the inputs (n × d), filled only by input-gradient passes. */
  readonly inputDelta: Float64Array;
  readonly out: Float64Array;
}

function workspace(net: Net, cap: number): Workspace {
  const acts: Float64Array[] = [new Float64Array(0)];
  const deltas: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l < net.sizes.length; l++) {
    acts.push(new Float64Array(cap * net.sizes[l]!));
    deltas.push(new Float64Array(cap * net.sizes[l]!));
  }
  return {
    cap,
    acts,
    deltas,
    inputDelta: new Float64Array(cap * net.inputs),
    out: new Float64Array(cap * net.outputs),
  };
}

/**
 * Forward pass of `rows` rows of `input` starting at element `inOff`: fills ws.acts and, through
 * the output nonlinearity, ws.out (probabilities, or values for regression).
 * Readable form: z_l = a_{l−1} W_l + b_l; a_l = act(z_l) for hidden layers.
 */
function forwardKernel(net: Net, input: Float64Array, inOff: number, rows: number, ws: Workspace): void {
  const { sizes, params, wOff, bOff, relu } = net;
  const L = net.layers;
  let prev = input;
  let prevOff = inOff;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const z = ws.acts[l + 1]!;
    const wo = wOff[l]!;
    const bo = bOff[l]!;
    const hidden = l < L - 1;
    for (let i = 0; i < rows; i++) {
      const zr = i * nout;
      for (let o = 0; o < nout; o++) z[zr + o] = params[bo + o]!;
      const ar = prevOff + i * nin;
      for (let j = 0; j < nin; j++) {
        const a = prev[ar + j]!;
        if (a === 0) continue;
        const wr = wo + j * nout;
        for (let o = 0; o < nout; o++) z[zr + o] = z[zr + o]! + a * params[wr + o]!;
      }
      if (hidden) {
        if (relu) for (let o = 0; o < nout; o++) z[zr + o] = Math.max(z[zr + o]!, 0);
        else for (let o = 0; o < nout; o++) z[zr + o] = Math.tanh(z[zr + o]!);
      }
    }
    prev = z;
    prevOff = 0;
  }
  const logits = ws.acts[L]!;
  const out = ws.out;
  const k = net.outputs;
  if (net.output === 'sigmoid') {
    for (let i = 0; i < rows; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
  } else if (net.output === 'identity') {
    for (let i = 0; i < rows; i++) out[i] = net.shift + net.scale * logits[i]!;
  } else {
    for (let i = 0; i < rows; i++) {
      const r = i * k;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) if (logits[r + c]! > max) max = logits[r + c]!;
      let s = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(logits[r + c]! - max);
        out[r + c] = e;
        s += e;
      }
      for (let c = 0; c < k; c++) out[r + c] = out[r + c]! / s;
    }
  }
}

/**
 * Loss of row i from the logits in ws (after forwardKernel): binary cross-entropy with logits,
 * softmax cross-entropy, or squared error (ŷ − y)². Writes ∂ℓ/∂z · `scale` into ws.deltas[L].
 */
function lossAndDeltaKernel(net: Net, ws: Workspace, i: number, y: number, scale: number): number {
  const L = net.layers;
  const z = ws.acts[L]!;
  const d = ws.deltas[L]!;
  if (net.output === 'sigmoid') {
    const zi = z[i]!;
    d[i] = scale * (ws.out[i]! - y);
    // log(1 + e^z) − y·z, computed without overflow.
    return Math.max(zi, 0) - y * zi + Math.log1p(Math.exp(-Math.abs(zi)));
  }
  if (net.output === 'identity') {
    const e = ws.out[i]! - y;
    d[i] = scale * 2 * e * net.scale;
    return e * e;
  }
  const k = net.outputs;
  const r = i * k;
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) if (z[r + c]! > max) max = z[r + c]!;
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(z[r + c]! - max);
  for (let c = 0; c < k; c++) d[r + c] = scale * (ws.out[r + c]! - (c === y ? 1 : 0));
  return max + Math.log(s) - z[r + y]!;
}

/**
 * Backward pass from ws.deltas[L] (set by the caller). Either accumulates parameter gradients
 * into `grad` (when `perExample` is null), or writes each row's gradient into row
 * `rowBase + i` of `perExample` (n × P, zero-filled by the caller), or neither (grad null and
 * perExample null). With `wantInput`, also fills ws.inputDelta with ∂/∂x.
 * Readable form: ∇W_l = a_{l−1}ᵀ δ_l, ∇b_l = Σ_i δ_l, δ_{l−1} = (δ_l W_lᵀ) ⊙ act′(a_{l−1}).
 */
function backwardKernel(
  net: Net,
  input: Float64Array,
  inOff: number,
  rows: number,
  ws: Workspace,
  grad: Float64Array | null,
  perExample: Float64Array | null,
  rowBase: number,
  wantInput: boolean,
): void {
  const { sizes, params, wOff, bOff, relu } = net;
  const P = params.length;
  for (let l = net.layers - 1; l >= 0; l--) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const delta = ws.deltas[l + 1]!;
    const prev = l === 0 ? input : ws.acts[l]!;
    const prevOff = l === 0 ? inOff : 0;
    const wo = wOff[l]!;
    const bo = bOff[l]!;
    if (perExample !== null) {
      for (let i = 0; i < rows; i++) {
        const base = (rowBase + i) * P;
        const dr = i * nout;
        const ar = prevOff + i * nin;
        for (let j = 0; j < nin; j++) {
          const a = prev[ar + j]!;
          if (a === 0) continue;
          const wr = base + wo + j * nout;
          for (let o = 0; o < nout; o++) perExample[wr + o] = a * delta[dr + o]!;
        }
        for (let o = 0; o < nout; o++) perExample[base + bo + o] = delta[dr + o]!;
      }
    } else if (grad !== null) {
      for (let i = 0; i < rows; i++) {
        const dr = i * nout;
        const ar = prevOff + i * nin;
        for (let j = 0; j < nin; j++) {
          const a = prev[ar + j]!;
          if (a === 0) continue;
          const wr = wo + j * nout;
          for (let o = 0; o < nout; o++) grad[wr + o] = grad[wr + o]! + a * delta[dr + o]!;
        }
        for (let o = 0; o < nout; o++) grad[bo + o] = grad[bo + o]! + delta[dr + o]!;
      }
    }
    if (l === 0 && !wantInput) break;
    const target = l === 0 ? ws.inputDelta : ws.deltas[l]!;
    for (let i = 0; i < rows; i++) {
      const dr = i * nout;
      const tr = i * nin;
      for (let j = 0; j < nin; j++) {
        // ReLU units that are off pass no gradient: skip their dot product.
        const a = l === 0 ? 1 : prev[tr + j]!;
        if (l > 0 && relu && a === 0) {
          target[tr + j] = 0;
          continue;
        }
        const wr = wo + j * nout;
        let s = 0;
        for (let o = 0; o < nout; o++) s += delta[dr + o]! * params[wr + o]!;
        target[tr + j] = l === 0 ? s : relu ? s : s * (1 - a * a);
      }
    }
  }
}

/** sum += x element-wise with a Neumaier compensation term per element (sums over many chunks). */
function addCompensatedInPlace(sum: Float64Array, comp: Float64Array, x: Float64Array): void {
  for (let i = 0; i < sum.length; i++) {
    const s = sum[i]!;
    const v = x[i]!;
    const t = s + v;
    comp[i] = comp[i]! + (Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s);
    sum[i] = t;
  }
}

function checkMatrix(fn: string, x: Matrix, d: number): void {
  if (x.cols !== d || x.data.length !== x.rows * x.cols) {
    throw new InvalidArgumentError(
      fn,
      'x',
      `a ${x.rows} × ${x.cols} matrix`,
      `an n × ${d} matrix (the model's encoded inputs)`,
      "Encode the rows with the model's preprocessor: model.preprocessor.transform(table).",
    );
  }
}

function checkTargets(fn: string, net: Net, y: Float64Array, n: number, weights?: Float64Array): void {
  if (y.length !== n)
    throw new InvalidArgumentError(fn, 'y', `length ${y.length}`, `of length ${n} (rows of x)`);
  if (weights !== undefined && weights.length !== n) {
    throw new InvalidArgumentError(fn, 'weights', `length ${weights.length}`, `of length ${n} (rows of x)`);
  }
  const k = net.outputs;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    const ok =
      net.output === 'identity'
        ? Number.isFinite(v)
        : net.output === 'sigmoid'
          ? v === 0 || v === 1
          : Number.isInteger(v) && v >= 0 && v < k;
    if (!ok) {
      const want =
        net.output === 'identity'
          ? 'a finite number'
          : net.output === 'sigmoid'
            ? '0 or 1'
            : `a class code in [0, ${k})`;
      throw new InvalidArgumentError(fn, `y[${i}]`, v, want);
    }
  }
}

/** The parameters of the saved model file (kind 'mlp'). */
export interface MlpParameters {
  readonly activation: MlpActivation;
  readonly output: MlpOutput;
  /** Layer sizes [inputs, ...hidden, outputs]. */
  readonly sizes: readonly number[];
  /** Per layer: weights (inputs × units, row-major: weights[j·units + o]) and biases. */
  readonly layers: readonly { readonly weights: readonly number[]; readonly bias: readonly number[] }[];
  /** Regression output ŷ = outputShift + outputScale·z (0 and 1 for classification). */
  readonly outputShift: number;
  readonly outputScale: number;
}

/** What an {@link MlpModel} is made of. */
export interface MlpInit {
  readonly task: ModelTask;
  readonly classes: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly activation: MlpActivation;
  readonly output: MlpOutput;
  /** Layer sizes [inputs, ...hidden, outputs]. */
  readonly sizes: readonly number[];
  /** Flat parameters: per layer, weights (inputs × units, row-major) then biases. */
  readonly params: Float64Array;
  readonly outputShift: number;
  readonly outputScale: number;
  readonly history?: TrainHistory | undefined;
}

/**
 * A fitted multilayer perceptron: scores tables (`predictProba`), exposes gradients over the
 * encoded inputs (`Differentiable`), and saves to JSON (kind 'mlp'). Immutable: training
 * variants are made with {@link MlpModel.withParameters}.
 * @example
 * const model = await mlp({ hidden: [8] }).fit(table, 'y');
 * model.parameterCount // (d·8 + 8) + (8·1 + 1) for d encoded inputs
 * model.forward(model.preprocessor.transform(table)) // Float64Array of P(y = positive), one per row
 */
export class MlpModel implements SavableModel, Differentiable {
  readonly kind = 'mlp';
  readonly task: ModelTask;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly activation: MlpActivation;
  /** Units per hidden layer. */
  readonly hidden: readonly number[];
  /** Per-epoch training history (for a loaded model: read back from the file's metadata, if there). */
  readonly history: TrainHistory | undefined;
  private readonly net: Net;

  /** Use `mlp().fit` or `loadModelJSON`; the parameter array is used as is, not copied. */
  constructor(init: MlpInit) {
    this.task = init.task;
    this.classes = init.classes;
    this.target = init.target;
    this.preprocessor = init.preprocessor;
    this.features = init.preprocessor.features;
    this.activation = init.activation;
    this.net = new Net(
      init.sizes,
      init.activation,
      init.output,
      init.params,
      init.outputShift,
      init.outputScale,
    );
    this.hidden = init.sizes.slice(1, -1);
    this.history = init.history;
  }

  get parameterCount(): number {
    return this.net.params.length;
  }

  parameters(): Float64Array {
    return this.net.params.slice();
  }

  /**
   * The same model with other parameters (same layout; for finite differences, DP-SGD and other
   * outside training loops). The array is copied.
   * @throws {AEQ_INVALID_ARGUMENT} when the length differs from `parameterCount`.
   */
  withParameters(params: Float64Array): MlpModel {
    const n = this.net;
    return new MlpModel({
      task: this.task,
      classes: this.classes,
      target: this.target,
      preprocessor: this.preprocessor,
      activation: this.activation,
      output: n.output,
      sizes: n.sizes,
      params: params.slice(),
      outputShift: n.shift,
      outputScale: n.scale,
      ...(this.history === undefined ? {} : { history: this.history }),
    });
  }

  /** Network outputs on encoded inputs: P(positive) per row, n × k probabilities, or values. */
  forward(x: Matrix): Float64Array {
    checkMatrix('MlpModel.forward', x, this.net.inputs);
    const k = this.net.outputs;
    const out = new Float64Array(x.rows * k);
    const ws = workspace(this.net, Math.min(CHUNK, Math.max(1, x.rows)));
    for (let s = 0; s < x.rows; s += CHUNK) {
      const rows = Math.min(CHUNK, x.rows - s);
      forwardKernel(this.net, x.data, s * x.cols, rows, ws);
      out.set(ws.out.subarray(0, rows * k), s * k);
    }
    return out;
  }

  /**
   * Mean (weighted) loss: binary cross-entropy, softmax cross-entropy, or squared error
   * (ŷ − y)² for regression. No penalty term: weight decay is applied by the optimiser
   * (decoupled, AdamW), so the objective is the data loss alone.
   */
  loss(x: Matrix, y: Float64Array, weights?: Float64Array): number {
    checkMatrix('MlpModel.loss', x, this.net.inputs);
    checkTargets('MlpModel.loss', this.net, y, x.rows, weights);
    const num = new Adder();
    const den = new Adder();
    const ws = workspace(this.net, Math.min(CHUNK, Math.max(1, x.rows)));
    for (let s = 0; s < x.rows; s += CHUNK) {
      const rows = Math.min(CHUNK, x.rows - s);
      forwardKernel(this.net, x.data, s * x.cols, rows, ws);
      for (let i = 0; i < rows; i++) {
        const w = weights === undefined ? 1 : weights[s + i]!;
        num.add(w * lossAndDeltaKernel(this.net, ws, i, y[s + i]!, 0));
        den.add(w);
      }
    }
    return num.value / den.value;
  }

  /** Gradient of {@link MlpModel.loss} with respect to the flattened parameters. */
  lossGradient(x: Matrix, y: Float64Array, weights?: Float64Array): Float64Array {
    checkMatrix('MlpModel.lossGradient', x, this.net.inputs);
    checkTargets('MlpModel.lossGradient', this.net, y, x.rows, weights);
    const P = this.parameterCount;
    let total = x.rows;
    if (weights !== undefined) {
      const a = new Adder();
      for (let i = 0; i < weights.length; i++) a.add(weights[i]!);
      total = a.value;
    }
    const sum = new Float64Array(P);
    const comp = new Float64Array(P);
    const chunk = new Float64Array(P);
    const ws = workspace(this.net, Math.min(CHUNK, Math.max(1, x.rows)));
    for (let s = 0; s < x.rows; s += CHUNK) {
      const rows = Math.min(CHUNK, x.rows - s);
      forwardKernel(this.net, x.data, s * x.cols, rows, ws);
      for (let i = 0; i < rows; i++) {
        const w = weights === undefined ? 1 : weights[s + i]!;
        lossAndDeltaKernel(this.net, ws, i, y[s + i]!, w / total);
      }
      chunk.fill(0);
      backwardKernel(this.net, x.data, s * x.cols, rows, ws, chunk, null, 0, false);
      addCompensatedInPlace(sum, comp, chunk);
    }
    for (let p = 0; p < P; p++) sum[p] = sum[p]! + comp[p]!;
    return sum;
  }

  /**
   * Gradient of each row's loss ℓᵢ (unweighted, unregularised) w.r.t. the parameters, as an
   * n × parameterCount matrix, from one backward pass (each weight gradient is the outer product
   * δᵢ ⊗ aᵢ). Memory is n·P doubles: call it on mini-batches.
   */
  perExampleGradients(x: Matrix, y: Float64Array): Matrix {
    checkMatrix('MlpModel.perExampleGradients', x, this.net.inputs);
    checkTargets('MlpModel.perExampleGradients', this.net, y, x.rows);
    const P = this.parameterCount;
    const data = new Float64Array(x.rows * P);
    const ws = workspace(this.net, Math.min(CHUNK, Math.max(1, x.rows)));
    for (let s = 0; s < x.rows; s += CHUNK) {
      const rows = Math.min(CHUNK, x.rows - s);
      forwardKernel(this.net, x.data, s * x.cols, rows, ws);
      for (let i = 0; i < rows; i++) lossAndDeltaKernel(this.net, ws, i, y[s + i]!, 1);
      backwardKernel(this.net, x.data, s * x.cols, rows, ws, null, data, s, false);
    }
    return { rows: x.rows, cols: P, data };
  }

  /**
   * Gradient of the model output w.r.t. the encoded inputs (n × d): of P(positive) for binary,
   * of the value for regression, and for multiclass of the probability of `opts.classIndex`
   * (default: each row's most probable class).
   */
  inputGradient(x: Matrix, opts: { readonly classIndex?: number } = {}): Matrix {
    checkMatrix('MlpModel.inputGradient', x, this.net.inputs);
    const net = this.net;
    const k = net.outputs;
    const cls = opts.classIndex;
    if (cls !== undefined && (net.output !== 'softmax' || !Number.isInteger(cls) || cls < 0 || cls >= k)) {
      throw new InvalidArgumentError(
        'MlpModel.inputGradient',
        'classIndex',
        cls,
        net.output === 'softmax'
          ? `a class index in [0, ${k})`
          : 'undefined (only multiclass models take a class)',
      );
    }
    const d = net.inputs;
    const data = new Float64Array(x.rows * d);
    const ws = workspace(net, Math.min(CHUNK, Math.max(1, x.rows)));
    const L = net.layers;
    for (let s = 0; s < x.rows; s += CHUNK) {
      const rows = Math.min(CHUNK, x.rows - s);
      forwardKernel(net, x.data, s * x.cols, rows, ws);
      const delta = ws.deltas[L]!;
      for (let i = 0; i < rows; i++) {
        if (net.output === 'sigmoid') {
          const p = ws.out[i]!;
          delta[i] = p * (1 - p);
        } else if (net.output === 'identity') {
          delta[i] = net.scale;
        } else {
          const r = i * k;
          let c = cls ?? 0;
          if (cls === undefined) for (let j = 1; j < k; j++) if (ws.out[r + j]! > ws.out[r + c]!) c = j;
          const pc = ws.out[r + c]!;
          // ∂p_c/∂z_j = p_c·([c = j] − p_j)
          for (let j = 0; j < k; j++) delta[r + j] = pc * ((j === c ? 1 : 0) - ws.out[r + j]!);
        }
      }
      backwardKernel(net, x.data, s * x.cols, rows, ws, null, null, 0, true);
      data.set(ws.inputDelta.subarray(0, rows * d), s * d);
    }
    return { rows: x.rows, cols: d, data };
  }

  async predictProba(
    rows: Table,
    opts: { readonly signal?: AbortSignal; readonly batchSize?: number } = {},
  ): Promise<Float64Array> {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const x = this.preprocessor.transform(rows);
    return this.forward(x);
  }

  toJSON(): ModelFile {
    const n = this.net;
    const layers: { weights: number[]; bias: number[] }[] = [];
    for (let l = 0; l < n.layers; l++) {
      const wo = n.wOff[l]!;
      const bo = n.bOff[l]!;
      const units = n.sizes[l + 1]!;
      layers.push({
        weights: Array.from(n.params.subarray(wo, bo)),
        bias: Array.from(n.params.subarray(bo, bo + units)),
      });
    }
    const parameters: MlpParameters = {
      activation: this.activation,
      output: n.output,
      sizes: [...n.sizes],
      layers,
      outputShift: n.shift,
      outputScale: n.scale,
    };
    const h = this.history;
    return modelFileOf(
      this,
      parameters,
      h === undefined ? undefined : { bestEpoch: h.bestEpoch, stoppedBy: h.stoppedBy, history: h.history },
    );
  }
}

/** 'regression' for an explicit regression task, or a numeric target of more than two values without `positive`. */
function learningKind(
  table: Table,
  target: string,
  task: ModelTask | undefined,
  positive: readonly string[] | undefined,
): 'classification' | 'regression' {
  if (task !== undefined) return task === 'regression' ? 'regression' : 'classification';
  if (positive !== undefined) return 'classification';
  const col = table.column(target, 'target');
  return col.kind === 'number' && distinctValues(col).length > 2 ? 'regression' : 'classification';
}

function initParams(sizes: readonly number[], relu: boolean, rng: Rng): Float64Array {
  const params = new Float64Array(Net.parameterCount(sizes));
  let off = 0;
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    // He for ReLU hidden layers (Var = 2/fan_in); Glorot for tanh and the output (Var = 2/(fan_in+fan_out)).
    const sd = relu && l < L - 1 ? Math.sqrt(2 / nin) : Math.sqrt(2 / (nin + nout));
    for (let i = 0; i < nin * nout; i++) params[off + i] = sd * normalVariate(rng);
    off += nin * nout + nout; // biases start at 0
  }
  return params;
}

function gatherRows(x: Matrix, idx: Uint32Array): Matrix {
  const d = x.cols;
  const data = new Float64Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) data.set(x.data.subarray(idx[i]! * d, idx[i]! * d + d), i * d);
  return { rows: idx.length, cols: d, data };
}

function gather(v: Float64Array, idx: Uint32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = v[idx[i]!]!;
  return out;
}

function checkOptions(o: MlpOptions): void {
  const intAtLeast = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) {
      throw new InvalidArgumentError('mlp', name, v, `an integer ≥ ${min}`);
    }
  };
  intAtLeast('epochs', o.epochs, 1);
  intAtLeast('batchSize', o.batchSize, 1);
  intAtLeast('patience', o.patience, 0);
  intAtLeast('seed', o.seed, 0);
  if (typeof o.hidden === 'number') intAtLeast('hidden', o.hidden, 1);
  else if (o.hidden !== undefined) {
    if (!Array.isArray(o.hidden))
      throw new InvalidArgumentError('mlp', 'hidden', o.hidden, 'a list of layer sizes');
    o.hidden.forEach((h, i) => {
      intAtLeast(`hidden[${i}]`, h, 1);
    });
  }
  if (o.activation !== undefined && o.activation !== 'relu' && o.activation !== 'tanh') {
    throw new InvalidArgumentError('mlp', 'activation', o.activation, "'relu' or 'tanh'");
  }
  const vf = o.validationFraction;
  if (vf !== undefined && !(vf >= 0 && vf < 1)) {
    throw new InvalidArgumentError('mlp', 'validationFraction', vf, 'a number in [0, 1)');
  }
  if (o.learningRate !== undefined && !(o.learningRate > 0 && Number.isFinite(o.learningRate))) {
    throw new InvalidArgumentError('mlp', 'learningRate', o.learningRate, 'a finite number > 0');
  }
  if (o.weightDecay !== undefined && !(o.weightDecay >= 0 && Number.isFinite(o.weightDecay))) {
    throw new InvalidArgumentError('mlp', 'weightDecay', o.weightDecay, 'a finite number ≥ 0');
  }
}

/**
 * A multilayer perceptron learner: fully connected hidden layers (ReLU or tanh), a sigmoid
 * (binary), softmax (multiclass) or identity (regression) output, trained by mini-batch AdamW on
 * the encoded table (one-hot categories, standardised numbers) with early stopping on a held-out
 * validation split, restoring the weights of the best validation loss.
 *
 * Use it when interactions between features matter and there are thousands of rows or more;
 * for small or linear problems a logistic/ridge model is faster, exact and easier to explain.
 *
 * @throws {AEQ_INVALID_ARGUMENT} for option values out of range.
 * @throws {AEQ_DATA_MISSING_VALUES} at fit time when the target has missing cells.
 * @example
 * const model = await mlp({ hidden: [16], epochs: 20 }).fit(adult, 'income', { positive: ['>50K'] });
 * (await model.predictProba(adultTest)).length // 16281 (P(income = >50K) per row)
 */
export function mlp(opts: MlpOptions = {}): Learner<MlpModel> {
  checkOptions(opts);
  const hidden = typeof opts.hidden === 'number' ? [opts.hidden] : [...(opts.hidden ?? [32])];
  const activation = opts.activation ?? 'relu';
  const epochs = opts.epochs ?? 50;
  const batchSize = opts.batchSize ?? 64;
  const learningRate = opts.learningRate ?? 1e-3;
  const weightDecay = opts.weightDecay ?? 1e-4;
  const validationFraction = opts.validationFraction ?? 0.1;
  const patience = opts.patience ?? 5;
  return {
    kind: 'mlp',
    async fit(table: Table, target: string, fo: FitOptions = {}): Promise<MlpModel> {
      const rng = fo.rng ?? seededRng(fo.seed ?? opts.seed ?? 0);
      const data = prepareFitData(table, target, {
        ...fo,
        kind: learningKind(table, target, opts.task, fo.positive),
      });
      if (opts.task !== undefined && opts.task !== data.task) {
        throw new InvalidArgumentError(
          'mlp',
          'task',
          opts.task,
          `the task the target "${target}" supports (${data.task}, classes ${listSome(data.classes)})`,
          'Pass positive values for a binary task, or leave `task` out to infer it.',
        );
      }
      const { x: X, y: Y, weights, preprocessor: pre } = data;
      const enc = { task: data.task, classes: data.classes };
      const n = X.rows;
      const d = X.cols;
      const k = enc.task === 'multiclass' ? enc.classes.length : 1;
      const output: MlpOutput =
        enc.task === 'binary' ? 'sigmoid' : enc.task === 'multiclass' ? 'softmax' : 'identity';

      // Regression: ŷ = shift + scale·z with the target's (weighted) mean and sd, so that the
      // network learns a unit-scale problem whatever the units of y.
      let shift = 0;
      let scale = 1;
      if (enc.task === 'regression') {
        const sw = new Adder();
        const sy = new Adder();
        for (let i = 0; i < n; i++) {
          const w = weights[i]!;
          sw.add(w);
          sy.add(w * Y[i]!);
        }
        shift = sy.value / sw.value;
        const sv = new Adder();
        for (let i = 0; i < n; i++) {
          const w = weights[i]!;
          sv.add(w * (Y[i]! - shift) ** 2);
        }
        const sd = Math.sqrt(sv.value / sw.value);
        scale = sd > 0 && Number.isFinite(sd) ? sd : 1;
      }

      // Validation split (stratified for classification); none when too few rows.
      const nVal = validationFraction > 0 ? Math.round(n * validationFraction) : 0;
      let trainIdx: Uint32Array;
      let valIdx: Uint32Array;
      if (nVal >= 1 && n - nVal >= 1) {
        const split = trainTestSplit(n, {
          testSize: validationFraction,
          validationSize: 0,
          ...(enc.task === 'regression' ? {} : { stratify: Y }),
          rng: rng.fork('mlp:split'),
        });
        trainIdx = split.train;
        valIdx = split.test;
      } else {
        trainIdx = new Uint32Array(n);
        for (let i = 0; i < n; i++) trainIdx[i] = i;
        valIdx = new Uint32Array(0);
      }

      const sizes = [d, ...hidden, k];
      const net = new Net(
        sizes,
        activation,
        output,
        initParams(sizes, activation === 'relu', rng.fork('mlp:init')),
        shift,
        scale,
      );
      const P = net.params.length;
      const decayMask = new Uint8Array(P);
      for (let l = 0; l < net.layers; l++) decayMask.fill(1, net.wOff[l]!, net.bOff[l]!);
      const opt = adamw(P, { learningRate, weightDecay, decayMask });

      const B = Math.min(batchSize, Math.max(1, trainIdx.length));
      const ws = workspace(net, B);
      const bx = new Float64Array(B * d);
      const grad = new Float64Array(P);
      const order = trainIdx.slice();
      const shuffle = rng.fork('mlp:shuffle');

      const Xval = valIdx.length > 0 ? gatherRows(X, valIdx) : undefined;
      const yVal = gather(Y, valIdx);
      const wVal = gather(weights, valIdx);
      let best: Float64Array | undefined;

      const step = (): number => {
        // Fisher–Yates with the seeded generator.
        for (let i = order.length - 1; i > 0; i--) {
          const j = randomInt(shuffle, i + 1);
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
        }
        const lossSum = new Adder();
        const weightSum = new Adder();
        for (let s = 0; s < order.length; s += B) {
          const rows = Math.min(B, order.length - s);
          let wb = 0;
          for (let i = 0; i < rows; i++) {
            const r = order[s + i]!;
            bx.set(X.data.subarray(r * d, r * d + d), i * d);
            wb += weights[r]!;
          }
          if (!(wb > 0)) continue;
          forwardKernel(net, bx, 0, rows, ws);
          for (let i = 0; i < rows; i++) {
            const r = order[s + i]!;
            const w = weights[r]!;
            const l = lossAndDeltaKernel(net, ws, i, Y[r]!, w / wb);
            lossSum.add(w * l);
            weightSum.add(w);
          }
          grad.fill(0);
          backwardKernel(net, bx, 0, rows, ws, grad, null, 0, false);
          opt.updateInPlace(net.params, grad);
        }
        return lossSum.value / weightSum.value;
      };

      const model = (history?: TrainHistory) =>
        new MlpModel({
          task: enc.task,
          classes: enc.classes,
          target,
          preprocessor: pre,
          activation,
          output,
          sizes,
          params: net.params,
          outputShift: shift,
          outputScale: scale,
          ...(history === undefined ? {} : { history }),
        });
      const probe = model();

      const history = await trainLoop({
        epochs,
        step,
        ...(Xval === undefined
          ? {}
          : {
              evaluate: () =>
                evaluate(enc.task, yVal, probe.forward(Xval), {
                  classes: k,
                  weights: wVal,
                }),
              patience,
              onBest: () => {
                if (best === undefined) best = new Float64Array(P);
                best.set(net.params);
              },
            }),
        onEpoch: (rec) => {
          fo.onProgress?.({ label: 'mlp', done: rec.epoch, total: epochs });
        },
        ...(fo.signal === undefined ? {} : { signal: fo.signal }),
      });
      if (best !== undefined) net.params.set(best);
      return model(history);
    },
  };
}

function formatError(message: string): AequaError {
  return new AequaError('AEQ_MODEL_FORMAT', `Not a valid 'mlp' model file: ${message}.`, {
    hint: 'Re-save the model with this version of aequa.',
  });
}

function numberArray(v: unknown, len: number, what: string): Float64Array {
  if (!Array.isArray(v) || v.length !== len) {
    throw formatError(
      `${what} must be an array of ${len} numbers, got ${Array.isArray(v) ? `${v.length} items` : typeof v}`,
    );
  }
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const x = v[i] as unknown;
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw formatError(`${what}[${i}] is ${String(x)}, not a finite number`);
    out[i] = x;
  }
  return out;
}

/** The training history saved in a model file's metadata, when it has the layout `toJSON` writes. */
function historyFromMetadata(meta: Readonly<Record<string, unknown>> | undefined): TrainHistory | undefined {
  if (meta === undefined) return undefined;
  const { bestEpoch, stoppedBy, history } = meta;
  const num = (v: unknown) => v === null || typeof v === 'number';
  if (
    typeof bestEpoch !== 'number' ||
    (stoppedBy !== 'epochs' && stoppedBy !== 'patience' && stoppedBy !== 'callback') ||
    !Array.isArray(history)
  ) {
    return undefined;
  }
  const records: EpochRecord[] = [];
  for (const r of history as unknown[]) {
    if (typeof r !== 'object' || r === null) return undefined;
    const e = r as Record<string, unknown>;
    if (typeof e.epoch !== 'number' || typeof e.trainLoss !== 'number') return undefined;
    if (!num(e.devLoss) || !num(e.devAccuracy) || !num(e.devF1)) return undefined;
    records.push({
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      devLoss: e.devLoss as number | null,
      devAccuracy: e.devAccuracy as number | null,
      devF1: e.devF1 as number | null,
    });
  }
  return { history: records, bestEpoch, stoppedBy };
}

/**
 * Rebuilds an MlpModel from its saved file (registered as kind 'mlp' with `registerModelKind`,
 * so `loadModelJSON` calls it).
 * @throws {AEQ_MODEL_FORMAT} when the parameters do not have the documented layout.
 * @example mlpModelFromFile(JSON.parse(saveModelJSON(model))).forward(x) // the same numbers, bit for bit
 */
export function mlpModelFromFile(file: ModelFile): MlpModel {
  const p = file.parameters as Partial<MlpParameters> | null;
  if (typeof p !== 'object' || p === null) throw formatError('"parameters" must be an object');
  if (p.activation !== 'relu' && p.activation !== 'tanh')
    throw formatError(`activation ${String(p.activation)}`);
  if (p.output !== 'sigmoid' && p.output !== 'softmax' && p.output !== 'identity') {
    throw formatError(`output ${String(p.output)}`);
  }
  const sizes = p.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) {
    throw formatError('"sizes" must list at least two positive integers');
  }
  const layers = p.layers;
  if (!Array.isArray(layers) || layers.length !== sizes.length - 1) {
    throw formatError(`"layers" must hold ${sizes.length - 1} layers`);
  }
  const params = new Float64Array(Net.parameterCount(sizes));
  let off = 0;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l] as { weights?: unknown; bias?: unknown } | undefined;
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    params.set(numberArray(layer?.weights, nin * nout, `layers[${l}].weights`), off);
    off += nin * nout;
    params.set(numberArray(layer?.bias, nout, `layers[${l}].bias`), off);
    off += nout;
  }
  const shift = p.outputShift;
  const scale = p.outputScale;
  if (
    typeof shift !== 'number' ||
    typeof scale !== 'number' ||
    !Number.isFinite(shift) ||
    !Number.isFinite(scale)
  ) {
    throw formatError('"outputShift" and "outputScale" must be finite numbers');
  }
  const pre = preprocessorFromJSON(file.preprocessing);
  if (pre.outputNames.length !== sizes[0]) {
    throw formatError(
      `the preprocessing encodes ${pre.outputNames.length} columns but the network takes ${sizes[0]}`,
    );
  }
  const history = historyFromMetadata(file.metadata);
  return new MlpModel({
    task: file.task,
    classes: file.classes,
    target: file.target,
    preprocessor: pre,
    activation: p.activation,
    output: p.output,
    sizes,
    params,
    outputShift: shift,
    outputScale: scale,
    ...(history === undefined ? {} : { history }),
  });
}

registerModelKind('mlp', mlpModelFromFile);
