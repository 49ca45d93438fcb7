/**
 * @module models/optim/adamw
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled Weight Decay
 * Regularization", https://arxiv.org/abs/1711.05101; Adam: Kingma & Ba 2015,
 * https://arxiv.org/abs/1412.6980). State lives in Float64Arrays; one update allocates nothing.
 * Hand-written: a few lines over typed arrays, where a tensor library would be a large dependency.
 */
import { InvalidArgumentError } from '../../core/index.js';

/** Options of {@link adamw}. */
export interface AdamWOptions {
  /** Step size α. @default 0.001 */
  readonly learningRate?: number;
  /** Decay rate of the first-moment estimate. @default 0.9 */
  readonly beta1?: number;
  /** Decay rate of the second-moment estimate. @default 0.999 */
  readonly beta2?: number;
  /** Added to √v̂ to avoid division by zero. @default 1e-8 */
  readonly epsilon?: number;
  /** Decoupled weight decay λ (applied as lr·λ·θ, not through the gradient). @default 0.01 */
  readonly weightDecay?: number;
  /**
   * Which parameters are decayed (1) and which are not (0), e.g. 0 for biases; length = size.
   * @default every parameter decayed
   */
  readonly decayMask?: Uint8Array;
}

/** An AdamW optimiser over a fixed number of parameters. */
export interface AdamW {
  /** Number of parameters. */
  readonly size: number;
  /** Number of updates made so far (t in the paper). */
  readonly steps: number;
  /**
   * One update of `params` in place from the gradient `grad` (both of length `size`):
   * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
   * θ ← θ − lr·(m̂/(√v̂+ε) + λθ). `learningRate` overrides the configured step size (schedules).
   */
  updateInPlace(params: Float64Array, grad: Float64Array, learningRate?: number): void;
  /** Copies of the moment estimates (for tests and checkpoints). */
  moments(): { readonly m: Float64Array; readonly v: Float64Array };
  /** Forgets the moments and the step count. */
  reset(): void;
}

function checkRate(name: string, x: number, lo: number, hi: number, loOpen: boolean, hiOpen: boolean): void {
  const okLo = loOpen ? x > lo : x >= lo;
  const okHi = hiOpen ? x < hi : x <= hi;
  if (!(okLo && okHi) || !Number.isFinite(x)) {
    throw new InvalidArgumentError(
      'adamw',
      name,
      x,
      `a number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`,
    );
  }
}

/**
 * Creates an AdamW optimiser for `size` parameters.
 *
 * Update at step t for each parameter i (with decay mask dᵢ ∈ {0, 1}):
 * mᵢ ← β₁mᵢ + (1−β₁)gᵢ; vᵢ ← β₂vᵢ + (1−β₂)gᵢ²;
 * θᵢ ← θᵢ − lr·( (mᵢ/(1−β₁ᵗ)) / (√(vᵢ/(1−β₂ᵗ)) + ε) + dᵢ·λ·θᵢ ).
 * The decay uses θ before the step, as in the paper's Algorithm 2 (line 12).
 *
 * Use it for mini-batch training of neural networks; for small convex problems a second-order
 * solver (Newton, L-BFGS) converges faster and exactly.
 *
 * @param size - number of parameters, an integer ≥ 0.
 * @throws {AEQ_INVALID_ARGUMENT} for a bad size, rate, β outside [0, 1), ε ≤ 0, λ < 0, or a mask of the wrong length.
 * @example
 * const opt = adamw(1, { learningRate: 0.1, weightDecay: 0 });
 * const theta = new Float64Array([1]);
 * opt.updateInPlace(theta, new Float64Array([2]));
 * theta[0] // 0.9000000005 (the first step moves by lr·g/(|g|+ε) ≈ lr)
 */
export function adamw(size: number, opts: AdamWOptions = {}): AdamW {
  if (!Number.isInteger(size) || size < 0)
    throw new InvalidArgumentError('adamw', 'size', size, 'an integer ≥ 0');
  const lr0 = opts.learningRate ?? 1e-3;
  const beta1 = opts.beta1 ?? 0.9;
  const beta2 = opts.beta2 ?? 0.999;
  const eps = opts.epsilon ?? 1e-8;
  const lambda = opts.weightDecay ?? 1e-2;
  checkRate('learningRate', lr0, 0, Number.MAX_VALUE, true, false);
  checkRate('beta1', beta1, 0, 1, false, true);
  checkRate('beta2', beta2, 0, 1, false, true);
  checkRate('epsilon', eps, 0, Number.MAX_VALUE, true, false);
  checkRate('weightDecay', lambda, 0, Number.MAX_VALUE, false, false);
  const mask = opts.decayMask;
  if (mask !== undefined && mask.length !== size) {
    throw new InvalidArgumentError('adamw', 'decayMask', `length ${mask.length}`, `of length ${size} (size)`);
  }
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let t = 0;
  // β^t kept as running products: exact enough and avoids Math.pow every step.
  let b1t = 1;
  let b2t = 1;

  return {
    size,
    get steps() {
      return t;
    },
    updateInPlace(params: Float64Array, grad: Float64Array, learningRate?: number): void {
      if (params.length !== size || grad.length !== size) {
        throw new InvalidArgumentError(
          'AdamW.updateInPlace',
          params.length !== size ? 'params' : 'grad',
          `length ${params.length !== size ? params.length : grad.length}`,
          `of length ${size}`,
        );
      }
      const lr = learningRate ?? lr0;
      t++;
      b1t *= beta1;
      b2t *= beta2;
      const c1 = 1 / (1 - b1t);
      const c2 = 1 / (1 - b2t);
      const om1 = 1 - beta1;
      const om2 = 1 - beta2;
      for (let i = 0; i < size; i++) {
        const g = grad[i]!;
        const mi = beta1 * m[i]! + om1 * g;
        const vi = beta2 * v[i]! + om2 * g * g;
        m[i] = mi;
        v[i] = vi;
        const th = params[i]!;
        const decay = mask === undefined || mask[i] === 1 ? lambda * th : 0;
        params[i] = th - lr * ((mi * c1) / (Math.sqrt(vi * c2) + eps) + decay);
      }
    },
    moments() {
      return { m: m.slice(), v: v.slice() };
    },
    reset() {
      m.fill(0);
      v.fill(0);
      t = 0;
      b1t = 1;
      b2t = 1;
    },
  };
}
