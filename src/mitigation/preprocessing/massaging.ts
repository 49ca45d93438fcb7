/**
 * @module mitigation/preprocessing/massaging
 * Massaging, the relabelling of Kamiran & Calders ("Data preprocessing techniques for classification
 * without discrimination", KAIS 33, 2012, https://doi.org/10.1007/s10115-011-0463-8, §4.1): a ranker
 * scores every row; the M highest-scored negatives of the deprived group become positive and the M
 * lowest-scored positives of the favoured group become negative, with the least M that equalises
 * the base rates, M = disc·|D_b|·|D_w| / |D|.
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import type { Column, Table } from '../../data/index.js';
import { logisticRegression } from '../../models/index.js';
import { groupChanges, groupRates, labelledGroups, type PreprocessingChanges } from './changes.js';

/** Options of {@link massaging}. */
export interface MassagingOptions {
  readonly label: string;
  readonly positive?: readonly string[];
  /** Sensitive column(s); several mean their intersection. */
  readonly sensitive: string | readonly string[];
  /** The favoured group; required with more than two groups (all others form the deprived side). @default the group with the higher base rate */
  readonly favoured?: string;
  /** Scores P(positive) per row from any ranker; default: a logistic regression on every other column. */
  readonly ranker?: ArrayLike<number>;
  /** Columns of the default ranker. @default every column but the label */
  readonly features?: readonly string[];
}

/** The result of {@link massaging}. */
export interface MassagingResult {
  readonly table: Table;
  /** Rows relabelled from negative to positive (deprived group), ascending. */
  readonly promoted: Uint32Array;
  /** Rows relabelled from positive to negative (favoured group), ascending. */
  readonly demoted: Uint32Array;
  readonly changes: PreprocessingChanges;
}

/**
 * Kamiran–Calders massaging. With the deprived side b (n_b rows, p_b positives) and the favoured
 * group w: disc = p_w/n_w − p_b/n_b and M = round(disc·n_b·n_w / (n_b + n_w)), the number of
 * promotions (and of demotions) after which (p_b + M)/n_b = (p_w − M)/n_w; as each flip moves one
 * row, 2M flips is the fewest that equalise the rates (up to rounding of M to an integer, at most
 * ½·(1/n_b + 1/n_w) of residual gap). No flips when disc ≤ 0.
 *
 * @throws {AEQ_INVALID_ARGUMENT} for a ranker of the wrong length or with non-finite scores, or more
 *   than two groups without `favoured`, or an unknown `favoured`.
 * @throws {AEQ_DATA_MISSING_VALUES | AEQ_MITIGATION_SINGLE_GROUP}
 * @example
 * // b: 2 of 10 positive, w: 6 of 10: disc = 0.4, M = 0.4·10·10/20 = 2 → both groups at 4 of 10
 * (await massaging(t, { label: 'y', sensitive: 's', ranker: scores })).changes.rowsChanged // 4
 */
