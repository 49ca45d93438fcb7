/**
 * @module explain/shapley/linear
 * Linear SHAP (Lundberg & Lee 2017, https://arxiv.org/abs/1705.07874, "Linear SHAP"): for a model
 * linear in its encoded inputs, f(x) = b + Σ_k β_k x_k, under feature independence the Shapley
 * value of encoded column k is β_k (x_k − E[x_k]); a raw feature's value is the sum over its encoded
 * columns (one-hot levels, missing indicator). Exact in the model's linear scale: the value of a ridge
 * regression, the log-odds (logit link) of a binary logistic regression.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { LinearModel, LogisticModel, type Model } from '../../models/index.js';
import type { Explanation } from '../explanation.js';
import type { AttributionOptions } from './common.js';
import { encodedBackground, encodedExplanation, prepareEncoded } from './encoded.js';

/**
 * True for the models linear SHAP explains: a ridge regression, or a binary logistic regression.
 * @example supportsLinear(await logisticRegression().fit(t, 'y')) // true
 */
export function supportsLinear(model: Model): model is LinearModel | LogisticModel {
  return model instanceof LinearModel || (model instanceof LogisticModel && model.task === 'binary');
}

/**
 * Linear SHAP: β_k (x_k − mean_k) summed per raw feature, with the background's (weighted) mean.
 * Base value b + β·mean, prediction b + β·x (log-odds for logistic regression).
 * @throws {AEQ_INVALID_ARGUMENT} for a model that is not linear, the identity link on a logistic model
 *   (its probabilities are not linear), a missing background, or rows out of range.
 * @example
 * const e = await linearShap(logit, data, { background, rows: [0] });
 * e.rows[0].attributions // Float64Array [β_age·(age − mean age)/sd, …] in log-odds
 */
export async function linearShap(
  model: Model,
  data: Table,
  opts: AttributionOptions = {},
): Promise<Explanation> {
  const fn = 'linearShap';
  if (!supportsLinear(model))
    throw new InvalidArgumentError(
      fn,
      'model',
      (model as { kind?: string }).kind ?? model.task,
      'a linear regression or a binary logistic regression',
      "Use method 'permutation', 'kernel' or 'exact' for other models.",
    );
  const logistic = model instanceof LogisticModel;
  const link = opts.link ?? (logistic ? 'logit' : 'identity');
  if (logistic && link !== 'logit')
    throw new InvalidArgumentError(
      fn,
      'link',
      link,
      "'logit' for a logistic regression (it is linear in the log-odds)",
      "Pass --link logit, or use method 'permutation' or 'exact' for attributions of the probability.",
    );
  const p = prepareEncoded(fn, model, data, { ...opts, link });
  const bg = encodedBackground(fn, model, opts, p.rng, false);
  const beta = logistic ? model.coefficients(0) : model.coefficients;
  const b0 = logistic ? model.intercept[0]! : model.intercept;
  const d = p.x.cols;
  const mean = new Float64Array(d);
  for (let r = 0; r < bg.z.rows; r++) {
    const w = bg.weights[r]!;
    for (let k = 0; k < d; k++) mean[k] = mean[k]! + w * bg.z.data[r * d + k]!;
  }
  let base = b0;
  for (let k = 0; k < d; k++) base += beta[k]! * mean[k]!;
  const nf = p.groups.names.length;
  const rows = Array.from(p.rowIndex, (_, i) => {
    const phi = new Float64Array(nf);
    let pred = b0;
    for (let k = 0; k < d; k++) {
      const xk = p.x.data[i * d + k]!;
      pred += beta[k]! * xk;
      const g = p.encGroup[k]!;
      phi[g] = phi[g]! + beta[k]! * (xk - mean[k]!);
    }
    return { prediction: pred, baseValue: base, attributions: phi };
  });
  return encodedExplanation('linear', p, rows, { ...bg.parameters, model: model.kind });
}
