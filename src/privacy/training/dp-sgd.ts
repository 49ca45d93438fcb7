/**
 * @module privacy/training/dp-sgd
 * Differentially private training by DP-SGD (Abadi et al. 2016, "Deep Learning with Differential
 * Privacy", https://arxiv.org/abs/1607.00133) for the built-in logistic regression and MLP: each
 * step Poisson-samples a batch with rate q, clips every per-example gradient to L2 norm C, adds
 * Gaussian noise N(0, σ²C²) to the sum, divides by the expected batch size q·n, and takes an SGD or
 * AdamW step. σ is chosen by the RDP accountant (Mironov, Talwar & Zhang 2019) for a target ε, and
 * the ε actually spent is recorded in the saved model's `metadata.privacy`. By default the noise is
 * the classic continuous Gaussian, whose subsampled RDP accounting is proven; `noise: 'discrete'`
 * makes it floating-point safe (Mironov 2012): the clipped gradients are rounded to a power-of-two
 * grid and exact discrete Gaussian noise is added in integers (see ./discrete-noise.ts).
 * Protected: the training rows, given the model's parameters. Not protected: the preprocessing
 * statistics (category levels, means and standard deviations used for standardisation) are fitted
 * on the data without noise; pass public encodings if they matter.
 */
import { AequaError, InvalidArgumentError, normalVariate, type Rng, seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import {
  type AdamW,
  adamw,
  type Differentiable,
  type FitOptions,
  type Learner,
  LogisticModel,
  type Matrix,
  MlpModel,
  type ModelFile,
  type ModelTask,
  type Preprocessor,
  prepareFitData,
  type SavableModel,
} from '../../models/index.js';
import { dpSgdEpsilon, dpSgdNoise } from '../accounting/index.js';
import { cryptoRng } from './crypto-rng.js';
import { planDiscreteNoise, sampleDiscreteGaussianInt } from './discrete-noise.js';
import { clippedMlpSumKernel, type MlpWorkspace, mlpWorkspace } from './mlp-clipped.js';

/** Options of {@link dpSgd}. */
export interface DpSgdOptions {
  /** Which model to train. @default 'logistic' */
  readonly model?: 'logistic' | 'mlp';
  /** MLP hidden layer sizes. @default [32] */
  readonly hidden?: number | readonly number[];
  /** MLP activation. @default 'relu' */
  readonly activation?: 'relu' | 'tanh';
  /** Target ε: σ is the smallest noise multiplier that spends at most this. Give this or `noiseMultiplier`. */
  readonly epsilon?: number;
  /** σ directly (noise standard deviation ÷ C); 0 turns the noise off (no privacy; for tests). */
  readonly noiseMultiplier?: number;
  /** δ of the (ε, δ) guarantee; should be well below 1/n. @default 1e-5 */
  readonly delta?: number;
  /** Clipping norm C of each per-example gradient (Infinity: no clipping, only with σ = 0). @default 1 */
  readonly maxGradNorm?: number;
  /** Passes over the data: steps T = round(epochs / q). @default 10 */
  readonly epochs?: number;
  /** Expected batch size: q = batchSize / n. @default 256 */
  readonly batchSize?: number;
  /** @default 'adamw' */
  readonly optimizer?: 'sgd' | 'adamw';
  /** @default 0.05 (adamw), 0.5 (sgd) */
  readonly learningRate?: number;
  /** Decoupled weight decay on weights (not intercepts/biases). @default 0 */
  readonly weightDecay?: number;
  /**
   * Seeds the batch sampling and the noise. Only for tests and reproductions: a guessable seed
   * voids the privacy guarantee. @default none (a cryptographically secure source)
   */
  readonly insecureSeed?: number;
  /**
   * How the Gaussian noise is made. 'discrete' (floating-point safe, Mironov 2012): each clipped
   * gradient (logistic) or the clipped sum (MLP) is rounded to a power-of-two grid g ≤ σ·C/2^10 and
   * exact discrete Gaussian noise (Canonne, Kamath & Steinke 2020) is added in integers; the accountant
   * sees the rounding-inflated norm C + g√P/2 (logistic) or C + g√P (MLP). 'float': continuous
   * Gaussian draws in floating point (its low-order bits can leak, Mironov 2012). The default is
   * 'float' because its accounting is the proven one for the Poisson-subsampled Gaussian; 'discrete'
   * accounts the subsampled discrete Gaussian with the same RDP bound at the inflated norm, which is the
   * usual assumption but not proven here (Canonne et al. prove it without subsampling). @default 'float'
   */
  readonly noise?: 'discrete' | 'float';
  /** Start from these parameters (the model's layout) instead of zeros (logistic) or He/Glorot (MLP), e.g. a model pre-trained on public data. */
  readonly initialParameters?: Float64Array;
}

/** What DP-SGD spent, saved as `metadata.privacy` of the model file. */
export interface DpSgdPrivacy {
  /** ε spent under the RDP accountant (null when σ = 0: no guarantee). */
  readonly epsilon: number | null;
  readonly delta: number;
  readonly accountant: 'rdp';
  /** The RDP order at which ε was attained (null when σ = 0). */
  readonly order: number | null;
  readonly noiseMultiplier: number;
  readonly sampleRate: number;
  readonly steps: number;
  /** C (null for no clipping). */
  readonly maxGradNorm: number | null;
  /** The target ε the noise was chosen for, if one was given. */
  readonly targetEpsilon: number | null;
  /** How the noise was made (see {@link DpSgdOptions.noise}). */
  readonly noise: 'discrete' | 'float';
  /** The grid width g of 'discrete' noise (null for 'float' or σ = 0). */
  readonly granularity: number | null;
  /** The clipping norm the accountant used: C inflated by the grid rounding for 'discrete', else C (null for no clipping). */
  readonly accountedGradNorm: number | null;
  /** 'crypto': secure random source; 'seeded': `insecureSeed` was used (no real guarantee). */
  readonly randomness: 'crypto' | 'seeded';
}

/**
 * Draws a Poisson sample: each of the n rows independently with probability q, in increasing
 * order, by geometric skips (O(q·n) draws). Writes the row indices into `out` (length ≥ n) and
 * returns their count.
 * @example poissonSample(seededRng(1), 10, 1, new Uint32Array(10)) // 10 (every row)
 */
export function poissonSample(rng: Rng, n: number, q: number, out: Uint32Array): number {
  if (q >= 1) {
    for (let i = 0; i < n; i++) out[i] = i;
    return n;
  }
  const lq = Math.log1p(-q);
  let k = 0;
  let i = -1;
  for (;;) {
    // Gap to the next chosen row ~ Geometric(q): ⌊log(U)/log(1 − q)⌋, U uniform in (0, 1].
    const u = 1 - rng.nextFloat64();
    i += 1 + Math.floor(Math.log(u) / lq);
    if (i >= n) return k;
    out[k++] = i;
  }
}

/**
 * DP-SGD learner for a logistic regression or an MLP classifier. The fitted model is a normal
 * logistic or MLP model (saved and loaded as such) whose file carries `metadata.privacy`.
 * @throws {AEQ_INVALID_ARGUMENT} for ε ≤ 0, δ outside (0, 1), C ≤ 0, neither ε nor σ given, σ > 0
 *   with C = ∞, or bad epochs/batch size/learning rate.
 * @example
 * const model = await dpSgd({ epsilon: 3, delta: 1e-5, maxGradNorm: 1, epochs: 5 }).fit(adult, 'income', { positive: ['>50K'] });
 * model.privacy.epsilon // ≤ 3, e.g. 2.99
 */
export function dpSgd(opts: DpSgdOptions = {}): Learner<DpSgdModel> {
  const fn = 'dpSgd';
  const kind = opts.model ?? 'logistic';
  if (kind !== 'logistic' && kind !== 'mlp')
    throw new InvalidArgumentError(fn, 'model', kind, '"logistic" or "mlp"');
  const delta = opts.delta ?? 1e-5;
  const C = opts.maxGradNorm ?? 1;
  const epochs = opts.epochs ?? 10;
  const batchSize = opts.batchSize ?? 256;
  const optimizer = opts.optimizer ?? 'adamw';
  const lr = opts.learningRate ?? (optimizer === 'sgd' ? 0.5 : 0.05);
  const wd = opts.weightDecay ?? 0;
  if (opts.epsilon !== undefined && !(opts.epsilon > 0 && Number.isFinite(opts.epsilon)))
    throw new InvalidArgumentError(
      fn,
      'epsilon',
      opts.epsilon,
      'a finite number > 0',
      'ε = 1…10 is usual for DP-SGD.',
    );
  if (!(delta > 0 && delta < 1))
    throw new InvalidArgumentError(
      fn,
      'delta',
      delta,
      'a number in (0, 1)',
      'Use δ well below 1/n, e.g. 1e-5.',
    );
  if (!(C > 0)) throw new InvalidArgumentError(fn, 'maxGradNorm', C, 'a number > 0 (Infinity: no clipping)');
  if (
    opts.noiseMultiplier !== undefined &&
    !(opts.noiseMultiplier >= 0 && Number.isFinite(opts.noiseMultiplier))
  )
    throw new InvalidArgumentError(fn, 'noiseMultiplier', opts.noiseMultiplier, 'a finite number ≥ 0');
  if (opts.epsilon === undefined && opts.noiseMultiplier === undefined)
    throw new InvalidArgumentError(
      fn,
      'epsilon',
      undefined,
      'a target ε (or an explicit noiseMultiplier)',
      'For example { epsilon: 3, delta: 1e-5 }.',
    );
  if (opts.epsilon !== undefined && opts.noiseMultiplier !== undefined)
    throw new InvalidArgumentError(
      fn,
      'noiseMultiplier',
      opts.noiseMultiplier,
      'left out when epsilon is given (σ is then chosen for ε)',
    );
  if (!(epochs > 0 && Number.isFinite(epochs)))
    throw new InvalidArgumentError(fn, 'epochs', epochs, 'a finite number > 0');
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new InvalidArgumentError(fn, 'batchSize', batchSize, 'an integer ≥ 1');
  if (!(lr > 0 && Number.isFinite(lr)))
    throw new InvalidArgumentError(fn, 'learningRate', lr, 'a finite number > 0');
  if (!(wd >= 0 && Number.isFinite(wd)))
    throw new InvalidArgumentError(fn, 'weightDecay', wd, 'a finite number ≥ 0');
  if (optimizer !== 'sgd' && optimizer !== 'adamw')
    throw new InvalidArgumentError(fn, 'optimizer', optimizer, '"sgd" or "adamw"');
  const hidden = typeof opts.hidden === 'number' ? [opts.hidden] : [...(opts.hidden ?? [32])];
  for (const h of hidden)
    if (!(Number.isInteger(h) && h >= 1))
      throw new InvalidArgumentError(fn, 'hidden', opts.hidden, 'positive integer layer sizes');
  const activation = opts.activation ?? 'relu';
  const noiseKind = opts.noise ?? 'float';
  if (noiseKind !== 'discrete' && noiseKind !== 'float')
    throw new InvalidArgumentError(
      fn,
      'noise',
      noiseKind,
      '"discrete" or "float"',
      '"discrete" is floating-point safe; "float" is the classic continuous Gaussian.',
    );
  if (activation !== 'relu' && activation !== 'tanh')
    throw new InvalidArgumentError(fn, 'activation', activation, '"relu" or "tanh"');

  return {
    kind: `dp-${kind}`,
    async fit(table: Table, target: string, fo: FitOptions = {}): Promise<DpSgdModel> {
      fo.signal?.throwIfAborted();
      const data = prepareFitData(table, target, {
        ...fo,
        kind: 'classification',
        preprocess: { standardize: true },
      });
      const n = data.x.rows;
      const d = data.x.cols;
      const q = Math.min(1, batchSize / n);
      const steps = Math.max(1, Math.round(epochs / q));
      let sigma: number;
      if (opts.noiseMultiplier !== undefined) sigma = opts.noiseMultiplier;
      else sigma = dpSgdNoise({ sampleRate: q, steps, delta, epsilon: opts.epsilon! });
      if (sigma > 0 && C === Number.POSITIVE_INFINITY)
        throw new InvalidArgumentError(
          fn,
          'maxGradNorm',
          C,
          'a finite clipping norm when there is noise (σ > 0)',
        );
      const seeded = opts.insecureSeed !== undefined;
      const root = seeded ? seededRng(opts.insecureSeed!) : cryptoRng();
      const sampler = root.fork('dp-sgd:batches');
      const noise = root.fork('dp-sgd:noise');
      const initRng = seededRng(fo.seed ?? 0).fork('dp-sgd:init');
      const k = data.task === 'multiclass' ? data.classes.length : 1;
      const task: ModelTask = data.task;

      // Model and parameter layout.
      let theta: Float64Array;
      let decay: Uint8Array;
      let mlpModel: MlpModel | undefined;
      let sizes: number[] | undefined;
      const q1 = d + 1;
      if (kind === 'logistic') {
        theta = new Float64Array(k * q1);
        decay = new Uint8Array(k * q1).fill(1);
        for (let b = 0; b < k; b++) decay[b * q1] = 0;
      } else {
        sizes = [d, ...hidden, k];
        theta = initMlpParams(sizes, activation === 'relu', initRng);
        decay = new Uint8Array(theta.length);
        let off = 0;
        for (let l = 0; l + 1 < sizes.length; l++) {
          decay.fill(1, off, off + sizes[l]! * sizes[l + 1]!);
          off += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
        }
        // The model reads `theta` by reference: updating it in place updates the model.
        mlpModel = new MlpModel({
          task,
          classes: data.classes,
          target: data.target,
          preprocessor: data.preprocessor,
          activation,
          output: task === 'binary' ? 'sigmoid' : 'softmax',
          sizes,
          params: theta,
          outputShift: 0,
          outputScale: 1,
        });
      }
      const P = theta.length;
      if (opts.initialParameters !== undefined) {
        if (opts.initialParameters.length !== P)
          throw new InvalidArgumentError(
            fn,
            'initialParameters',
            `length ${opts.initialParameters.length}`,
            `${P} parameters (the model's layout for ${d} encoded inputs)`,
          );
        theta.set(opts.initialParameters);
      }
      const grad = new Float64Array(P);
      const opt: AdamW | null =
        optimizer === 'adamw' ? adamw(P, { learningRate: lr, weightDecay: wd, decayMask: decay }) : null;
      const batch = new Uint32Array(n);
      const x = data.x.data;
      const y = data.y;
      const rowNorm2 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 1; // the intercept's input
        for (let j = 0; j < d; j++) s += x[i * d + j]! * x[i * d + j]!;
        rowNorm2[i] = s;
      }
      const eta = new Float64Array(k);
      let bx = new Float64Array(0);
      let ws: MlpWorkspace | null = null;
      let by = new Float64Array(0);
      const expected = q * n;
      const noiseSd = sigma * C;
      const plan =
        noiseKind === 'discrete' && sigma > 0 ? planDiscreteNoise(sigma, C, P, kind === 'logistic') : null;
      const grid = plan === null ? 0 : plan.granularity;
      const gridSigma2 = plan === null ? 0 : plan.gridSigma2;
      const progressEvery = Math.max(1, Math.floor(steps / 100));
      for (let t = 0; t < steps; t++) {
        if ((t & 63) === 0) fo.signal?.throwIfAborted();
        const m = poissonSample(sampler, n, q, batch);
        grad.fill(0);
        if (m > 0) {
          if (kind === 'logistic') {
            clippedLogisticSumKernel(theta, x, d, y, k, batch, m, rowNorm2, C, eta, grad, grid);
          } else {
            if (bx.length < m * d) {
              bx = new Float64Array(Math.ceil(m * 1.5) * d);
              by = new Float64Array(Math.ceil(m * 1.5));
            }
            for (let r = 0; r < m; r++) {
              const i = batch[r]!;
              bx.set(x.subarray(i * d, i * d + d), r * d);
              by[r] = y[i]!;
            }
            if (ws === null || ws.cap < m) ws = mlpWorkspace(sizes!, Math.ceil(m * 1.5));
            clippedMlpSumKernel(sizes!, activation === 'relu', theta, bx, by, m, C, ws, grad);
          }
        }
        if (plan !== null) {
          // Integers on the grid (the logistic kernel already summed rounded per-example gradients).
          const scale = grid / expected;
          for (let j = 0; j < P; j++) {
            const onGrid = kind === 'logistic' ? grad[j]! : Math.round(grad[j]! / grid);
            grad[j] = (onGrid + sampleDiscreteGaussianInt(noise, gridSigma2)) * scale;
          }
        } else
          for (let j = 0; j < P; j++) {
            const g = noiseSd > 0 ? grad[j]! + noiseSd * normalVariate(noise) : grad[j]!;
            grad[j] = g / expected;
          }
        if (opt !== null) opt.updateInPlace(theta, grad);
        else
          for (let j = 0; j < P; j++)
            theta[j] = theta[j]! - lr * (grad[j]! + (decay[j]! ? wd * theta[j]! : 0));
        if (t % progressEvery === 0 || t === steps - 1)
          fo.onProgress?.({ label: 'dp-sgd', done: t + 1, total: steps });
      }
      // Discrete noise: the multiplier relative to the rounding-inflated norm (≥ σ, so ε ≤ the target).
      const accounted = plan === null ? sigma : plan.noiseMultiplier;
      const spent =
        sigma > 0 ? dpSgdEpsilon({ sampleRate: q, noiseMultiplier: accounted, steps, delta }) : null;
      const privacy: DpSgdPrivacy = {
        epsilon: spent === null ? null : spent.epsilon,
        delta,
        accountant: 'rdp',
        order: spent === null ? null : spent.order,
        noiseMultiplier: accounted,
        sampleRate: q,
        steps,
        maxGradNorm: Number.isFinite(C) ? C : null,
        targetEpsilon: opts.epsilon ?? null,
        noise: noiseKind,
        granularity: plan === null ? null : plan.granularity,
        accountedGradNorm: plan !== null ? plan.accountedGradNorm : Number.isFinite(C) ? C : null,
        randomness: seeded ? 'seeded' : 'crypto',
      };
      const inner: LogisticModel | MlpModel =
        kind === 'logistic'
          ? new LogisticModel({
              task,
              features: data.features,
              classes: data.classes,
              target: data.target,
              preprocessor: data.preprocessor,
              theta,
              blocks: k,
              params: { penalty: 'none', C: 1, l1Ratio: 0, lambda: 0, fitIntercept: true },
              fit: undefined,
            })
          : mlpModel!.withParameters(theta);
      return new DpSgdModel(inner, privacy, {
        optimizer,
        learningRate: lr,
        weightDecay: wd,
        epochs,
        batchSize,
      });
    },
  };
}

