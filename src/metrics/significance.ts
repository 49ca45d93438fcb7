/**
 * @module metrics/significance
 * Tests that group rates differ, and corrections for testing many disparities at once: the pooled
 * two-proportion z test, Pearson's chi-square test of homogeneity, Holm's step-down adjustment
 * (Holm 1979, https://www.jstor.org/stable/4615733) and the Benjamini–Hochberg false discovery
 * rate adjustment (Benjamini & Hochberg 1995, https://doi.org/10.1111/j.2517-6161.1995.tb02031.x).
 */

import { InvalidArgumentError } from '../core/index.js';
import { chiSquareSf, normalCdf } from './special.js';

/** A test's statistic and two-sided p-value. */
export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * The pooled two-proportion z test of H₀: p₁ = p₂, two-sided. With p̂ = (x₁ + x₂)/(n₁ + n₂),
 * z = (x₁/n₁ − x₂/n₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)) and p = 2·Φ(−|z|). Counts need not be integers
 * (a weighted rate times a row count). When p̂ is 0 or 1 both rates are equal, and the result is
 * z = 0, p = 1. The normal approximation wants n·p̂ and n·(1 − p̂) of about 5 or more per group.
 *
 * @returns the statistic (positive when group 1's rate is higher) and p-value, or null when
 *   n₁ = 0 or n₂ = 0 (a rate is undefined).
 * @throws {AEQ_INVALID_ARGUMENT} when a count is negative or not finite, or x > n.
 * @example twoProportionZTest(30, 100, 20, 100) // { statistic: 1.6329931618554523, pValue: 0.10247043485974942 }
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): TestResult | null {
  const fn = 'twoProportionZTest';
  for (const [name, v] of [
    ['n1', n1],
    ['n2', n2],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidArgumentError(fn, name, v, 'a finite number ≥ 0');
  }
  // Tolerate x exceeding n by rounding residue (x = rate·n), as wilsonInterval does.
  if (!(x1 >= 0) || !(x1 <= n1 * (1 + 1e-9)))
    throw new InvalidArgumentError(fn, 'x1', x1, `a number in [0, n1] = [0, ${n1}]`);
  if (!(x2 >= 0) || !(x2 <= n2 * (1 + 1e-9)))
    throw new InvalidArgumentError(fn, 'x2', x2, `a number in [0, n2] = [0, ${n2}]`);
  if (n1 === 0 || n2 === 0) return null;
  const p1 = Math.min(1, x1 / n1);
  const p2 = Math.min(1, x2 / n2);
  const pooled = Math.min(1, (x1 + x2) / (n1 + n2));
  const v = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(v > 0)) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(v);
  return { statistic: z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

/**
 * Pearson's chi-square test of homogeneity for an r×c table of counts (rows = groups, columns =
 * outcomes; for rates, k×2 tables of [successes, failures]): X² = Σ (O − E)² / E with
 * E = row total · column total / N, df = (r − 1)(c − 1) over the rows and columns with a non-zero
 * total (empty groups and never-seen outcomes carry no information and are left out). Counts need
 * not be integers. The approximation wants expected counts of about 5 or more.
 *
 * @returns statistic, degrees of freedom and p-value; null when fewer than two non-empty rows or
 *   columns remain (the test is undefined: e.g. every group has rate 0).
 * @throws {AEQ_INVALID_ARGUMENT} when rows have different lengths or a count is negative or not finite.
 * @example chiSquareTest([[30, 70], [20, 80]]) // { statistic: 2.6666666666666665, df: 1, pValue: 0.10247043485974942 }
 */
export function chiSquareTest(
  table: readonly (readonly number[])[],
): { readonly statistic: number; readonly df: number; readonly pValue: number } | null {
  const fn = 'chiSquareTest';
  const c = table[0]?.length ?? 0;
  const rowTotals: number[] = [];
  const colTotals = new Array<number>(c).fill(0);
  for (let i = 0; i < table.length; i++) {
    const row = table[i]!;
    if (row.length !== c) {
      throw new InvalidArgumentError(
        fn,
        `table[${i}]`,
        `a row of length ${row.length}`,
        `a row of length ${c} (as table[0])`,
      );
    }
    let t = 0;
    for (let j = 0; j < c; j++) {
      const v = row[j]!;
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new InvalidArgumentError(fn, `table[${i}][${j}]`, v, 'a finite count ≥ 0');
      }
      t += v;
      colTotals[j]! += v;
    }
    rowTotals.push(t);
  }
  const rows = rowTotals.filter((t) => t > 0).length;
  const cols = colTotals.filter((t) => t > 0).length;
  if (rows < 2 || cols < 2) return null;
  let total = 0;
  for (const t of rowTotals) total += t;
  let x2 = 0;
  for (let i = 0; i < table.length; i++) {
    if (!(rowTotals[i]! > 0)) continue;
    for (let j = 0; j < c; j++) {
      if (!(colTotals[j]! > 0)) continue;
      const e = (rowTotals[i]! * colTotals[j]!) / total;
      const d = table[i]![j]! - e;
      x2 += (d * d) / e;
    }
  }
  const df = (rows - 1) * (cols - 1);
  return { statistic: x2, df, pValue: chiSquareSf(x2, df) };
}

function checkPValues(fn: string, p: readonly number[]): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(fn, `pValues[${i}]`, v, 'a p-value in [0, 1]');
  }
}

/** Indices of p sorted by ascending p-value (stable for ties). */
function ascending(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((a, b) => p[a]! - p[b]! || a - b);
}

/**
 * Holm's step-down adjusted p-values (Holm 1979), controlling the family-wise error rate. With
 * p₍₁₎ ≤ … ≤ p₍ₘ₎: adj₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎). Reject H₍ᵢ₎ when adj₍ᵢ₎ ≤ α.
 * Uniformly more powerful than Bonferroni, valid under any dependence.
 *
 * @param pValues - raw p-values in [0, 1], any order.
 * @returns adjusted p-values in the input order: each ≥ its raw value, ≤ 1, monotone in the raw order.
 * @throws {AEQ_INVALID_ARGUMENT} when a p-value is outside [0, 1] or NaN.
 * @example holm([0.01, 0.04, 0.03]) // [0.03, 0.06, 0.06]
 */
export function holm(pValues: readonly number[]): number[] {
  checkPValues('holm', pValues);
  const m = pValues.length;
  const out = new Array<number>(m);
  let running = 0;
  ascending(pValues).forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[idx]!));
    out[idx] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg adjusted p-values (1995), controlling the false discovery rate for
 * independent or positively dependent tests. With p₍₁₎ ≤ … ≤ p₍ₘ₎:
 * adj₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎ / j). Reject H₍ᵢ₎ when adj₍ᵢ₎ ≤ q. Never larger than Holm's.
 *
 * @param pValues - raw p-values in [0, 1], any order.
 * @returns adjusted p-values in the input order: each ≥ its raw value, ≤ 1, monotone in the raw order.
 * @throws {AEQ_INVALID_ARGUMENT} when a p-value is outside [0, 1] or NaN.
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  checkPValues('benjaminiHochberg', pValues);
  const m = pValues.length;
  const out = new Array<number>(m);
  const order = ascending(pValues);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const idx = order[rank]!;
    running = Math.min(running, (m * pValues[idx]!) / (rank + 1));
    out[idx] = running;
  }
  return out;
}
