/**
 * @module bias/data-bias
 * `dataBias`: where bias in a training set comes from, before any model is trained. Representation
 * of groups against a reference, label base rates and their disparity (Wilson intervals), missing
 * values per group, class imbalance and label divergence between groups, conditional demographic
 * disparity of the labels (Wachter et al. 2021), per-feature distribution shift of each group,
 * label-conditional feature shift, proxies of the sensitive attribute, and balance over
 * intersections. The pre-training metrics follow SageMaker Clarify's catalogue (Das et al. 2021,
 * https://arxiv.org/abs/2204.06634) and Aequitas-style group tables.
 */
import { AequaError, InvalidArgumentError, listSome } from '../core/index.js';
import { type Column, resolvePositive, type Table, toBinary } from '../data/index.js';
import {
  CONVENTIONS,
  type Confusion,
  chiSquareTest,
  conditionalDisparities,
  difference,
  type Finding,
  featureSets,
  type MetricValue,
  MISSING_KEY,
  ratio,
  wilsonInterval,
} from '../metrics/index.js';
import { type Discretized, discretize, validSorted } from './discretize.js';
import { chiSquareGoodnessOfFit, jsDivergence, klDivergence, totalVariation } from './divergence.js';
import { type GroupCodes, groupCodes } from './groups.js';
import { atkinsonIndex, theilIndexOfCounts } from './inequality.js';
import { proxyScores } from './proxies.js';
import {
  type ChiSquare,
  DATA_BIAS_SCHEMA_VERSION,
  type DataBiasResult,
  type FeatureDistance,
  type GroupDataBias,
  type GroupDistance,
  type IntersectionBalance,
  type LabelBias,
  type LabelConditionalShift,
  type LabelSummary,
  type Missingness,
  type RepresentationDistance,
  type SensitiveFeatureDataBias,
} from './types.js';
import { wasserstein1Sorted } from './wasserstein.js';

/** Options of {@link dataBias}. */
export interface DataBiasOptions {
  /** The label (outcome) column; without it only representation, missingness, shift and proxies are computed. */
  readonly label?: string;
  /** Label value(s) meaning the positive (favourable) class. @default the data layer's rule (1/true/yes …) */
  readonly positive?: readonly string[];
  /** Sensitive column(s). */
  readonly sensitive: string | readonly string[];
  /** Also analyse every intersection of two or more sensitive columns. @default false */
  readonly intersections?: boolean;
  /**
   * Reference distribution of the groups: 'uniform', or shares keyed by group (`Female`) or by
   * feature and group (`sex=Female`); the shares given for one feature must sum to 1, and a feature
   * without any falls back to uniform. @default 'uniform'
   */
  readonly reference?: 'uniform' | Readonly<Record<string, number>>;
  /** Control column(s) for the conditional demographic disparity of the labels. */
  readonly control?: string | readonly string[];
  /** Columns examined for shift, missingness and proxies. @default every column but the label and the sensitive ones */
  readonly features?: readonly string[];
  /** Confidence level of the base-rate intervals. @default 0.95 */
  readonly confidence?: number;
  /** Quantile bins of number features with many values. @default 10 */
  readonly bins?: number;
  /** Compute the proxy classifier AUC (cross-validated trees; the slowest part), for single sensitive features. @default true */
  readonly proxyAuc?: boolean;
  /** Folds of the proxy AUC's cross-validation. @default 3 */
  readonly folds?: number;
  /** Seed of the proxy AUC's folds. @default 0 */
  readonly seed?: number;
  /** Inequality aversion ε of the Atkinson index over intersections. @default 0.5 */
  readonly atkinsonEpsilon?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: {
    readonly label: string;
    readonly done: number;
    readonly total: number;
  }) => void;
}

/** Thresholds of the plain-language findings, with the reason for each. */
export const DATA_BIAS_THRESHOLDS = {
  /** Four-fifths rule (EEOC Uniform Guidelines, 29 CFR 1607.4(D)) applied to shares and base rates. */
  ratio: 0.8,
  /** Significance level of the chi-square tests behind a finding. */
  alpha: 0.05,
  /** A gap in missing rates of 5 points between groups is worth a look. */
  missingDifference: 0.05,
  /** A minority class below a quarter of the majority is a strong imbalance. */
  imbalanceRatio: 0.25,
  /** Jensen–Shannon divergence from the whole data (nats) above which a group's feature distribution is called shifted. */
  shiftJs: 0.05,
} as const;

