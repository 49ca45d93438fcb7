/**
 * @module bias/association
 * How strongly two categorical variables are associated, from their contingency table: mutual
 * information (Shannon 1948; Cover & Thomas, Elements of Information Theory, ch. 2) and Cramér's V
 * (Cramér, Mathematical Methods of Statistics, 1946, §21.9), V = √(χ² / (N·(min(r, c) − 1))).
 * Used to find proxies: features that carry information about a sensitive attribute.
 */
import { InvalidArgumentError } from '../core/index.js';
import { chiSquareTest } from '../metrics/index.js';

/** A contingency table of counts: rows × columns. */
export type Contingency = readonly (readonly number[])[];

function check(fn: string, table: Contingency): number {
  const c = table[0]?.length ?? 0;
  let n = 0;
  for (let i = 0; i < table.length; i++) {
    const row = table[i]!;
    if (row.length !== c)
      throw new InvalidArgumentError(fn, `table[${i}]`, `a row of length ${row.length}`, `length ${c}`);
    for (let j = 0; j < c; j++) {
      const v = row[j]!;
      if (!(v >= 0) || !Number.isFinite(v))
        throw new InvalidArgumentError(fn, `table[${i}][${j}]`, v, 'a finite count ≥ 0');
      n += v;
    }
  }
  return n;
}

/**
 * Mutual information I(X; Y) = Σᵢⱼ pᵢⱼ ln(pᵢⱼ / (pᵢ· p·ⱼ)) of the joint distribution given by the
 * table (rows = values of X, columns = values of Y), in nats. ≥ 0, 0 exactly for independent
 * variables, at most min(H(X), H(Y)).
 *
 * @returns the information in nats; 0 for an empty table.
 * @throws {AEQ_INVALID_ARGUMENT} for ragged rows or a negative or non-finite count.
 * @example mutualInformation([[2, 0], [0, 2]]) // ln 2 = 0.6931… (each variable determines the other)
 * @example mutualInformation([[1, 2], [2, 4]]) // 0 (independent)
 */
export function mutualInformation(table: Contingency): number {
  const n = check('mutualInformation', table);
  if (n === 0) return 0;
  const c = table[0]?.length ?? 0;
  const colTotals = new Float64Array(c);
  for (const row of table) for (let j = 0; j < c; j++) colTotals[j]! += row[j]!;
  let mi = 0;
  for (const row of table) {
    let r = 0;
    for (let j = 0; j < c; j++) r += row[j]!;
    if (r === 0) continue;
    for (let j = 0; j < c; j++) {
      const v = row[j]!;
      if (v > 0) mi += (v / n) * Math.log((v * n) / (r * colTotals[j]!));
    }
  }
  return Math.max(0, mi);
}

/**
 * Entropy H = −Σ pᵢ ln pᵢ of a distribution given by counts, in nats (0 for no counts).
 * @example entropy([1, 1]) // ln 2 = 0.6931…
 */
export function entropy(counts: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  if (!(n > 0)) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i]! / n;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.max(0, h);
}

/**
 * Cramér's V of a contingency table, √(χ² / (N·(min(r, c) − 1))) over the rows and columns with a
 * non-zero total: 0 for independent variables, 1 when one variable determines the other up to
 * relabelling (a perfect proxy). Without bias correction.
 *
 * @returns V in [0, 1], or null when fewer than two non-empty rows or columns remain.
 * @throws {AEQ_INVALID_ARGUMENT} for ragged rows or a negative or non-finite count.
 * @example cramersV([[5, 0], [0, 5]]) // 1
 * @example cramersV([[30, 70], [20, 80]]) // √(2.6667 / 200) = 0.11547…
 */
export function cramersV(table: Contingency): number | null {
  const n = check('cramersV', table);
  const test = chiSquareTest(table);
  if (test === null) return null;
  const c = table[0]!.length;
  let rows = 0;
  for (const row of table) if (row.some((v) => v > 0)) rows++;
  let cols = 0;
  for (let j = 0; j < c; j++) if (table.some((row) => row[j]! > 0)) cols++;
  const k = Math.min(rows, cols) - 1;
  return Math.min(1, Math.sqrt(test.statistic / (n * k)));
}
