/**
 * @module privacy/analytics/contribution
 * Contribution bounding: keep at most k rows per person (chosen uniformly at random among that
 * person's rows), so that adding or removing one person changes any count by at most k. This is the
 * "bounded user contribution" step of Wilson et al. 2020, "Differentially Private SQL with Bounded User
 * Contribution", https://arxiv.org/abs/1909.01917.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { cellString, type Table } from '../../data/index.js';
import { defaultRandomSource, type RandomSource, uniformBigInt } from '../mechanisms/index.js';

/** Options of {@link boundContributions}. */
export interface ContributionOptions {
  /** Column identifying the person each row belongs to. */
  readonly idColumn: string;
  /** Largest number of rows kept per person (k ≥ 1). */
  readonly maxRowsPerPerson: number;
  readonly source?: RandomSource;
}

/** The rows kept and the per-person bound that every DP query on them must use as its multiplier. */
export interface BoundedRows {
  readonly table: Table;
  readonly maxRowsPerPerson: number;
  /** Number of distinct people seen (not private: do not release). */
  readonly people: number;
  /** Rows dropped by the bound (not private: do not release). */
  readonly dropped: number;
}

/**
 * Keeps at most `maxRowsPerPerson` rows of each person (rows with a missing id are dropped: they
 * cannot be attributed). The choice among a person's rows is uniform, so no row order leaks.
 * @example boundContributions(t, { idColumn: 'patient', maxRowsPerPerson: 2 }).table.nrows
 * // ≤ 2 × the number of patients
 */
export function boundContributions(table: Table, o: ContributionOptions): BoundedRows {
  const fn = 'boundContributions';
  if (!Number.isInteger(o.maxRowsPerPerson) || o.maxRowsPerPerson < 1)
    throw new InvalidArgumentError(fn, 'maxRowsPerPerson', o.maxRowsPerPerson, 'an integer ≥ 1');
  const col = table.column(o.idColumn, 'id column');
  const src = o.source ?? defaultRandomSource();
  const byPerson = new Map<string, number[]>();
  for (let i = 0; i < table.nrows; i++) {
    const id = cellString(col, i);
    if (id === null) continue;
    let rows = byPerson.get(id);
    if (rows === undefined) {
      rows = [];
      byPerson.set(id, rows);
    }
    rows.push(i);
  }
  const kept: number[] = [];
  const k = o.maxRowsPerPerson;
  for (const rows of byPerson.values()) {
    if (rows.length <= k) {
      for (const r of rows) kept.push(r);
      continue;
    }
    // partial Fisher–Yates: the first k of a uniform permutation
    for (let j = 0; j < k; j++) {
      const pick = j + Number(uniformBigInt(src, BigInt(rows.length - j)));
      const t = rows[j]!;
      rows[j] = rows[pick]!;
      rows[pick] = t;
      kept.push(rows[j]!);
    }
  }
  kept.sort((a, b) => a - b);
  return {
    table: table.take(Uint32Array.from(kept)),
    maxRowsPerPerson: k,
    people: byPerson.size,
    dropped: table.nrows - kept.length,
  };
}