/** At most this many intersections are enumerated for the balance indices. */
const MAX_BALANCE_CELLS = 100_000;

function asList(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function chi(t: { statistic: number; df: number; pValue: number } | null): ChiSquare | null {
  return t === null ? null : { statistic: finiteOrNull(t.statistic), df: t.df, pValue: t.pValue };
}

/**
 * Measures bias in a data set before training. For each sensitive feature (and intersection):
 * - representation: count, share, reference share and their ratio per group; KL, JS, TV and a
 *   chi-square goodness-of-fit test of the group counts against the reference shares;
 * - labels (with `label`): base rate per group with a Wilson interval, difference and ratio to the
 *   largest group, max − min and min / max with a chi-square test, KL and JS of each group's label
 *   distribution from the reference group's, and (with `control`) the conditional demographic
 *   disparity of the labels;
 * - missingness: per column, the missing rate per group, its spread and a chi-square test;
 * - feature distances: per feature, each group's distribution against the whole data's (KL, JS,
 *   TV on levels or quantile bins; Wasserstein-1 on raw numbers; chi-square of the group against the rest);
 * - label-conditional shift: the same distances within each label class;
 * - proxies: features ranked by how well they predict the group (cross-validated tree AUC,
 *   Cramér's V, mutual information).
 * Over all sensitive columns: the Theil and Atkinson indices of the sizes of every intersection.
 *
 * @throws {AEQ_DATA_MISSING_COLUMN} when a named column is absent.
 * @throws {AEQ_DATA_SINGLE_GROUP} when a sensitive column has a single group.
 * @throws {AEQ_INVALID_ARGUMENT} for a bad option (reference shares that do not sum to 1, a label among the sensitive columns, …).
 * @throws {AEQ_DATA_EMPTY | AEQ_DATA_AMBIGUOUS_POSITIVE | AEQ_DATA_NOT_BINARY} from the label.
 * @example
 * const r = await dataBias(fromArrays({ sex: ['F', 'M', 'M', 'M'], y: [0, 1, 1, 0] }), { label: 'y', sensitive: 'sex', proxyAuc: false });
 * r.byFeature.sex.groups.map((g) => [g.group, g.share, g.baseRate]) // [['F', 0.25, 0], ['M', 0.75, 0.6667]]
 */
export async function dataBias(table: Table, opts: DataBiasOptions): Promise<DataBiasResult> {
  const fn = 'dataBias';
  const sensitive = asList(opts.sensitive);
  if (sensitive.length === 0)
    throw new InvalidArgumentError(fn, 'sensitive', opts.sensitive, 'at least one sensitive column');
  for (const s of sensitive) table.column(s, 'sensitive');
  const label = opts.label;
  if (label !== undefined) {
    table.column(label, 'label');
    if (sensitive.includes(label))
      throw new InvalidArgumentError(fn, 'label', label, 'a column that is not also sensitive');
  }
  const control = asList(opts.control);
  for (const c of control) table.column(c, 'control');
  const features =
    opts.features !== undefined
      ? [...opts.features]
      : table.names.filter((n) => n !== label && !sensitive.includes(n));
  for (const f of features) {
    table.column(f, 'feature');
    if (f === label || sensitive.includes(f))
      throw new InvalidArgumentError(
        fn,
        'features',
        f,
        'columns other than the label and the sensitive ones',
      );
  }
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new InvalidArgumentError(fn, 'confidence', confidence, 'a level between 0 and 1, such as 0.95');
  const bins = opts.bins ?? 10;
  const seed = opts.seed ?? 0;
  const folds = opts.folds ?? 3;
  if (!Number.isInteger(folds) || folds < 2)
    throw new InvalidArgumentError(fn, 'folds', folds, 'an integer ≥ 2');
  const epsilon = opts.atkinsonEpsilon ?? 0.5;
  const reference = opts.reference ?? 'uniform';
  if (reference !== 'uniform') {
    for (const [k, v] of Object.entries(reference))
      if (!(v >= 0 && v <= 1))
        throw new InvalidArgumentError(fn, `reference["${k}"]`, v, 'a share in [0, 1]');
  }
  if (table.nrows === 0)
    throw new AequaError(
      'AEQ_DATA_EMPTY',
      `The data${table.source ? ` in ${table.source}` : ''} has no rows.`,
      {
        hint: 'Check the file and any filters.',
      },
    );

  // The label as 0/1 with a mask of labelled rows.
  let y: Uint8Array | null = null;
  let labelled: Uint8Array | null = null;
  let labels: LabelSummary | null = null;
  if (label !== undefined) {
    const col = table.column(label, 'label');
    const pv = resolvePositive(col, {
      name: label,
      role: 'label',
      ...(opts.positive !== undefined ? { positive: opts.positive } : {}),
    });
    const bin = toBinary(col, pv.positive);
    y = bin.values;
    labelled = new Uint8Array(table.nrows);
    let pos = 0;
    let neg = 0;
    for (let i = 0; i < table.nrows; i++) {
      if (bin.valid !== null && !bin.valid.isValid(i)) continue;
      labelled[i] = 1;
      if (y[i]) pos++;
      else neg++;
    }
    labels = {
      column: label,
      positive: pv.positive,
      positives: pos,
      negatives: neg,
      missing: table.nrows - pos - neg,
      positiveRate: pos + neg > 0 ? pos / (pos + neg) : 0,
      imbalanceRatio: Math.max(pos, neg) > 0 ? Math.min(pos, neg) / Math.max(pos, neg) : 0,
    };
  }

  const discretized: Record<string, Discretized> = {};
  for (const f of features) discretized[f] = discretize(table.column(f), { bins });

  const sets = featureSets(sensitive, opts.intersections === true);
  const byFeature: Record<string, SensitiveFeatureDataBias> = {};
  let done = 0;
  for (const set of sets) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const groups = groupCodes(table, set);
    if (set.length === 1 && groups.labels.length < 2) {
      throw new AequaError(
        'AEQ_DATA_SINGLE_GROUP',
        `The sensitive column "${set[0]}" has a single group ("${groups.labels[0]}") in ${table.nrows} rows, so there is nothing to compare.`,
        {
          hint: 'Choose a sensitive column with at least two values, or check the filters that produced the data.',
          details: { column: set[0], group: groups.labels[0] },
        },
      );
    }
    const groupRows = groupResults(groups, table.nrows, reference);
    const representation = representationDistance(groups, reference);
    const labelBias =
      y !== null && labelled !== null
        ? labelResults(table, groups, groupRows, y, labelled, confidence, control)
        : null;
    const missingCols = label !== undefined ? [label, ...features] : features;
    const missingness = missingCols.map((c) => missingnessOf(c, table.column(c), groups));
    const featureDistances = features.map((f) =>
      featureDistance(f, table.column(f), discretized[f]!, groups),
    );
    const shift =
      y !== null && labelled !== null
        ? features.map((f) => labelShift(f, table.column(f), discretized[f]!, groups, y!, labelled!))
        : [];
    const proxies = await proxyScores(table, groups, discretized, {
      // The classifier AUC for single features only: for intersections it multiplies the cost
      // and Cramér's V and mutual information already rank the proxies.
      auc: opts.proxyAuc !== false && set.length === 1,
      folds,
      seed,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    byFeature[groups.feature] = {
      features: set,
      groups: groupRows.map((g) => g.result),
      representation,
      labels: labelBias,
      missingness,
      featureDistances,
      labelConditionalShift: shift,
      proxies,
    };
    opts.onProgress?.({ label: 'data bias', done: ++done, total: sets.length });
  }

  const balance = balanceOf(table, sensitive, epsilon);
  const result: Omit<DataBiasResult, 'findings'> = {
    schemaVersion: DATA_BIAS_SCHEMA_VERSION,
    kind: 'dataBias',
    input: {
      source: table.source ?? null,
      rows: table.nrows,
      label: label ?? null,
      sensitive,
      intersections: opts.intersections === true,
      control,
      features,
      reference,
      confidence,
      bins,
      seed,
    },
    labels,
    byFeature,
    balance,
  };
  return { ...result, findings: findingsOf(result) };
}

interface GroupRow {
  result: GroupDataBias;
  index: number;
}

/** Reference share per group label for a feature (null: the reference says nothing about the group). */
function referenceShares(
  groups: GroupCodes,
  reference: 'uniform' | Readonly<Record<string, number>>,
): { kind: 'uniform' | 'given'; shares: Map<string, number> } {
  const present = groups.labels.filter((_, g) => !groups.parts[g]!.includes(null));
  const uniform = (): { kind: 'uniform'; shares: Map<string, number> } => ({
    kind: 'uniform',
    shares: new Map(present.map((l) => [l, 1 / present.length])),
  });
  if (reference === 'uniform') return uniform();
  const shares = new Map<string, number>();
  const prefix = `${groups.feature}=`;
  for (const [k, v] of Object.entries(reference)) {
    if (k.startsWith(prefix)) shares.set(k.slice(prefix.length), v);
    else if (!k.includes('=') && groups.labels.includes(k)) shares.set(k, v);
  }
  if (shares.size === 0) return uniform();
  let sum = 0;
  for (const v of shares.values()) sum += v;
  if (Math.abs(sum - 1) > 1e-6)
    throw new InvalidArgumentError(
      'dataBias',
      'reference',
      Object.fromEntries(shares),
      `shares for "${groups.feature}" that sum to 1 (they sum to ${sum})`,
      `List every group of "${groups.feature}" with its share, e.g. ${groups.feature}=${groups.labels[0]}=0.5.`,
    );
  return { kind: 'given', shares };
}

function groupResults(
  groups: GroupCodes,
  n: number,
  reference: 'uniform' | Readonly<Record<string, number>>,
): GroupRow[] {
  const ref = referenceShares(groups, reference);
  return groups.labels.map((g, index) => {
    const count = groups.counts[index]!;
    const share = count / n;
    const rs = ref.shares.get(g) ?? null;
    const key: Record<string, string | null> = {};
    groups.columns.forEach((c, j) => {
      key[c] = groups.parts[index]![j]!;
    });
    return {
      index,
      result: {
        group: g,
        key,
        count,
        share,
        referenceShare: rs,
        representationRatio: rs !== null && rs > 0 ? share / rs : null,
        facetImbalance: (n - 2 * count) / n,
      },
    };
  });
}

function representationDistance(
  groups: GroupCodes,
  reference: 'uniform' | Readonly<Record<string, number>>,
): RepresentationDistance {
  const ref = referenceShares(groups, reference);
  // Over the union of present (non-missing) groups and groups the reference names.
  const names = new Set<string>(ref.shares.keys());
  groups.labels.forEach((l, g) => {
    if (!groups.parts[g]!.includes(null)) names.add(l);
  });
  const list = [...names];
  const observed = list.map((l) => {
    const g = groups.labels.indexOf(l);
    return g >= 0 ? groups.counts[g]! : 0;
  });
  const expected = list.map((l) => ref.shares.get(l) ?? 0);
  if (!observed.some((x) => x > 0)) return { reference: ref.kind, kl: null, js: 0, tv: 0, chiSquare: null };
  return {
    reference: ref.kind,
    kl: finiteOrNull(klDivergence(observed, expected)),
    js: jsDivergence(observed, expected),
    tv: totalVariation(observed, expected),
    chiSquare: chi(chiSquareGoodnessOfFit(observed, expected)),
  };
}

function labelResults(
  table: Table,
  groups: GroupCodes,
  rows: GroupRow[],
  y: Uint8Array,
  labelled: Uint8Array,
  confidence: number,
  control: readonly string[],
): LabelBias {
  const k = groups.labels.length;
  const pos = new Float64Array(k);
  const tot = new Float64Array(k);
  for (let i = 0; i < y.length; i++) {
    if (!labelled[i]) continue;
    const g = groups.codes[i]!;
    tot[g]! += 1;
    pos[g]! += y[i]!;
  }
  let refIndex = 0;
  for (let g = 1; g < k; g++) if (tot[g]! > tot[refIndex]!) refIndex = g;
  const refRate = tot[refIndex]! > 0 ? pos[refIndex]! / tot[refIndex]! : null;
  const rates: Record<string, MetricValue> = {};
  let maxKl: number | null = 0;
  for (const r of rows) {
    const g = r.index;
    const n = tot[g]!;
    const rate = n > 0 ? pos[g]! / n : null;
    rates[r.result.group] = rate === null ? { value: null, undefinedBecause: 'emptyGroup' } : { value: rate };
    let kl: number | null = null;
    let js: number | null = null;
    if (n > 0 && tot[refIndex]! > 0) {
      const p = [pos[g]!, n - pos[g]!];
      const q = [pos[refIndex]!, tot[refIndex]! - pos[refIndex]!];
      kl = finiteOrNull(klDivergence(p, q));
      js = jsDivergence(p, q);
    }
    if (kl === null && n > 0) maxKl = null;
    else if (kl !== null && maxKl !== null) maxKl = Math.max(maxKl, kl);
    r.result = {
      ...r.result,
      positives: pos[g]!,
      baseRate: rate,
      baseRateCi: wilsonInterval(pos[g]!, n, confidence),
      baseRateDifference: rate !== null && refRate !== null ? rate - refRate : null,
      baseRateRatio: rate !== null && refRate !== null && refRate > 0 ? rate / refRate : null,
      labelKl: kl,
      labelJs: js,
    };
  }
  const refName = groups.labels[refIndex]!;
  const dopts = {
    convention: CONVENTIONS.aequa,
    reference: refName,
    metric: 'baseRate',
    onUndefined: 'skip',
  } as const;
  const test = chiSquareTest(Array.from({ length: k }, (_, g) => [pos[g]!, tot[g]! - pos[g]!]));
  const out: LabelBias = {
    reference: refName,
    baseRateDifference: difference(rates, dopts),
    baseRateRatio: ratio(rates, dopts),
    chiSquare: chi(test),
    maxLabelKl: maxKl,
  };
  if (control.length === 0) return out;
  const strata = groupCodes(table, control);
  const cells = new Map<string, Map<string, Confusion>>();
  const s = strata.labels.length;
  const cp = new Float64Array(k * s);
  const cn = new Float64Array(k * s);
  for (let i = 0; i < y.length; i++) {
    if (!labelled[i]) continue;
    const idx = groups.codes[i]! * s + strata.codes[i]!;
    if (y[i]) cp[idx]! += 1;
    else cn[idx]! += 1;
  }
  for (let g = 0; g < k; g++) {
    const m = new Map<string, Confusion>();
    for (let t = 0; t < s; t++) {
      const a = cp[g * s + t]!;
      const b = cn[g * s + t]!;
      if (a + b === 0) continue;
      // Labels stand in for decisions: "accepted" = a positive label.
      m.set(strata.labels[t]!, { tp: a, fp: 0, tn: b, fn: 0, ntp: a, nfp: 0, ntn: b, nfn: 0 });
    }
    cells.set(groups.labels[g]!, m);
  }
  return { ...out, conditional: conditionalDisparities(cells, CONVENTIONS.aequa, refName, control) };
}

function missingnessOf(name: string, col: Column, groups: GroupCodes): Missingness {
  const k = groups.labels.length;
  const miss = new Float64Array(k);
  let total = 0;
  if (col.valid !== null) {
    for (let i = 0; i < col.valid.length; i++) {
      if (col.valid.isValid(i)) continue;
      miss[groups.codes[i]!]! += 1;
      total++;
    }
  }
  const byGroup: Record<string, number | null> = {};
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let g = 0; g < k; g++) {
    const n = groups.counts[g]!;
    const r = n > 0 ? miss[g]! / n : null;
    byGroup[groups.labels[g]!] = r;
    if (r !== null) {
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
  }
  const test =
    total > 0
      ? chiSquareTest(Array.from({ length: k }, (_, g) => [miss[g]!, groups.counts[g]! - miss[g]!]))
      : null;
  const n = groups.codes.length;
  return {
    column: name,
    missing: total,
    rate: n > 0 ? total / n : 0,
    byGroup,
    difference: hi >= lo ? hi - lo : null,
    pValue: test === null ? null : test.pValue,
  };
}

/** Counts per (stratum × group × level), flat, with totals per (stratum × level). */
function levelCounts(
  d: Discretized,
  groups: GroupCodes,
  stratum: ((i: number) => number) | null,
  strata: number,
): { counts: Float64Array; totals: Float64Array; L: number; k: number } {
  const L = d.levels.length;
  const k = groups.labels.length;
  const counts = new Float64Array(strata * k * L);
  const totals = new Float64Array(strata * L);
  for (let i = 0; i < d.codes.length; i++) {
    const c = d.codes[i]!;
    if (c < 0) continue;
    const s = stratum === null ? 0 : stratum(i);
    if (s < 0) continue;
    counts[(s * k + groups.codes[i]!) * L + c]! += 1;
    totals[s * L + c]! += 1;
  }
  return { counts, totals, L, k };
}

/**
 * The valid values of a number column partitioned by a key (0 … keys − 1, −1 = skip), each part
 * sorted: one Float64Array plus offsets.
 */
function partitionSorted(
  col: Column & { kind: 'number' },
  key: (i: number) => number,
  keys: number,
): { values: Float64Array; offsets: Uint32Array } {
  const n = col.values.length;
  const sizes = new Uint32Array(keys + 1);
  for (let i = 0; i < n; i++) {
    if (col.valid !== null && !col.valid.isValid(i)) continue;
    const kk = key(i);
    if (kk >= 0) sizes[kk + 1]!++;
  }
  for (let j = 1; j <= keys; j++) sizes[j]! += sizes[j - 1]!;
  const offsets = Uint32Array.from(sizes);
  const values = new Float64Array(offsets[keys]!);
  const fill = Uint32Array.from(sizes);
  for (let i = 0; i < n; i++) {
    if (col.valid !== null && !col.valid.isValid(i)) continue;
    const kk = key(i);
    if (kk >= 0) values[fill[kk]!++] = col.values[i]!;
  }
  for (let j = 0; j < keys; j++) values.subarray(offsets[j]!, offsets[j + 1]!).sort();
  return { values, offsets };
}

function distancesOf(groupCounts: Float64Array, totals: Float64Array, rest: number[] | null): GroupDistance {
  let any = false;
  for (let j = 0; j < groupCounts.length; j++) if (groupCounts[j]! > 0) any = true;
  if (!any) return { kl: null, js: null, tv: null };
  const out: GroupDistance = {
    kl: finiteOrNull(klDivergence(groupCounts, totals)),
    js: jsDivergence(groupCounts, totals),
    tv: totalVariation(groupCounts, totals),
  };
  if (rest === null) return out;
  return { ...out, chiSquare: chi(chiSquareTest([Array.from(groupCounts), rest])) };
}

function maxOf(values: (number | null)[]): number | null {
  let m: number | null = null;
  for (const v of values) if (v !== null) m = m === null ? v : Math.max(m, v);
  return m;
}

function featureDistance(name: string, col: Column, d: Discretized, groups: GroupCodes): FeatureDistance {
  const { counts, totals, L, k } = levelCounts(d, groups, null, 1);
  let w: { values: Float64Array; offsets: Uint32Array } | null = null;
  let all: Float64Array | null = null;
  if (col.kind === 'number') {
    w = partitionSorted(col, (i) => groups.codes[i]!, k);
    all = validSorted(col);
  }
  const byGroup: Record<string, GroupDistance> = {};
  for (let g = 0; g < k; g++) {
    const gc = counts.subarray(g * L, (g + 1) * L);
    const rest = Array.from(totals, (t, j) => t - gc[j]!);
    let dist = distancesOf(gc, totals, rest);
    if (w !== null && all !== null) {
      const part = w.values.subarray(w.offsets[g]!, w.offsets[g + 1]!);
      dist = {
        ...dist,
        wasserstein1: part.length > 0 && all.length > 0 ? wasserstein1Sorted(part, all) : null,
      };
    }
    byGroup[groups.labels[g]!] = dist;
  }
  const vals = Object.values(byGroup);
  return {
    feature: name,
    kind: d.kind,
    binned: d.binned,
    byGroup,
    maxJs: maxOf(vals.map((v) => v.js)),
    maxTv: maxOf(vals.map((v) => v.tv)),
  };
}

function labelShift(
  name: string,
  col: Column,
  d: Discretized,
  groups: GroupCodes,
  y: Uint8Array,
  labelled: Uint8Array,
): LabelConditionalShift {
  const stratum = (i: number): number => (labelled[i] ? y[i]! : -1);
  const { counts, totals, L, k } = levelCounts(d, groups, stratum, 2);
  let w: { values: Float64Array; offsets: Uint32Array } | null = null;
  let perLabel: { values: Float64Array; offsets: Uint32Array } | null = null;
  if (col.kind === 'number') {
    w = partitionSorted(col, (i) => (labelled[i] ? y[i]! * k + groups.codes[i]! : -1), 2 * k);
    perLabel = partitionSorted(col, stratum, 2);
  }
  const byLabel = {
    negative: {} as Record<string, GroupDistance>,
    positive: {} as Record<string, GroupDistance>,
  };
  const js: (number | null)[] = [];
  for (let s = 0; s < 2; s++) {
    const t = totals.subarray(s * L, (s + 1) * L);
    const target = s === 1 ? byLabel.positive : byLabel.negative;
    for (let g = 0; g < k; g++) {
      const gc = counts.subarray((s * k + g) * L, (s * k + g + 1) * L);
      let dist = distancesOf(gc, t, null);
      if (w !== null && perLabel !== null) {
        const part = w.values.subarray(w.offsets[s * k + g]!, w.offsets[s * k + g + 1]!);
        const ref = perLabel.values.subarray(perLabel.offsets[s]!, perLabel.offsets[s + 1]!);
        dist = {
          ...dist,
          wasserstein1: part.length > 0 && ref.length > 0 ? wasserstein1Sorted(part, ref) : null,
        };
      }
      target[groups.labels[g]!] = dist;
      js.push(dist.js);
    }
  }
  return { feature: name, byLabel, maxJs: maxOf(js) };
}

function balanceOf(table: Table, sensitive: readonly string[], epsilon: number): IntersectionBalance | null {
  const all = groupCodes(table, sensitive);
  const levels = all.levelsByColumn;
  let cells = 1;
  for (const l of levels) cells *= l.length;
  if (cells < 2 || cells > MAX_BALANCE_CELLS) return null;
  const countOf = new Map<string, number>();
  all.labels.forEach((l, g) => {
    if (!all.parts[g]!.includes(null)) countOf.set(l, all.counts[g]!);
  });
  const counts = new Float64Array(cells);
  const names: string[] = new Array(cells);
  const idx = new Array<number>(levels.length).fill(0);
  for (let c = 0; c < cells; c++) {
    const name = levels.map((l, j) => l[idx[j]!]!).join('&');
    names[c] = name;
    counts[c] = countOf.get(name) ?? 0;
    for (let j = levels.length - 1; j >= 0; j--) {
      idx[j]!++;
      if (idx[j]! < levels[j]!.length) break;
      idx[j] = 0;
    }
  }
  let lo = 0;
  let hi = 0;
  let empty = 0;
  for (let c = 0; c < cells; c++) {
    if (counts[c] === 0) empty++;
    if (counts[c]! < counts[lo]!) lo = c;
    if (counts[c]! > counts[hi]!) hi = c;
  }
  return {
    features: [...sensitive],
    cells,
    emptyCells: empty,
    theil: theilIndexOfCounts(counts),
    theilMax: Math.log(cells),
    atkinson: atkinsonIndex(counts, epsilon),
    atkinsonEpsilon: epsilon,
    smallest: { group: names[lo]!, count: counts[lo]! },
    largest: { group: names[hi]!, count: counts[hi]! },
  };
}

/** A p-value for a message; one that underflows to 0 is printed as a bound, never as "0". */
function pText(p: number): string {
  return p === 0 ? '< 1e-300' : `= ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function findingsOf(r: Omit<DataBiasResult, 'findings'>): Finding[] {
  const T = DATA_BIAS_THRESHOLDS;
  const out: Finding[] = [];
  if (r.labels !== null && r.labels.imbalanceRatio < T.imbalanceRatio) {
    out.push({
      severity: 'warning',
      feature: r.labels.column,
      metric: 'imbalanceRatio',
      message: `The label "${r.labels.column}" is imbalanced: ${pct(r.labels.positiveRate)} positive (minority/majority ${r.labels.imbalanceRatio.toFixed(2)}).`,
    });
  }
  for (const [feature, fb] of Object.entries(r.byFeature)) {
    for (const g of fb.groups) {
      // Intersections are summarised by the balance indices instead of one line per cell.
      if (fb.features.length > 1 || g.group.includes(MISSING_KEY)) continue;
      if (g.representationRatio !== null && g.representationRatio < T.ratio) {
        out.push({
          severity:
            fb.representation.chiSquare !== null && fb.representation.chiSquare.pValue < T.alpha
              ? 'significant'
              : 'warning',
          feature,
          metric: 'representationRatio',
          message: `${feature}=${g.group} is under-represented: ${pct(g.share)} of rows against a reference share of ${pct(g.referenceShare!)} (ratio ${g.representationRatio.toFixed(2)}).`,
        });
      }
    }
    const lb = fb.labels;
    if (lb !== null && lb.baseRateRatio.value !== null && lb.baseRateRatio.value < T.ratio) {
      const lo = lb.baseRateRatio.groups?.[0] ?? '?';
      const hi = lb.baseRateRatio.groups?.[1] ?? '?';
      const sig = lb.chiSquare !== null && lb.chiSquare.pValue < T.alpha;
      out.push({
        severity: sig ? 'significant' : 'warning',
        feature,
        metric: 'baseRateRatio',
        message: `Base rates of the label differ by ${feature}: ${lo} ${pct(rateOf(fb, lo))} against ${hi} ${pct(rateOf(fb, hi))} (ratio ${lb.baseRateRatio.value.toFixed(2)}${lb.chiSquare ? `, p ${pText(lb.chiSquare.pValue)}` : ''}).`,
      });
    }
    for (const m of fb.missingness) {
      if (
        m.difference !== null &&
        m.difference >= T.missingDifference &&
        m.pValue !== null &&
        m.pValue < T.alpha
      ) {
        out.push({
          severity: 'warning',
          feature,
          metric: 'missingRate',
          message: `Missing values of "${m.column}" differ by ${feature} (rates from ${pct(minOf(m.byGroup))} to ${pct(minOf(m.byGroup) + m.difference)}).`,
        });
      }
    }
    if (fb.features.length === 1) {
      for (const p of fb.proxies) {
        if (!p.flagged) continue;
        out.push({
          severity: 'warning',
          feature,
          metric: 'proxy',
          message: `"${p.feature}" is a proxy for ${feature}${p.auc !== null ? ` (AUC ${p.auc.toFixed(2)}` : ' ('}${p.cramersV !== null ? `${p.auc !== null ? ', ' : ''}Cramér's V ${p.cramersV.toFixed(2)}` : ''}): dropping ${feature} does not remove its information.`,
        });
      }
    }
  }
  if (r.balance !== null && r.balance.emptyCells > 0) {
    out.push({
      severity: 'info',
      feature: r.balance.features.join('&'),
      metric: 'emptyIntersections',
      message: `${r.balance.emptyCells} of ${r.balance.cells} intersections of ${listSome(r.balance.features)} have no rows.`,
    });
  }
  return out;
}

function rateOf(fb: SensitiveFeatureDataBias, group: string): number {
  return fb.groups.find((g) => g.group === group)?.baseRate ?? 0;
}

function minOf(m: Readonly<Record<string, number | null>>): number {
  let lo = Number.POSITIVE_INFINITY;
  for (const v of Object.values(m)) if (v !== null) lo = Math.min(lo, v);
  return Number.isFinite(lo) ? lo : 0;
}
