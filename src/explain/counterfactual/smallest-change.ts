/**
 * @module explain/counterfactual/smallest-change
 * "What is the smallest change that flips this decision?": the sparsest valid counterfactual (fewest
 * features changed, then the closest by MAD-scaled distance) from the DiCE-style search
 * (Mothilal et al. 2020, https://arxiv.org/abs/1905.07697).
 */
import type { Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import { type CounterfactualSearchOptions, type CounterfactualSet, searchCounterfactuals } from './dice.js';

/**
 * The K = 1 sparsest valid counterfactual (ties broken by proximity). Same search, options and
 * errors as `counterfactuals`, but the pick ignores diversity; `k` > 1 returns the k sparsest.
 *
 * @throws {AEQ_EXPLAIN_NO_COUNTERFACTUAL} when the search finds no valid counterfactual.
 * @example
 * const s = await smallestChange(model, table.take(Uint32Array.of(7)), { data: table, immutable: ['age'] });
 * s.counterfactuals[0].changes // [{ feature: 'income', from: 21000, to: 26500 }]
 */
export function smallestChange(
  model: Model,
  query: Table,
  opts: Omit<CounterfactualSearchOptions, 'k'> & { readonly k?: number },
): Promise<CounterfactualSet> {
  return searchCounterfactuals('smallestChange', model, query, opts, 'sparsest');
}
