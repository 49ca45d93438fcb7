/**
 * @module accountability/responsibility/slices
 * Where do the errors concentrate? Every slice of one or two predicates over the binned features
 * is compared with its complement (the idea of Slice Finder, Chung et al. 2019,
 * https://arxiv.org/abs/1807.06068): its mean loss, an interval, the difference, a z test, and a
 * Benjamini–Hochberg adjustment over every slice tested. Two-predicate slices are kept only
 * when they are worse than both of their one-predicate parents (otherwise they add nothing).
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import {
  benjaminiHochberg,
  type Interval,
  normalCdf,
  normalQuantile,
  twoProportionZTest,
  wilsonInterval,
} from '../../metrics/index.js';
import { binFeature, type FeatureBins } from './bins.js';

/** Options of {@link findSlices}. */
export interface SliceOptions {
  /** Columns to slice on. @default every column of the table */
  readonly features?: readonly string[];
  /** Smallest slice reported. @default 30 */
  readonly minSize?: number;
  /** 1: single predicates; 2: also pairs. @default 2 */
  readonly maxOrder?: 1 | 2;
  /** How many slices to return. @default 20 */
  readonly topK?: number;
  /** False discovery rate for `significant`. @default 0.05 */
  readonly alpha?: number;
  /** Bins per number column. @default 5 */
  readonly maxBins?: number;
  /** @default 0.95 */
  readonly confidence?: number;
}

/** One slice and how it compares with the rest of the data. */
export interface Slice {
  readonly predicates: readonly string[];
  readonly description: string;
  readonly size: number;
  /** size / rows. */
  readonly share: number;
  readonly loss: number;
  /** Wilson interval for a 0/1 loss, normal interval otherwise; null for a single row. */
  readonly interval: Interval | null;
  readonly complementLoss: number;
  /** loss − complementLoss. */
  readonly difference: number;
  /** Two-sided p-value of slice vs complement (pooled two-proportion z, or Welch z for a real loss). */
  readonly pValue: number;
  /** Benjamini–Hochberg adjusted over every slice tested. */
  readonly adjustedPValue: number;
  readonly significant: boolean;
}

/** The result of {@link findSlices}. */
export interface SliceReport {
  readonly rows: number;
  readonly loss: number;
  /** True when every loss is 0 or 1 (an error indicator). */
  readonly binary: boolean;
  /** Number of slices of at least `minSize` rows that were tested. */
  readonly tested: number;
  /** Worse-than-the-rest slices, significant ones first, then by difference. */
  readonly slices: readonly Slice[];
}

interface Acc {
  readonly predicates: string[];
  n: number;
  s: number;
  ss: number;
}

/** Checks a loss vector against a table: same length, finite, ≥ 0. Returns whether it is 0/1. */
export function checkLoss(fn: string, table: Table, loss: ArrayLike<number>): boolean {
  if (loss.length !== table.nrows)
    throw new InvalidArgumentError(fn, 'loss', `${loss.length} values`, `one value per row (${table.nrows})`);
  if (table.nrows === 0) throw new InvalidArgumentError(fn, 'table', 'an empty table', 'at least one row');
  let binary = true;
  for (let i = 0; i < loss.length; i++) {
    const v = loss[i]!;
    if (!Number.isFinite(v) || v < 0)
      throw new InvalidArgumentError(
        fn,
        `loss[${i}]`,
        v,
        'a finite number ≥ 0 (an error indicator or a loss)',
      );
    if (v !== 0 && v !== 1) binary = false;
  }
  return binary;
}

/**
 * Ranks the slices of the data where the loss (e.g. 1 for a wrong decision, 0 for a right one)
 * is highest compared with the rest.
 * @example
 * findSlices(table, errors, { features: ['sex', 'age'] }).slices[0]
 * // { description: 'sex = Female ∧ age < 25', size: 212, loss: 0.31, complementLoss: 0.12, … }
 */
