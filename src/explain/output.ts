/**
 * @module explain/output
 * Which model output is explained and on which scale: P(positive) for a binary model, one class's
 * probability for a multiclass model, the value for a regression model; the identity or the logit
 * link (shap's `link` argument, Lundberg & Lee 2017, https://arxiv.org/abs/1705.07874 §4).
 */
import { AequaError, InvalidArgumentError } from '../core/index.js';
import type { Model } from '../models/index.js';
import type { Link } from './explanation.js';

/** Where the explained number sits in the model's `predictProba` output, and its scale. */
export interface OutputSpec {
  /** Numbers per row in the model's output (1, or the number of classes). */
  readonly stride: number;
  /** Index of the explained number within a row's outputs. */
  readonly index: number;
  readonly link: Link;
  /** The explained class (classification), for the record. */
  readonly className: string | undefined;
}

/** Probabilities are clamped to [ε, 1 − ε] before the logit so that 0 and 1 stay finite. */
const LOGIT_EPS = 1e-15;

/**
 * The logit, with probabilities clamped to [1e−15, 1 − 1e−15].
 * @example logit(0.5) // 0
 */
export function logit(p: number): number {
  const q = Math.min(Math.max(p, LOGIT_EPS), 1 - LOGIT_EPS);
  return Math.log(q / (1 - q));
}

/**
 * Resolves the explained output of a model.
 * @throws {AEQ_INVALID_ARGUMENT} for the logit link on a regression model, or a class index out of range.
 * @example outputSpec(binaryModel, { link: 'logit' }) // { stride: 1, index: 0, link: 'logit', className: 'yes' }
 */
export function outputSpec(
  model: Model,
  opts: { readonly link?: Link; readonly classIndex?: number } = {},
): OutputSpec {
  const link = opts.link ?? 'identity';
  if (link !== 'identity' && link !== 'logit')
    throw new InvalidArgumentError('explain', 'link', link, "'identity' or 'logit'");
  if (link === 'logit' && model.task === 'regression')
    throw new InvalidArgumentError(
      'explain',
      'link',
      link,
      "'identity' for a regression model",
      'The logit link applies to probabilities; a regression output is explained on its own scale.',
    );
  if (model.task === 'multiclass') {
    const k = model.classes.length;
    const index = opts.classIndex ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= k)
      throw new InvalidArgumentError('explain', 'classIndex', opts.classIndex, `an integer in 0..${k - 1}`);
    return { stride: k, index, link, className: model.classes[index] };
  }
  return {
    stride: 1,
    index: 0,
    link,
    className: model.task === 'binary' ? (model.classes[1] ?? model.classes[0]) : undefined,
  };
}

/**
 * Picks the explained output of `n` rows from a model's raw output and applies the link, into `out`.
 * @throws {AEQ_MODEL_OUTPUT} when the output has the wrong length or a non-finite value.
 */
export function readOutputInto(raw: Float64Array, n: number, spec: OutputSpec, out: Float64Array): void {
  if (raw.length !== n * spec.stride)
    throw new AequaError(
      'AEQ_MODEL_OUTPUT',
      `The model returned ${raw.length} numbers for ${n} rows; expected ${n * spec.stride} (${spec.stride} per row).`,
      { hint: 'A model must return one probability (or one per class) per row, in row order.' },
    );
  const logitLink = spec.link === 'logit';
  for (let i = 0, o = spec.index; i < n; i++, o += spec.stride) {
    const v = raw[o]!;
    if (!Number.isFinite(v))
      throw new AequaError(
        'AEQ_MODEL_OUTPUT',
        `The model returned ${v} for row ${i}; expected a finite number.`,
        {
          hint: 'Check the model on this input; explanations need finite outputs.',
        },
      );
    out[i] = logitLink ? logit(v) : v;
  }
}
