/**
 * @module explain/explain
 * `explain()` and `createExplainer()`: one entry point over the attribution methods. The explainer is
 * a plain value whose `method` and `reason` record what `auto` chose (a factory, not a class that
 * mutates itself as shap's `Explainer` does); see registry.ts for the choice.
 */
import { InvalidArgumentError } from '../core/index.js';
import type { Table } from '../data/index.js';
import type { Model } from '../models/index.js';
import type { ExplainMethod, Explanation, Link } from './explanation.js';
import { integratedGradients } from './gradients.js';
import { lime } from './lime.js';
import { resolveGroups } from './maskers/features.js';
import { chooseMethod, EXPLAIN_METHODS } from './registry.js';
import type { AttributionOptions } from './shapley/common.js';
import { exactShapley } from './shapley/exact.js';
import { kernelShap } from './shapley/kernel.js';
import { linearShap } from './shapley/linear.js';
import { permutationShap } from './shapley/permutation.js';
import { treeShap } from './shapley/tree.js';

/** Options of {@link explain} and {@link createExplainer}. */
export interface ExplainOptions extends Omit<AttributionOptions, 'rows'> {
  /** @default 'auto' */
  readonly method?: 'auto' | ExplainMethod;
  /** Coalitions per row (kernel, permutation) or perturbed samples (lime). @default 2·d + 2048 (lime 5000) */
  readonly nsamples?: number;
  /** Integrated-gradients intervals. @default 50 */
  readonly steps?: number;
  /** TreeSHAP mode. @default interventional with a background, else path-dependent */
  readonly treeMode?: 'path-dependent' | 'interventional';
  /** LIME: features kept in the surrogate. @default min(10, d) */
  readonly topK?: number;
  /** LIME: how rows are perturbed. @default 'quartile' */
  readonly sampling?: 'quartile' | 'continuous';
}

/** An explainer bound to a model, with the method it will use. */
export interface Explainer {
  readonly method: ExplainMethod;
  /** Why this method (what `auto` saw), or 'requested'. */
  readonly reason: string;
  readonly link: Link;
  explain(data: Table, opts?: { readonly rows?: readonly number[] }): Promise<Explanation>;
}

/** The method implementations. */
const RUNNERS: Record<
  ExplainMethod,
  (model: Model, data: Table, opts: ExplainOptions & AttributionOptions) => Promise<Explanation>
> = {
  exact: exactShapley,
  kernel: kernelShap,
  permutation: permutationShap,
  tree: treeShap,
  linear: linearShap,
  ig: integratedGradients,
  lime,
};

/**
 * An explainer for `model`: resolves `method: 'auto'` now, explains rows later.
 * @throws {AEQ_INVALID_ARGUMENT} for an unknown method or link.
 * @example createExplainer(gbdt, { link: 'logit' }).method // 'tree'
 */
export function createExplainer(model: Model, opts: ExplainOptions = {}): Explainer {
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && !(method in EXPLAIN_METHODS))
    throw new InvalidArgumentError(
      'explain',
      'method',
      method,
      `'auto' or one of ${Object.keys(EXPLAIN_METHODS).join(', ')}`,
    );
  const link = opts.link ?? 'identity';
  if (link !== 'identity' && link !== 'logit')
    throw new InvalidArgumentError('explain', 'link', link, "'identity' or 'logit'");
  const features = resolveGroups(model.features, opts.groups).names.length;
  const chosen =
    method === 'auto' ? chooseMethod(model, { link, features }) : { method, reason: 'requested' };
  return {
    method: chosen.method,
    reason: chosen.reason,
    link,
    async explain(data, rowOpts = {}) {
      const e = await RUNNERS[chosen.method](model, data, {
        ...opts,
        link,
        ...(rowOpts.rows === undefined ? {} : { rows: rowOpts.rows }),
      });
      return {
        ...e,
        parameters: { ...e.parameters, requestedMethod: method, reason: chosen.reason },
      };
    },
  };
}

/**
 * Explains rows of `data` with `model`: local attributions that add up from the base value to the
 * prediction (on the `link` scale).
 * @throws {AEQ_INVALID_ARGUMENT} for an unknown method, a method the model does not support, a missing
 *   background, or rows out of range; {AEQ_MODEL_FEATURES} when the data or background lacks a feature.
 * @example
 * const e = await explain(model, adult, { background: adult.take(sample), rows: [0, 5, 9] });
 * e.method // 'tree' (gbdt, link logit) or 'permutation' (a 12-feature black box) …
 */
export async function explain(
  model: Model,
  data: Table,
  opts: ExplainOptions & { readonly rows?: readonly number[] } = {},
): Promise<Explanation> {
  return createExplainer(model, opts).explain(data, opts.rows === undefined ? {} : { rows: opts.rows });
}