export async function massaging(table: Table, opts: MassagingOptions): Promise<MassagingResult> {
  const fn = 'massaging';
  const { groups, y, positive } = labelledGroups(fn, table, opts.label, opts.sensitive, opts.positive);
  const n = table.nrows;
  const k = groups.labels.length;
  const before = groupRates(groups, y, null, null);
  let favoured: number;
  if (opts.favoured !== undefined) {
    favoured = groups.labels.indexOf(opts.favoured);
    if (favoured < 0)
      throw new InvalidArgumentError(
        fn,
        'favoured',
        opts.favoured,
        `one of the groups (${groups.labels.join(', ')})`,
      );
  } else {
    if (k > 2)
      throw new InvalidArgumentError(
        fn,
        'favoured',
        undefined,
        `the favoured group when there are more than two groups (${groups.labels.join(', ')})`,
        'Name the favoured (privileged) group; all other groups then form the deprived side.',
      );
    const r0 = before.positive[0]! / before.rows[0]!;
    const r1 = before.positive[1]! / before.rows[1]!;
    favoured = r1 > r0 ? 1 : 0;
  }
  let nw = 0;
  let pw = 0;
  let nb = 0;
  let pb = 0;
  for (let i = 0; i < n; i++) {
    if (groups.codes[i] === favoured) {
      nw++;
      pw += y[i]!;
    } else {
      nb++;
      pb += y[i]!;
    }
  }
  const disc = pw / nw - pb / nb;
  const exact = disc > 0 ? (disc * nb * nw) / (nb + nw) : 0;
  const scores =
    opts.ranker !== undefined
      ? checkRanker(fn, opts.ranker, n)
      : await defaultRanker(table, opts, positive.positive);
  // Candidates: deprived negatives by score descending; favoured positives by score ascending (ties by row).
  const promoteCand: number[] = [];
  const demoteCand: number[] = [];
  for (let i = 0; i < n; i++) {
    if (groups.codes[i] === favoured) {
      if (y[i]) demoteCand.push(i);
    } else if (!y[i]) promoteCand.push(i);
  }
  promoteCand.sort((a, b) => scores[b]! - scores[a]! || a - b);
  demoteCand.sort((a, b) => scores[a]! - scores[b]! || a - b);
  const M = Math.min(Math.round(exact), promoteCand.length, demoteCand.length);
  const promoted = Uint32Array.from(promoteCand.slice(0, M)).sort();
  const demoted = Uint32Array.from(demoteCand.slice(0, M)).sort();
  const yAfter = Uint8Array.from(y);
  for (const i of promoted) yAfter[i] = 1;
  for (const i of demoted) yAfter[i] = 0;
  const col = table.column(opts.label, 'label');
  const out = table.withColumn(
    opts.label,
    relabel(col, promoted, demoted, positive.positive, positive.negative),
  );
  const after = groupRates(groups, yAfter, null, null);
  return {
    table: out,
    promoted,
    demoted,
    changes: {
      method: 'massaging',
      rowsBefore: n,
      rowsAfter: n,
      rowsChanged: 2 * M,
      groups: groupChanges(groups, before, after, true),
      details: {
        favoured: groups.labels[favoured],
        deprived: groups.labels.filter((_, g) => g !== favoured),
        discrimination: disc,
        modificationsExact: exact,
        modifications: M,
      },
    },
  };
}

function checkRanker(fn: string, r: ArrayLike<number>, n: number): ArrayLike<number> {
  if (r.length !== n)
    throw new InvalidArgumentError(fn, 'ranker', `length ${r.length}`, `one score per row (${n})`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(r[i]!)) throw new InvalidArgumentError(fn, `ranker[${i}]`, r[i], 'a finite score');
  return r;
}

async function defaultRanker(
  table: Table,
  opts: MassagingOptions,
  positive: readonly string[],
): Promise<Float64Array> {
  const features = opts.features ?? table.names.filter((c) => c !== opts.label);
  const model = await logisticRegression().fit(table, opts.label, { features, positive });
  return model.predictProba(table);
}

/** A copy of the label column with promoted rows set to a positive value and demoted rows to a negative one. */
function relabel(
  col: Column,
  promoted: Uint32Array,
  demoted: Uint32Array,
  positive: readonly string[],
  negative: readonly string[],
): Column {
  const pos = positive[0];
  const neg = negative[0];
  if (pos === undefined || neg === undefined)
    throw new AequaError(
      'AEQ_DATA_CONSTANT_TARGET',
      'massaging: the label has a single value, so nothing can be relabelled.',
      {
        hint: 'Check the label column; relabelling needs both classes.',
      },
    );
  switch (col.kind) {
    case 'category': {
      const codes = Int32Array.from(col.codes);
      const pc = col.levels.indexOf(pos);
      const nc = col.levels.indexOf(neg);
      for (const i of promoted) codes[i] = pc;
      for (const i of demoted) codes[i] = nc;
      return { kind: 'category', codes, levels: col.levels, valid: col.valid };
    }
    case 'number': {
      const values = Float64Array.from(col.values);
      for (const i of promoted) values[i] = Number(pos);
      for (const i of demoted) values[i] = Number(neg);
      return { kind: 'number', values, valid: col.valid };
    }
    case 'boolean': {
      const values = Uint8Array.from(col.values);
      for (const i of promoted) values[i] = pos === 'true' ? 1 : 0;
      for (const i of demoted) values[i] = neg === 'true' ? 1 : 0;
      return { kind: 'boolean', values, valid: col.valid };
    }
  }
}