/** Training settings saved next to `privacy` in the model file. */
export interface DpSgdTraining {
  readonly optimizer: 'sgd' | 'adamw';
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly epochs: number;
  readonly batchSize: number;
}

/**
 * A model trained by DP-SGD: the logistic or MLP model it wraps (`inner`) plus what training
 * spent (`privacy`). It saves as the inner model's kind, so `loadModelJSON` reads it back as a
 * normal model; {@link modelPrivacy} reads the privacy record from the file.
 */
export class DpSgdModel implements SavableModel, Differentiable {
  readonly kind: string;
  readonly task: ModelTask;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly preprocessor: Preprocessor;
  readonly parameterCount: number;

  constructor(
    readonly inner: LogisticModel | MlpModel,
    readonly privacy: DpSgdPrivacy,
    readonly training: DpSgdTraining,
  ) {
    this.kind = inner.kind;
    this.task = inner.task;
    this.features = inner.features;
    this.classes = inner.classes;
    this.preprocessor = inner.preprocessor;
    this.parameterCount = inner.parameterCount;
  }

  predictProba(
    rows: Table,
    opts?: { readonly signal?: AbortSignal; readonly batchSize?: number },
  ): Promise<Float64Array> {
    return this.inner.predictProba(rows, opts);
  }
  parameters(): Float64Array {
    return this.inner.parameters();
  }
  loss(x: Matrix, y: Float64Array, weights?: Float64Array): number {
    return this.inner.loss(x, y, weights);
  }
  lossGradient(x: Matrix, y: Float64Array, weights?: Float64Array): Float64Array {
    return this.inner.lossGradient(x, y, weights);
  }
  perExampleGradients(x: Matrix, y: Float64Array): Matrix {
    return this.inner.perExampleGradients(x, y);
  }
  inputGradient(x: Matrix): Matrix {
    return this.inner.inputGradient(x);
  }
  forward(x: Matrix): Float64Array {
    return this.inner.forward(x);
  }

