/**
 * @module privacy/secagg/federated
 * What secure aggregation is used for: federated averaging of model updates (McMahan et al. 2017,
 * https://arxiv.org/abs/1602.05629: the server needs only Σ nₖ·θₖ and Σ nₖ) and a federated
 * fairness audit (the parties' per-group confusion counts summed, so the auditor sees the pooled
 * counts and no party's own). Each pair of functions turns a party's contribution into the flat
 * vector that is aggregated, and the aggregate back into the result.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Confusion } from '../../metrics/index.js';

/**
 * A party's federated-averaging contribution: [n·θ₁ … n·θ_P, n] for its parameters θ and weight n
 * (usually its number of rows).
 * @example fedAvgInput(Float64Array.of(1, 2), 10) // Float64Array [10, 20, 10]
 */
export function fedAvgInput(params: Float64Array, weight: number): Float64Array {
  if (!(weight > 0 && Number.isFinite(weight)))
    throw new InvalidArgumentError('fedAvgInput', 'weight', weight, 'a finite number > 0');
  const out = new Float64Array(params.length + 1);
  for (let j = 0; j < params.length; j++) out[j] = weight * params[j]!;
  out[params.length] = weight;
  return out;
}

/**
 * The weighted average Σ nₖθₖ / Σ nₖ from the aggregated contributions.
 * @example fedAvgResult(Float64Array.of(30, 60, 30)) // Float64Array [1, 2]
 */
export function fedAvgResult(sum: Float64Array): Float64Array {
  const P = sum.length - 1;
  const w = sum[P]!;
  if (!(w > 0))
    throw new InvalidArgumentError('fedAvgResult', 'sum', `total weight ${w}`, 'a positive total weight');
  const out = new Float64Array(P);
  for (let j = 0; j < P; j++) out[j] = sum[j]! / w;
  return out;
}

const CELLS = ['tp', 'fp', 'tn', 'fn', 'ntp', 'nfp', 'ntn', 'nfn'] as const;

/**
 * A party's per-group confusion counts as [tp, fp, tn, fn, ntp, nfp, ntn, nfn] per group (weighted
 * and raw), in the agreed group order (groups the party lacks count 0).
 * @example confusionInput(['F'], { F: confusion }).length // 8
 */
export function confusionInput(
  groups: readonly string[],
  counts: Readonly<Record<string, Confusion>>,
): Float64Array {
  const known = new Set(groups);
  for (const g of Object.keys(counts))
    if (!known.has(g))
      throw new InvalidArgumentError(
        'confusionInput',
        'counts',
        g,
        `a group of the agreed list (${groups.join(', ')})`,
        'Every party must use the same group list.',
      );
  const out = new Float64Array(groups.length * CELLS.length);
  groups.forEach((g, i) => {
    const c = counts[g];
    if (c === undefined) return;
    CELLS.forEach((k, j) => {
      out[i * CELLS.length + j] = c[k];
    });
  });
  return out;
}

/**
 * The pooled per-group confusion counts from the aggregate.
 * @example confusionResult(['F'], Float64Array.of(1, 2, 3, 4, 1, 2, 3, 4)).F.fp // 2
 */
export function confusionResult(groups: readonly string[], sum: Float64Array): Record<string, Confusion> {
  const m = CELLS.length;
  if (sum.length !== groups.length * m)
    throw new InvalidArgumentError(
      'confusionResult',
      'sum',
      `length ${sum.length}`,
      `${m} counts per group (${groups.length * m})`,
    );
  const out: Record<string, Confusion> = {};
  groups.forEach((g, i) => {
    const o = i * m;
    out[g] = {
      tp: sum[o]!,
      fp: sum[o + 1]!,
      tn: sum[o + 2]!,
      fn: sum[o + 3]!,
      ntp: sum[o + 4]!,
      nfp: sum[o + 5]!,
      ntn: sum[o + 6]!,
      nfn: sum[o + 7]!,
    };
  });
  return out;
}
