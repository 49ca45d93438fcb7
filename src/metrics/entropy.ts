/**
 * @module metrics/entropy
 * Generalized entropy index of individual benefits b = ŷ − y + 1 and its between/within-group
 * decomposition (Speicher et al. 2018, "A Unified Approach to Quantifying Algorithmic Unfairness",
 * KDD, https://doi.org/10.1145/3219819.3220046; AIF360 `generalized_entropy_index`). With binary
 * labels b ∈ {0, 1, 2} (FN → 0, TP and TN → 1, FP → 2), so the index is a function of confusion counts.
 */

import { Adder, InvalidArgumentError } from '../core/index.js';
import type { MetricValue, UndefinedReason } from './audit-types.js';
import { mergeConfusion } from './stats/confusion.js';
import type { Confusion } from './stats/types.js';

/** Weighted benefits of a confusion: values 0, 1, 2 with weights fn, tp + tn, fp. */
function benefits(c: Confusion): { values: number[]; weights: number[] } {
  return { values: [0, 1, 2], weights: [c.fn, c.tp + c.tn, c.fp] };
}

function checkAlpha(fn: string, alpha: number): void {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new InvalidArgumentError(
      fn,
      'alpha',
      alpha,
      'a finite number (2 by default; 1 = Theil, 0 = mean log deviation)',
    );
  }
}

/**
 * GE(α) of values b_i with weights w_i (W = Σw, μ = Σ w b / W):
 *   α ∉ {0, 1}: Σ w [(b/μ)^α − 1] / (W α (α − 1));   α = 1: Σ w (b/μ) ln(b/μ) / W;   α = 0: −Σ w ln(b/μ) / W.
 * Terms with b = 0 contribute 0 for α = 1 (0·ln 0 = 0) and (0 − 1) for α > 0; for α ≤ 0 a b = 0 with
 * positive weight makes the index undefined (ln 0, 0^α), as does μ = 0.
 */
function geOf(values: readonly number[], weights: readonly number[], alpha: number): MetricValue {
  const W = new Adder();
  const S = new Adder();
  for (let i = 0; i < values.length; i++) {
    W.add(weights[i]!);
    S.add(weights[i]! * values[i]!);
  }
  const w = W.value;
  if (!(w > 0)) return { value: null, undefinedBecause: 'zeroWeight' };
  const mu = S.value / w;
  if (!(mu > 0)) return { value: null, undefinedBecause: 'undefinedInput' };
  const acc = new Adder();
  for (let i = 0; i < values.length; i++) {
    const wi = weights[i]!;
    if (wi === 0) continue;
    const x = values[i]! / mu;
    if (x === 0 && alpha <= 0) return { value: null, undefinedBecause: 'undefinedInput' };
    if (alpha === 1) acc.add(x === 0 ? 0 : wi * x * Math.log(x));
    else if (alpha === 0) acc.add(-wi * Math.log(x));
    else acc.add(wi * (x ** alpha - 1));
  }
  const scale = alpha === 0 || alpha === 1 ? w : w * alpha * (alpha - 1);
  return { value: acc.value / scale };
}

const rowsOf = (c: Confusion): number => c.ntp + c.nfp + c.ntn + c.nfn;

/**
 * Generalized entropy index GE(α) of the benefits b = ŷ − y + 1 of one confusion, weighted.
 * 0 means every individual gets the same benefit; larger means more unequal. Undefined with
 * 'emptyGroup' (no rows), 'zeroWeight' (Σw = 0), or 'undefinedInput' when the mean benefit is 0 (every
 * row a false negative) or when α ≤ 0 and some row is a false negative (b = 0: ln 0).
 *
 * @param alpha - the inequality-aversion parameter; 2 (half the squared coefficient of variation) by default.
 * @throws {AEQ_INVALID_ARGUMENT} when alpha is not a finite number.
 * @example
 * // tp 2, tn 3, fp 1, fn 2: b = 0,0,1,1,1,1,1,2; μ = 7/8; GE(2) = ½·var/μ² = ½·(23/64)/(49/64) = 23/98
 * generalizedEntropyIndex({ tp: 2, fp: 1, tn: 3, fn: 2, ntp: 2, nfp: 1, ntn: 3, nfn: 2 }) // { value: 0.23469… }
 */