export function findSlices(table: Table, loss: ArrayLike<number>, opts: SliceOptions = {}): SliceReport {
  const fn = 'findSlices';
  const binary = checkLoss(fn, table, loss);
  const minSize = opts.minSize ?? 30;
  const maxOrder = opts.maxOrder ?? 2;
  const topK = opts.topK ?? 20;
  const alpha = opts.alpha ?? 0.05;
  const confidence = opts.confidence ?? 0.95;
  if (!(minSize >= 1)) throw new InvalidArgumentError(fn, 'minSize', minSize, 'a number ≥ 1');
  const features = opts.features ?? table.names;
  const bins: FeatureBins[] = features.map((f) => binFeature(table, f, opts.maxBins ?? 5));
  const n = table.nrows;
  let total = 0;
  let totalSq = 0;
  for (let i = 0; i < n; i++) {
    total += loss[i]!;
    totalSq += loss[i]! * loss[i]!;
  }

  const singles: Acc[][] = bins.map((b) => b.labels.map((l) => ({ predicates: [l], n: 0, s: 0, ss: 0 })));
  for (let f = 0; f < bins.length; f++) {
    const codes = bins[f]!.codes;
    const acc = singles[f]!;
    for (let i = 0; i < n; i++) {
      const a = acc[codes[i]!]!;
      a.n++;
      a.s += loss[i]!;
      a.ss += loss[i]! * loss[i]!;
    }
  }
  const candidates: { acc: Acc; parents: Acc[] }[] = [];
  for (const accs of singles)
    for (const a of accs) if (a.n >= minSize && a.n < n) candidates.push({ acc: a, parents: [] });
  if (maxOrder === 2) {
    for (let f = 0; f < bins.length; f++) {
      for (let g = f + 1; g < bins.length; g++) {
        const A = bins[f]!;
        const B = bins[g]!;
        const kb = B.labels.length;
        const cn = new Float64Array(A.labels.length * kb);
        const cs = new Float64Array(cn.length);
        const css = new Float64Array(cn.length);
        for (let i = 0; i < n; i++) {
          const c = A.codes[i]! * kb + B.codes[i]!;
          cn[c]!++;
          cs[c]! += loss[i]!;
          css[c]! += loss[i]! * loss[i]!;
        }
        for (let a = 0; a < A.labels.length; a++) {
          for (let b = 0; b < kb; b++) {
            const c = a * kb + b;
            if (cn[c]! < minSize || cn[c]! >= n) continue;
            const pa = singles[f]![a]!;
            const pb = singles[g]![b]!;
            // A pair equal in rows to a parent is that parent.
            if (cn[c] === pa.n || cn[c] === pb.n) continue;
            candidates.push({
              acc: { predicates: [A.labels[a]!, B.labels[b]!], n: cn[c]!, s: cs[c]!, ss: css[c]! },
              parents: [pa, pb],
            });
          }
        }
      }
    }
  }

  const pValues: number[] = [];
  const rows: Omit<Slice, 'adjustedPValue' | 'significant'>[] = [];
  for (const { acc } of candidates) {
    const m = n - acc.n;
    const mean = acc.s / acc.n;
    const cmean = (total - acc.s) / m;
    let p: number;
    let interval: Interval | null;
    if (binary) {
      p = twoProportionZTest(acc.s, acc.n, total - acc.s, m)?.pValue ?? 1;
      interval = wilsonInterval(acc.s, acc.n, confidence);
    } else {
      const v1 = acc.n > 1 ? Math.max(0, (acc.ss - acc.n * mean * mean) / (acc.n - 1)) : 0;
      const css = totalSq - acc.ss;
      const v2 = m > 1 ? Math.max(0, (css - m * cmean * cmean) / (m - 1)) : 0;
      const se = Math.sqrt(v1 / acc.n + v2 / m);
      p = se > 0 ? 2 * normalCdf(-Math.abs(mean - cmean) / se) : mean === cmean ? 1 : 0;
      const z = normalQuantile(0.5 + confidence / 2);
      interval = acc.n > 1 ? [mean - z * Math.sqrt(v1 / acc.n), mean + z * Math.sqrt(v1 / acc.n)] : null;
    }
    pValues.push(p);
    rows.push({
      predicates: acc.predicates,
      description: acc.predicates.join(' ∧ '),
      size: acc.n,
      share: acc.n / n,
      loss: mean,
      interval,
      complementLoss: cmean,
      difference: mean - cmean,
      pValue: p,
    });
  }
  const adjusted = pValues.length ? benjaminiHochberg(pValues) : [];
  const out: Slice[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (!(r.difference > 0)) continue;
    const parents = candidates[k]!.parents;
    if (parents.some((p) => r.loss <= p.s / p.n)) continue;
    out.push({ ...r, adjustedPValue: adjusted[k]!, significant: adjusted[k]! <= alpha });
  }
  out.sort(
    (a, b) =>
      Number(b.significant) - Number(a.significant) ||
      b.difference - a.difference ||
      b.size - a.size ||
      (a.description < b.description ? -1 : 1),
  );
  return { rows: n, loss: total / n, binary, tested: candidates.length, slices: out.slice(0, topK) };
}
