/**
 * @module mitigation/preprocessing/reweighing
 * Reweighing (Kamiran & Calders, "Data preprocessing techniques for classification without
 * discrimination", KAIS 33, 2012, https://doi.org/10.1007/s10115-011-0463-8, §4.2): weight every
 * row of group s and label y by P(s)·P(y) / P(s, y), so that under the weights the label is
 * statistically independent of the group. Pass the weights to a learner's `sampleWeight`.
 */
import type { Table } from '../../data/index.js';
import { groupChanges, groupRates, labelledGroups, type PreprocessingChanges } from './changes.js';

/** Options of {@link reweighing}. */
export interface ReweighingOptions {
  readonly label: string;
  /** Label value(s) meaning the positive class. @default the data layer's rule */
  readonly positive?: readonly string[];
  /** Sensitive column(s); several mean their intersection. */
  readonly sensitive: string | readonly string[];
}

/** One (group, label) cell and its weight. */
export interface ReweighingCell {
  readonly group: string;
  readonly label: 'positive' | 'negative';
  readonly count: number;
  /** n_s · n_y / N: the count expected if the label were independent of the group. */
  readonly expected: number;
  /** expected / count. */
  readonly weight: number;
}

/** The result of {@link reweighing}. */
export interface ReweighingResult {
  /** One weight per row; the weights sum to the row count. */
  readonly weights: Float64Array;
  readonly cells: readonly ReweighingCell[];
  readonly changes: PreprocessingChanges;
}

/**
 * Kamiran–Calders reweighing: w(s, y) = P(s)·P(y) / P(s, y) = n_s·n_y / (N·n_{s,y}). Under these
 * weights every group's weighted positive rate equals the overall rate n₊/N, and each group keeps
 * its total weight n_s — when every (group, label) cell has rows; the rows of a group that has only
 * one label keep that label's rate (an empty cell gets weight 0 and cannot be weighted up).
 *
 * @throws {AEQ_DATA_MISSING_COLUMN | AEQ_DATA_MISSING_VALUES | AEQ_MITIGATION_SINGLE_GROUP}
 * @example
 * // F: 1 of 4 positive, M: 3 of 6 positive, N = 10, 4 positives
 * reweighing(table, { label: 'y', sensitive: 'sex' }).cells
 * // F+: 4·4/(10·1) = 1.6, F−: 4·6/(10·3) = 0.8, M+: 6·4/(10·3) = 0.8, M−: 6·6/(10·3) = 1.2
 */
export function reweighing(table: Table, opts: ReweighingOptions): ReweighingResult {
  const { groups, y } = labelledGroups('reweighing', table, opts.label, opts.sensitive, opts.positive);
  const k = groups.labels.length;
  const n = table.nrows;
  const cell = new Float64Array(2 * k); // [g·2 + y]
  let positives = 0;
  for (let i = 0; i < n; i++) {
    cell[groups.codes[i]! * 2 + y[i]!]! += 1;
    positives += y[i]!;
  }
  const ny = [n - positives, positives];
  const w = new Float64Array(2 * k);
  const cells: ReweighingCell[] = [];
  for (let g = 0; g < k; g++) {
    for (let v = 1; v >= 0; v--) {
      const count = cell[g * 2 + v]!;
      const expected = (groups.counts[g]! * ny[v]!) / n;
      w[g * 2 + v] = count > 0 ? expected / count : 0;
      cells.push({
        group: groups.labels[g]!,
        label: v === 1 ? 'positive' : 'negative',
        count,
        expected,
        weight: w[g * 2 + v]!,
      });
    }
  }
  const weights = new Float64Array(n);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    weights[i] = w[groups.codes[i]! * 2 + y[i]!]!;
    if (weights[i] !== 1) changed++;
  }
  const before = groupRates(groups, y, null, null);
  const after = groupRates(groups, y, weights, null);
  return {
    weights,
    cells,
    changes: {
      method: 'reweighing',
      rowsBefore: n,
      rowsAfter: n,
      rowsChanged: changed,
      groups: groupChanges(groups, before, after, true),
      details: { overallBaseRate: positives / n },
    },
  };
}
