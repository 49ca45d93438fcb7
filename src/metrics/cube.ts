/**
 * @module metrics/cube
 * Operations on a `StatsCube` (DESIGN idea 1): naming groups, and marginalising — merging every cell
 * that agrees on the chosen dimensions — so that any feature, intersection or stratum comes from
 * one scan of the data. Merges are element-wise sums (the statistics form commutative monoids).
 */

import { Adder, InvalidArgumentError, MissingColumnError } from '../core/index.js';
import { mergeScoreHistograms } from './stats/scores.js';
import type { ClassMatrix, Confusion, RegressionMoments, ScoreHistogram, StatsCube } from './stats/types.js';

/** The statistics of a set of merged cells; a field is present when any merged cell had it. */
export interface MergedStats {
  readonly confusion?: Confusion;
  readonly scores?: ScoreHistogram;
  readonly regression?: RegressionMoments;
  readonly classes?: ClassMatrix;
}

/** The text written for a missing value in a group key. */
export const MISSING_KEY = '(missing)';

/**
 * The name of a group: its values joined with '&', a missing value written '(missing)'.
 * The empty list (all rows) gives ''. A value that itself contains '&' makes keys ambiguous;
 * callers that need the parts use the `key` record that {@link marginalize} returns.
 * @example groupKey(['Black', null]) // 'Black&(missing)'
 */
export function groupKey(values: readonly (string | null)[]): string {
  return values.map((v) => (v === null ? MISSING_KEY : v)).join('&');
}

/** Mutable accumulator of one group while marginalising. */
class Acc {
  confusion: Adder[] | undefined;
  rows: number[] | undefined;
  regression: Adder[] | undefined;
  regressionN = 0;
  classes: { k: number; weighted: Float64Array; counts: Float64Array } | undefined;
  scores: ScoreHistogram | undefined;

  add(cell: StatsCube['cells'][number]): void {
    const c = cell.confusion;
    if (c) {
      const a = (this.confusion ??= [new Adder(), new Adder(), new Adder(), new Adder()]);
      const r = (this.rows ??= [0, 0, 0, 0]);
      a[0]!.add(c.tp);
      a[1]!.add(c.fp);
      a[2]!.add(c.tn);
      a[3]!.add(c.fn);
      r[0]! += c.ntp;
      r[1]! += c.nfp;
      r[2]! += c.ntn;
      r[3]! += c.nfn;
    }
    const m = cell.regression;
    if (m) {
      const a = (this.regression ??= Array.from({ length: 6 }, () => new Adder()));
      this.regressionN += m.n;
      a[0]!.add(m.w);
      a[1]!.add(m.sumPred);
      a[2]!.add(m.sumTrue);
      a[3]!.add(m.sumErr);
      a[4]!.add(m.sumAbsErr);
      a[5]!.add(m.sumSqErr);
    }
    const k = cell.classes;
    if (k) {
      if (!this.classes) {
        this.classes = {
          k: k.k,
          weighted: Float64Array.from(k.weighted),
          counts: Float64Array.from(k.counts),
        };
      } else {
        if (k.k !== this.classes.k) {
          throw new InvalidArgumentError(
            'marginalize',
            'cube.cells[].classes.k',
            k.k,
            `${this.classes.k}, the number of classes of the other cells`,
            'Every cell of a multiclass cube must use the same class list.',
          );
        }
        for (let i = 0; i < k.weighted.length; i++) {
          this.classes.weighted[i]! += k.weighted[i]!;
          this.classes.counts[i]! += k.counts[i]!;
        }
      }
    }
    if (cell.scores) this.scores = this.scores ? mergeScoreHistograms(this.scores, cell.scores) : cell.scores;
  }

  result(): MergedStats {
    const out: {
      confusion?: Confusion;
      scores?: ScoreHistogram;
      regression?: RegressionMoments;
      classes?: ClassMatrix;
    } = {};
    if (this.confusion && this.rows) {
      const [tp, fp, tn, fn] = this.confusion.map((a) => a.value) as [number, number, number, number];
      const [ntp, nfp, ntn, nfn] = this.rows as [number, number, number, number];
      out.confusion = { tp, fp, tn, fn, ntp, nfp, ntn, nfn };
    }
    if (this.regression) {
      const [w, sumPred, sumTrue, sumErr, sumAbsErr, sumSqErr] = this.regression.map((a) => a.value) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      out.regression = { n: this.regressionN, w, sumPred, sumTrue, sumErr, sumAbsErr, sumSqErr };
    }
    if (this.classes) out.classes = this.classes;
    if (this.scores) out.scores = this.scores;
    return out;
  }
}

/**
 * Merges all cells of the cube that agree on `dims`: one entry per combination of their values,
 * keyed by {@link groupKey} and sorted by that key (code-unit order, stable whatever order the
 * producer emitted cells in). Confusions and regression moments are summed (weighted sums
 * compensated), class matrices added, score histograms merged with `mergeScoreHistograms`.
 * `dims = []` merges everything into one entry with key ''.
 *
 * @throws {AEQ_DATA_MISSING_COLUMN} when a name in `dims` is not a dimension of the cube.
 * @throws {AEQ_INVALID_ARGUMENT} when a cell's key does not have one value per dimension, or class counts differ.
 * @example
 * marginalize(cube, ['sex']).get('Female')
 * // { key: { sex: 'Female' }, cell: { confusion: { tp: 7, fp: 3, … } } }
 */
export function marginalize(
  cube: StatsCube,
  dims: readonly string[],
): Map<string, { key: Record<string, string | null>; cell: MergedStats }> {
  const idx = dims.map((d) => {
    const i = cube.dims.indexOf(d);
    if (i < 0) throw new MissingColumnError(d, cube.dims, 'the statistics cube');
    return i;
  });
  const accs = new Map<string, { key: Record<string, string | null>; acc: Acc }>();
  const parts: (string | null)[] = new Array(idx.length);
  for (const cell of cube.cells) {
    if (cell.key.length !== cube.dims.length) {
      throw new InvalidArgumentError(
        'marginalize',
        'cube.cells[].key',
        [...cell.key].map(String),
        `one value per dimension (${cube.dims.length}: ${cube.dims.join(', ')})`,
        'The producer built a malformed cube; report this as a bug.',
      );
    }
    for (let j = 0; j < idx.length; j++) parts[j] = cell.key[idx[j]!]!;
    const k = groupKey(parts);
    let entry = accs.get(k);
    if (!entry) {
      const key: Record<string, string | null> = {};
      for (let j = 0; j < dims.length; j++) key[dims[j]!] = parts[j]!;
      entry = { key, acc: new Acc() };
      accs.set(k, entry);
    }
    entry.acc.add(cell);
  }
  const keys = [...accs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new Map<string, { key: Record<string, string | null>; cell: MergedStats }>();
  for (const k of keys) {
    const e = accs.get(k)!;
    out.set(k, { key: e.key, cell: e.acc.result() });
  }
  return out;
}

/**
 * The statistics of all rows of the cube (every cell merged). An empty cube gives `{}`.
 * @example totalStats(cube).confusion // { tp: 12, fp: 5, … } summed over every cell
 */
export function totalStats(cube: StatsCube): MergedStats {
  return marginalize(cube, []).get('')?.cell ?? {};
}
