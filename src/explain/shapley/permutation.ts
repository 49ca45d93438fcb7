/**
 * @module explain/shapley/permutation
 * Permutation SHAP: the Shapley value as the mean marginal contribution over random feature orders
 * (Castro, Gómez & Tejada 2009, https://doi.org/10.1016/j.cor.2008.04.004; Štrumbelj & Kononenko
 * 2014, https://doi.org/10.1007/s10115-013-0679-x), each order paired with its reverse (antithetic
 * sampling, as in shap's PermutationExplainer). Every order telescopes from v(∅) to v(all), so local
 * accuracy holds exactly whatever the number of orders.
 */
import { InvalidArgumentError, type Rng, randomInt } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import type { Explanation } from '../explanation.js';
import { type AttributionOptions, prepareBlackBox, runRows } from './common.js';

/** Options of {@link permutationShap}. */
export interface PermutationShapOptions extends AttributionOptions {
  /** Coalition budget per row, used to set the number of orders. @default 2·d + 2048 */
  readonly nsamples?: number;
  /** Antithetic pairs of orders (each costs 2(d − 1) coalitions). @default ⌈nsamples / (2(d − 1))⌉ */
  readonly npermutations?: number;
}

/**
 * Random orders and their reverses, as prefix masks: for each order 2(d − 1) masks (the prefixes of
 * lengths 1..d−1 of the order, then of its reverse).
 */
export function permutationDesign(
  d: number,
  pairs: number,
  rng: Rng,
): { readonly orders: Int32Array; readonly masks: Uint8Array; readonly m: number } {
  const L = Math.max(d - 1, 0);
  const m = 2 * pairs * L;
  const orders = new Int32Array(2 * pairs * d);
  const masks = new Uint8Array(m * d);
  const perm = Int32Array.from({ length: d }, (_, j) => j);
  for (let p = 0; p < pairs; p++) {
    for (let t = d - 1; t > 0; t--) {
      const r = randomInt(rng, t + 1);
      const tmp = perm[t]!;
      perm[t] = perm[r]!;
      perm[r] = tmp;
    }
    for (let dir = 0; dir < 2; dir++) {
      const o = (2 * p + dir) * d;
      for (let t = 0; t < d; t++) orders[o + t] = dir === 0 ? perm[t]! : perm[d - 1 - t]!;
      const base = (2 * p + dir) * L;
      for (let k = 0; k < L; k++) {
        const row = (base + k) * d;
        if (k > 0) masks.copyWithin(row, row - d, row);
        masks[row + orders[o + k]!] = 1;
      }
    }
  }
  return { orders, masks, m };
}

/**
 * Permutation SHAP over a background (summarised by weighted k-means above `maxBackground` rows).
 * @throws {AEQ_INVALID_ARGUMENT} for a missing background, rows out of range, or a bad budget.
 * @throws {AEQ_MODEL_FEATURES} when the data or the background lacks a model column.
 * @example
 * const e = await permutationShap(model, data, { background, rows: [3], seed: 1 });
 * e.rows[0].attributions // Σ = prediction − baseValue (exactly, up to rounding)
 */
export async function permutationShap(
  model: Model,
  data: Table,
  opts: PermutationShapOptions = {},
): Promise<Explanation> {
  const fn = 'permutationShap';
  const p = prepareBlackBox(fn, model, data, opts);
  const d = p.groups.names.length;
  const nsamples = opts.nsamples ?? 2 * d + 2048;
  if (!Number.isInteger(nsamples) || nsamples < 1)
    throw new InvalidArgumentError(fn, 'nsamples', opts.nsamples, 'a positive integer');
  const pairs = opts.npermutations ?? Math.max(1, Math.ceil(nsamples / (2 * Math.max(d - 1, 1))));
  if (!Number.isInteger(pairs) || pairs < 1)
    throw new InvalidArgumentError(fn, 'npermutations', opts.npermutations, 'a positive integer');
  const design = permutationDesign(d, pairs, p.rng.fork('permutation'));
  const L = Math.max(d - 1, 0);
  const e = await runRows('permutation', p, opts, async (i, prediction, base) => {
    const v = design.m > 0 ? await p.game.evaluate(i, design.masks, design.m) : new Float64Array(0);
    const phi = new Float64Array(d);
    for (let o = 0; o < 2 * pairs; o++) {
      let prev = base;
      for (let k = 0; k < d; k++) {
        const cur = k < L ? v[o * L + k]! : prediction;
        const j = design.orders[o * d + k]!;
        phi[j] = phi[j]! + (cur - prev);
        prev = cur;
      }
    }
    for (let j = 0; j < d; j++) phi[j] = phi[j]! / (2 * pairs);
    return phi;
  });
  return {
    ...e,
    parameters: { ...e.parameters, npermutations: pairs, antithetic: true, coalitions: design.m },
  };
}
