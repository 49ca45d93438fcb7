/**
 * @module explain/shapley/exact
 * Exact Shapley values by enumerating all 2^d coalitions of the interventional game (Shapley 1953,
 * "A value for n-person games"; Lundberg & Lee 2017, https://arxiv.org/abs/1705.07874, eq. 4):
 * φ_j = Σ_{S ⊆ F∖{j}} |S|!(d−|S|−1)!/d! · (v(S ∪ {j}) − v(S)). The reference the sampling methods are
 * tested against; refused above 14 features (2^14 coalitions × background rows per explained row).
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import type { Explanation } from '../explanation.js';
import { type AttributionOptions, prepareBlackBox, runRows } from './common.js';

/** Most features exact enumeration accepts. */
export const EXACT_MAX_FEATURES = 14;

/** 1 / (d · C(d−1, s)) = s!(d−s−1)!/d!, for s = 0..d−1. */
export function shapleyWeights(d: number): Float64Array {
  const w = new Float64Array(d);
  let c = 1; // C(d−1, s)
  for (let s = 0; s < d; s++) {
    w[s] = 1 / (d * c);
    c = (c * (d - 1 - s)) / (s + 1);
  }
  return w;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Shapley values of a game given as v[S] for every bitmask S (bit j = feature j), length 2^d.
 * @example shapleyFromValues(Float64Array.of(0, 1, 2, 4), 2) // Float64Array [1.5, 2.5]
 */
export function shapleyFromValues(v: Float64Array, d: number): Float64Array {
  const w = shapleyWeights(d);
  const phi = new Float64Array(d);
  const full = 1 << d;
  for (let j = 0; j < d; j++) {
    const bit = 1 << j;
    let acc = 0;
    for (let s = 0; s < full; s++) {
      if (s & bit) continue;
      acc += w[popcount(s)]! * (v[s | bit]! - v[s]!);
    }
    phi[j] = acc;
  }
  return phi;
}

/**
 * Exact (interventional) Shapley values by enumeration over a background.
 * @throws {AEQ_INVALID_ARGUMENT} for more than 14 features (use kernelShap or permutationShap), a missing
 *   background, or a row index out of range.
 * @throws {AEQ_MODEL_FEATURES} when the data or the background lacks a model column.
 * @example
 * const e = await exactShapley(model, data, { background, rows: [0] });
 * e.rows[0].baseValue + sum(e.rows[0].attributions) // e.rows[0].prediction (to rounding)
 */
export async function exactShapley(
  model: Model,
  data: Table,
  opts: AttributionOptions = {},
): Promise<Explanation> {
  const fn = 'exactShapley';
  const p = prepareBlackBox(fn, model, data, opts);
  const d = p.groups.names.length;
  if (d > EXACT_MAX_FEATURES)
    throw new InvalidArgumentError(
      fn,
      'features',
      d,
      `at most ${EXACT_MAX_FEATURES} features for exact enumeration (2^${d} coalitions is too many)`,
      "Use method 'permutation' or 'kernel' (sampling estimates with local accuracy enforced), or merge columns with groups.",
    );
  const full = 1 << d;
  const m = full - 2;
  const masks = new Uint8Array(m * d);
  for (let s = 1; s < full - 1; s++) for (let j = 0; j < d; j++) masks[(s - 1) * d + j] = (s >>> j) & 1;
  const v = new Float64Array(full);
  const e = await runRows('exact', p, opts, async (i, prediction, base) => {
    const vals = m > 0 ? await p.game.evaluate(i, masks, m) : new Float64Array(0);
    v.set(vals, 1);
    v[0] = base;
    v[full - 1] = prediction;
    return shapleyFromValues(v, d);
  });
  return { ...e, parameters: { ...e.parameters, coalitions: full } };
}
