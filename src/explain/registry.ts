/**
 * @module explain/registry
 * The attribution methods by name, what each supports, and how `method: 'auto'` chooses (shap's
 * `Explainer` dispatch, written as a table and a pure function instead of constructor mutation):
 * exact model-specific methods first (TreeSHAP, linear SHAP) when the requested link is the scale
 * the model is additive in, then exact enumeration up to 10 features, then permutation SHAP.
 */
import type { Model } from '../models/index.js';
import type { ExplainMethod, Link } from './explanation.js';
import { supportsGradients } from './gradients.js';
import { supportsLinear } from './shapley/linear.js';
import { supportsTree } from './shapley/tree.js';

/** Most features for which `auto` enumerates all coalitions exactly. */
export const AUTO_EXACT_MAX_FEATURES = 10;

/** Every method, with a one-line summary (CLI help). */
export const EXPLAIN_METHODS = {
  exact: 'exact Shapley values by enumerating all coalitions (≤ 14 features)',
  kernel: 'KernelSHAP: Shapley-kernel weighted regression over sampled coalitions',
  permutation: 'permutation SHAP: antithetic random feature orders',
  tree: 'TreeSHAP for the built-in tree and boosted trees (exact, fast)',
  linear: 'linear SHAP for linear and logistic regression (exact)',
  ig: 'integrated gradients for differentiable models (logistic, linear, mlp)',
  lime: 'LIME: a weighted ridge surrogate fitted around the row',
} as const satisfies Record<ExplainMethod, string>;

/** The scale a model-specific method is additive in, or undefined when it does not apply. */
export function naturalLink(model: Model, method: 'tree' | 'linear'): Link | undefined {
  if (method === 'tree') {
    if (!supportsTree(model)) return undefined;
    return model.kind === 'gbdt' && model.loss === 'logistic' ? 'logit' : 'identity';
  }
  if (!supportsLinear(model)) return undefined;
  return model.task === 'binary' ? 'logit' : 'identity';
}

/** Whether `method` can explain `model` (on the given link). */
export function supportsMethod(model: Model, method: ExplainMethod, link: Link = 'identity'): boolean {
  switch (method) {
    case 'tree':
    case 'linear':
      return naturalLink(model, method) === link;
    case 'ig':
      return supportsGradients(model);
    case 'lime':
      return model.task !== 'multiclass' || link === 'identity';
    default:
      return true;
  }
}

/**
 * What `method: 'auto'` picks for a model, a link and a number of explained features, and why.
 * @example chooseMethod(gbdt, { link: 'logit', features: 12 }) // { method: 'tree', reason: 'gbdt model: TreeSHAP is exact' }
 */
export function chooseMethod(
  model: Model,
  opts: { readonly link: Link; readonly features: number },
): { readonly method: ExplainMethod; readonly reason: string } {
  const kind = (model as { kind?: unknown }).kind;
  if (naturalLink(model, 'tree') === opts.link)
    return { method: 'tree', reason: `${String(kind)} model: TreeSHAP is exact` };
  if (naturalLink(model, 'linear') === opts.link)
    return { method: 'linear', reason: `${String(kind)} model: linear SHAP is exact` };
  if (opts.features <= AUTO_EXACT_MAX_FEATURES)
    return {
      method: 'exact',
      reason: `${opts.features} features ≤ ${AUTO_EXACT_MAX_FEATURES}: exact enumeration`,
    };
  return {
    method: 'permutation',
    reason: `${opts.features} features > ${AUTO_EXACT_MAX_FEATURES}: permutation SHAP (sampled, locally accurate)`,
  };
}