export function generalizedEntropyIndex(c: Confusion, alpha = 2): MetricValue {
  checkAlpha('generalizedEntropyIndex', alpha);
  if (rowsOf(c) === 0) return { value: null, undefinedBecause: 'emptyGroup' };
  const { values, weights } = benefits(c);
  return geOf(values, weights, alpha);
}

/**
 * Theil index: GE(1) = mean of (b/μ) ln(b/μ), with 0·ln 0 = 0.
 * @example theilIndex({ tp: 1, fp: 1, tn: 0, fn: 0, ntp: 1, nfp: 1, ntn: 0, nfn: 0 }) // b = 1, 2; μ = 1.5; ≈ 0.0566
 */
export function theilIndex(c: Confusion): MetricValue {
  return generalizedEntropyIndex(c, 1);
}

/** GE of all rows split into the part between groups and the part within them. */
export interface EntropyDecomposition {
  /** GE(α) of all rows. */
  readonly total: number | null;
  /** GE(α) with each row's benefit replaced by its group's mean benefit. */
  readonly between: number | null;
  /** Σ_g (W_g / W) (μ_g / μ)^α GE_g(α), so that total = between + within. */
  readonly within: number | null;
  readonly undefinedBecause?: UndefinedReason;
}

/**
 * Splits GE(α) over groups (Speicher et al. 2018, section 4; Shorrocks 1980): total = between + within,
 * where between is the index of the group-mean benefits (weighted by group weight) and within is
 * Σ_g (W_g/W)(μ_g/μ)^α GE_g. Groups with no weight are left out; a group whose mean benefit is 0
 * (all false negatives) contributes 0 to within for α > 0 (its members' benefits all equal its mean).
 * When the total is undefined, all three parts are null with its reason.
 *
 * @throws {AEQ_INVALID_ARGUMENT} when alpha is not a finite number.
 * @example
 * // a: b = 1,1 (μ_a = 1); b: b = 0,2 (μ_b = 1) → between 0, within = total = GE(2) of {1,1,0,2} = 0.25
 * entropyDecomposition(new Map([['a', a], ['b', b]]), 2) // { total: 0.25, between: 0, within: 0.25 }
 */
export function entropyDecomposition(
  groups: ReadonlyMap<string, Confusion>,
  alpha = 2,
): EntropyDecomposition {
  checkAlpha('entropyDecomposition', alpha);
  let all: Confusion | undefined;
  for (const c of groups.values()) all = all === undefined ? c : mergeConfusion(all, c);
  const total =
    all === undefined
      ? { value: null, undefinedBecause: 'emptyGroup' as const }
      : generalizedEntropyIndex(all, alpha);
  if (total.value === null) {
    return {
      total: null,
      between: null,
      within: null,
      undefinedBecause: total.undefinedBecause ?? 'undefinedInput',
    };
  }
  const c = all as Confusion;
  const W = c.tp + c.fp + c.tn + c.fn;
  const mu = (c.tp + c.tn + 2 * c.fp) / W;
  const means: number[] = [];
  const masses: number[] = [];
  const within = new Adder();
  for (const g of groups.values()) {
    const wg = g.tp + g.fp + g.tn + g.fn;
    if (!(wg > 0)) continue;
    const mg = (g.tp + g.tn + 2 * g.fp) / wg;
    means.push(mg);
    masses.push(wg);
    if (mg === 0) continue;
    const ge = generalizedEntropyIndex(g, alpha).value;
    // ge is defined here: wg > 0, mg > 0, and for α ≤ 0 the total would already be undefined if any b = 0.
    within.add((wg / W) * (mg / mu) ** alpha * (ge as number));
  }
  const between = geOf(means, masses, alpha).value;
  return { total: total.value, between, within: within.value };
}
