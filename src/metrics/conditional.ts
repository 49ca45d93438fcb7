/**
 * @module metrics/conditional
 * Conditional demographic disparity (Wachter, Mittelstadt & Russell 2021, "Why fairness cannot be
 * automated", Computer Law & Security Review 41, https://doi.org/10.1016/j.clsr.2021.105567): a
 * group's share among the rejected minus its share among the accepted, averaged over the strata of
 * control features weighted by stratum size, so that a gap explained by the control disappears.
 */

import type { ConditionalResult, Convention, MetricValue } from './audit-types.js';
import { applyUndefinedRate, selectionRate } from './base.js';
import { difference } from './disparity.js';
import type { Confusion } from './stats/types.js';

/**
 * Conditional demographic disparity of every group, and the demographic parity difference inside
 * every stratum. "Accepted" means predicted positive (ŷ = 1, the favourable decision); all sums weighted.
 *
 * - DD_g,s = rejected_g,s / rejected_s − accepted_g,s / accepted_s (> 0: the group is over-represented
 *   among the rejected of stratum s). A group with no rows in s has DD_g,s = 0.
 * - CDD_g = Σ_s (n_s / N) DD_g,s over the strata where DD is defined (some accepted and some rejected
 *   rows), N = Σ n_s over those strata; null when no stratum qualifies. Σ_g CDD_g = 0.
 * - byStratum[s].demographicParityDifference: the selection-rate difference under `convention`
 *   among the groups present in s (undefined groups skipped; null if the convention needs the
 *   reference and it is absent from s). `count` is the stratum's raw row count.
 *
 * Strata are listed in key order (a stable order whatever the producer's cell order).
 *
 * @param cells - group → stratum → confusion (stratum keys as made by `groupKey`).
 * @param convention - how the per-stratum difference is formed.
 * @param reference - the reference group, for reference-based conventions.
 * @param control - the control feature name(s), copied into the result.
 * @example
 * // stratum x: a 2 of 4 accepted, b 1 of 4; stratum y: a 1 of 2, b 0 of 2 (12 rows)
 * // x: accepted 3 (a 2/3), rejected 5 (a 2/5) → DD_a,x = 2/5 − 2/3 = −4/15; y: DD_a,y = 1/3 − 1 = −2/3
 * // CDD_a = (8/12)(−4/15) + (4/12)(−2/3) = −8/45 − 10/45 = −2/5; CDD_b = +2/5
 * conditionalDisparities(cells, CONVENTIONS.aequa, 'a', ['dept']).conditionalDemographicDisparity
 * // { a: -0.4, b: 0.4 }
 */
export function conditionalDisparities(
  cells: ReadonlyMap<string, ReadonlyMap<string, Confusion>>,
  convention: Convention,
  reference: string,
  control: readonly string[] = [],
): ConditionalResult {
  const groups = [...cells.keys()];
  const strataSet = new Set<string>();
  for (const m of cells.values()) for (const s of m.keys()) strataSet.add(s);
  const strata = [...strataSet].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  const cddSum = new Map<string, number>(groups.map((g) => [g, 0]));
  let weightSum = 0;
  const byStratum: Record<string, { count: number; demographicParityDifference: number | null }> = {};

  for (const s of strata) {
    let accepted = 0;
    let rejected = 0;
    let rows = 0;
    const rates = new Map<string, MetricValue>();
    for (const g of groups) {
      const c = cells.get(g)!.get(s);
      const n = c === undefined ? 0 : c.ntp + c.nfp + c.ntn + c.nfn;
      if (c !== undefined) {
        accepted += c.tp + c.fp;
        rejected += c.tn + c.fn;
        rows += n;
      }
      if (n > 0) rates.set(g, applyUndefinedRate(selectionRate(c!), convention));
      else if (g === reference) rates.set(g, { value: null, undefinedBecause: 'emptyGroup' });
    }
    const dpd =
      convention.difference !== 'maxMinusMin' && !rates.has(reference)
        ? null
        : difference(rates, { convention, reference, metric: 'selectionRate', onUndefined: 'skip' }).value;
    byStratum[s] = { count: rows, demographicParityDifference: dpd };
    if (!(accepted > 0 && rejected > 0)) continue;
    const ns = accepted + rejected;
    weightSum += ns;
    for (const g of groups) {
      const c = cells.get(g)!.get(s);
      if (c === undefined) continue;
      const dd = (c.tn + c.fn) / rejected - (c.tp + c.fp) / accepted;
      cddSum.set(g, cddSum.get(g)! + ns * dd);
    }
  }

  const cdd: Record<string, number | null> = {};
  for (const g of groups) cdd[g] = weightSum > 0 ? cddSum.get(g)! / weightSum : null;
  return { control: [...control], conditionalDemographicDisparity: cdd, byStratum };
}