  toJSON(): ModelFile {
    const f = this.inner.toJSON();
    return {
      ...f,
      metadata: { ...f.metadata, privacy: { ...this.privacy }, training: { ...this.training } },
    };
  }
}

/**
 * The DP-SGD privacy record of a model file, or undefined when it was not trained privately.
 * @example modelPrivacy(JSON.parse(text)).epsilon // 2.99
 */
export function modelPrivacy(file: ModelFile): DpSgdPrivacy | undefined {
  const p = file.metadata?.privacy as Partial<DpSgdPrivacy> | undefined;
  if (typeof p !== 'object' || p === null || p.accountant !== 'rdp') return undefined;
  if (
    typeof p.noiseMultiplier !== 'number' ||
    typeof p.sampleRate !== 'number' ||
    typeof p.steps !== 'number'
  )
    throw new AequaError(
      'AEQ_MODEL_FORMAT',
      'The model file has a "metadata.privacy" record without noiseMultiplier, sampleRate and steps.',
      {
        hint: 'Re-train the model with aequa train --dp.',
      },
    );
  return p as DpSgdPrivacy;
}

// ---- kernels: typed arrays in, nothing allocated per row ---------------------------------------

/**
 * Σ over the batch of clipped per-example gradients of the logistic loss, added into `grad`.
 * Per row: r = p − onehot(y) (one block per class), gᵢ = r ⊗ [1, xᵢ], ‖gᵢ‖ = ‖r‖·√(1 + ‖xᵢ‖²)
 * (rowNorm2 holds 1 + ‖xᵢ‖²), contribution gᵢ·min(1, C/‖gᵢ‖). With `grid` > 0 each contribution
 * is rounded to the nearest multiple of `grid` and added in grid units (integers), so its norm is at
 * most C + grid·√P/2.
 */
