/**
 * @module explain/gradients
 * Integrated gradients (Sundararajan, Taly & Yan 2017, "Axiomatic Attribution for Deep Networks",
 * https://arxiv.org/abs/1703.01365): φ_k = (x_k − x′_k) ∫₀¹ ∂f/∂x_k(x′ + α(x − x′)) dα, approximated by
 * the trapezoid rule over `steps` intervals, in the model's encoded space and summed per raw feature.
 * The baseline x′ is the (weighted) mean of the encoded background. Completeness says Σφ = f(x) − f(x′);
 * the remaining quadrature error is reported per row as `completenessGap` (it falls like 1/steps²
 * for smooth models). For a multiclass model the explained output is the probability of one class
 * (`classIndex`, by default each row's predicted class), with the gradient of that class along the
 * whole path.
 */
import { InvalidArgumentError } from '../core/index.js';
import type { Table } from '../data/index.js';
import type { Differentiable, Matrix, Model } from '../models/index.js';
import type { Explanation } from './explanation.js';
import { logit } from './output.js';
import type { AttributionOptions } from './shapley/common.js';
import { encodedBackground, encodedExplanation, isEncodedModel, prepareEncoded } from './shapley/encoded.js';

/** Options of {@link integratedGradients}. */
export interface IntegratedGradientsOptions extends AttributionOptions {
  /** Trapezoid intervals along the path. @default 50 */
  readonly steps?: number;
}

/**
 * Model kinds whose `inputGradient(x, { classIndex })` returns the gradient of the named class's
 * probability. The `Differentiable` contract's `inputGradient(x)` follows each row's most probable
 * class, which changes along an integration path, so multiclass IG needs this extension (the
 * multinomial logistic model does not take a class).
 */
const CLASS_GRADIENT_KINDS: ReadonlySet<string> = new Set(['mlp']);

type ClassGradient = (x: Matrix, opts: { readonly classIndex?: number }) => Matrix;

/**
 * True for built-in models with input gradients (logistic, linear, MLP) of a binary or regression
 * task, and for multiclass MLPs (whose gradient can follow one class).
 * @example supportsGradients(await mlp().fit(t, 'y')) // true
 */
export function supportsGradients(model: Model): model is Model & Differentiable {
  const m = model as Partial<Differentiable>;
  return (
    isEncodedModel(model) &&
    typeof m.inputGradient === 'function' &&
    typeof m.forward === 'function' &&
    (model.task !== 'multiclass' || CLASS_GRADIENT_KINDS.has(model.kind))
  );
}

/**
 * Integrated gradients from the background mean to each row. For a multiclass MLP each row explains
 * P(class `classIndex`), or, without `classIndex`, P(the row's predicted class); the class index
 * explained is reported per row as `diagnostics.classIndex`.
 * @throws {AEQ_INVALID_ARGUMENT} for a model without input gradients (or a multiclass model other
 *   than an MLP), a missing background, steps < 1, a class index out of range, or rows out of range.
 * @example
 * const e = await integratedGradients(mlpModel, data, { background, rows: [0], steps: 100 });
 * e.rows[0].diagnostics.completenessGap // ≈ 1e-6
 */
export async function integratedGradients(
  model: Model,
  data: Table,
  opts: IntegratedGradientsOptions = {},
): Promise<Explanation> {
  const fn = 'integratedGradients';
  if (!supportsGradients(model) || !isEncodedModel(model))
    throw new InvalidArgumentError(
      fn,
      'model',
      (model as { kind?: string }).kind ?? model.task,
      'a differentiable built-in model (logistic, linear, mlp) of a binary or regression task, or a multiclass mlp',
      "Integrated gradients need input gradients (of one class, for multiclass); use method 'permutation', 'kernel' or 'exact' for this model.",
    );
  const steps = opts.steps ?? 50;
  if (!Number.isInteger(steps) || steps < 1)
    throw new InvalidArgumentError(fn, 'steps', opts.steps, 'a positive integer');
  const multiclass = model.task === 'multiclass';
  const p0 = prepareEncoded(fn, model, data, opts);
  // Multiclass without classIndex: each row's predicted class, so no single class name for the whole.
  const p =
    multiclass && opts.classIndex === undefined ? { ...p0, spec: { ...p0.spec, className: undefined } } : p0;
  const bg = encodedBackground(fn, model, opts, p.rng, false);
  const d = p.x.cols;
  const K = multiclass ? model.classes.length : 1;
  const baseline = new Float64Array(d);
  for (let r = 0; r < bg.z.rows; r++)
    for (let k = 0; k < d; k++) baseline[k] = baseline[k]! + bg.weights[r]! * bg.z.data[r * d + k]!;
  const logitLink = p.spec.link === 'logit';
  const link = (v: number): number => (logitLink ? logit(v) : v);
  const f0 = model.forward({ rows: 1, cols: d, data: baseline });
  const nf = p.groups.names.length;
  const pts = new Float64Array((steps + 1) * d);
  const fxAll = model.forward(p.x);
  const classGradient = model.inputGradient as ClassGradient;
  const rows = Array.from(p.rowIndex, (_, i) => {
    opts.signal?.throwIfAborted();
    const xo = i * d;
    // The explained class: the one asked for, else the row's most probable class.
    let c = multiclass ? (opts.classIndex ?? 0) : 0;
    if (multiclass && opts.classIndex === undefined)
      for (let j = 1; j < K; j++) if (fxAll[i * K + j]! > fxAll[i * K + c]!) c = j;
    for (let s = 0; s <= steps; s++) {
      const a = s / steps;
      for (let k = 0; k < d; k++) pts[s * d + k] = baseline[k]! + a * (p.x.data[xo + k]! - baseline[k]!);
    }
    const path: Matrix = { rows: steps + 1, cols: d, data: pts };
    const grad = multiclass ? classGradient.call(model, path, { classIndex: c }) : model.inputGradient(path);
    const out = logitLink ? model.forward(path) : undefined;
    const avg = new Float64Array(d);
    for (let s = 0; s <= steps; s++) {
      const w = (s === 0 || s === steps ? 0.5 : 1) / steps;
      // d logit(f) = df / (f(1 − f)).
      const f = out === undefined ? 0 : out[s * K + c]!;
      const scale = out === undefined ? w : w / Math.max(f * (1 - f), 1e-300);
      for (let k = 0; k < d; k++) avg[k] = avg[k]! + scale * grad.data[s * d + k]!;
    }
    const phi = new Float64Array(nf);
    let total = 0;
    for (let k = 0; k < d; k++) {
      const a = (p.x.data[xo + k]! - baseline[k]!) * avg[k]!;
      const g = p.encGroup[k]!;
      phi[g] = phi[g]! + a;
      total += a;
    }
    const prediction = link(fxAll[i * K + c]!);
    const base = link(f0[c]!);
    opts.onProgress?.({ label: 'ig', done: i + 1, total: p.rowIndex.length });
    return {
      prediction,
      baseValue: base,
      attributions: phi,
      diagnostics: {
        completenessGap: total - (prediction - base),
        ...(multiclass ? { classIndex: c } : {}),
      },
    };
  });
  return encodedExplanation('ig', p, rows, {
    ...bg.parameters,
    steps,
    rule: 'trapezoid',
    baseline: 'background mean',
    model: model.kind,
    ...(multiclass && opts.classIndex === undefined ? { explainedClass: 'predicted' } : {}),
  });
}