export function clippedLogisticSumKernel(
  theta: Float64Array,
  x: Float64Array,
  d: number,
  y: Float64Array,
  k: number,
  batch: Uint32Array,
  m: number,
  rowNorm2: Float64Array,
  C: number,
  eta: Float64Array,
  grad: Float64Array,
  grid = 0,
): void {
  const q = d + 1;
  const inv = grid > 0 ? 1 / grid : 0;
  for (let r = 0; r < m; r++) {
    const i = batch[r]!;
    const row = i * d;
    if (k === 1) {
      let z = theta[0]!;
      for (let j = 0; j < d; j++) z += theta[1 + j]! * x[row + j]!;
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const res = p - y[i]!;
      const norm = Math.abs(res) * Math.sqrt(rowNorm2[i]!);
      const s = norm > C ? (res * C) / norm : res;
      if (grid > 0) {
        grad[0] = grad[0]! + Math.round(s * inv);
        for (let j = 0; j < d; j++) grad[1 + j] = grad[1 + j]! + Math.round(s * x[row + j]! * inv);
        continue;
      }
      grad[0] = grad[0]! + s;
      for (let j = 0; j < d; j++) grad[1 + j] = grad[1 + j]! + s * x[row + j]!;
      continue;
    }
    let mx = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < k; b++) {
      let z = theta[b * q]!;
      for (let j = 0; j < d; j++) z += theta[b * q + 1 + j]! * x[row + j]!;
      eta[b] = z;
      if (z > mx) mx = z;
    }
    let sum = 0;
    for (let b = 0; b < k; b++) sum += eta[b] = Math.exp(eta[b]! - mx);
    let r2 = 0;
    for (let b = 0; b < k; b++) {
      const res = eta[b]! / sum - (y[i] === b ? 1 : 0);
      eta[b] = res;
      r2 += res * res;
    }
    const norm = Math.sqrt(r2 * rowNorm2[i]!);
    const c = norm > C ? C / norm : 1;
    for (let b = 0; b < k; b++) {
      const s = eta[b]! * c;
      const o = b * q;
      if (grid > 0) {
        grad[o] = grad[o]! + Math.round(s * inv);
        for (let j = 0; j < d; j++) grad[o + 1 + j] = grad[o + 1 + j]! + Math.round(s * x[row + j]! * inv);
        continue;
      }
      grad[o] = grad[o]! + s;
      for (let j = 0; j < d; j++) grad[o + 1 + j] = grad[o + 1 + j]! + s * x[row + j]!;
    }
  }
}

/** He (ReLU hidden layers) or Glorot (tanh, output) normal initialisation, biases 0, in the MLP's layout. */
function initMlpParams(sizes: readonly number[], relu: boolean, rng: Rng): Float64Array {
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) total += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  const params = new Float64Array(total);
  let off = 0;
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const sd = relu && l < L - 1 ? Math.sqrt(2 / nin) : Math.sqrt(2 / (nin + nout));
    for (let i = 0; i < nin * nout; i++) params[off + i] = sd * normalVariate(rng);
    off += nin * nout + nout;
  }
  return params;
}
