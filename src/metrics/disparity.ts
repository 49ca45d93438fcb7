/**
 * @module metrics/disparity
 * Disparities between groups: differences and ratios of a per-group metric under a toolkit
 * convention (see `conventions.ts`), and the named fairness disparities (demographic parity,
 * equalized odds — Hardt, Price & Srebro 2016, https://arxiv.org/abs/1610.02413 — predictive parity,
 * AIF360's average odds, disparate impact and statistical parity, https://arxiv.org/abs/1810.01943),
 * all declared once in `DISPARITY_SPEC` (the fairlearn METRICS_SPEC idea).
 */

import { InvalidArgumentError, listSome } from '../core/index.js';
import type { Convention, DisparityResult, MetricValue } from './audit-types.js';
import { applyUndefinedRate, BINARY_METRIC_FUNCTIONS, type GroupBinaryMetricName } from './base.js';
import type { Confusion } from './stats/types.js';

/** Per-group values of one metric, group name → value, in a stable order (Map insertion or key order). */
export type GroupValues = ReadonlyMap<string, MetricValue> | Readonly<Record<string, MetricValue>>;

/** Why a disparity has no value. */
export type DisparityReason = NonNullable<DisparityResult['undefinedBecause']>;

/** Options of {@link difference} and {@link ratio}. */
export interface DisparityOptions {
  /** The convention that says how to form the difference or ratio. */
  readonly convention: Convention;
  /** The reference (privileged) group; used only by conventions that compare with it. */
  readonly reference: string;
  /** The metric's name, copied into the result. @default 'value' */
  readonly metric?: string;
  /**
   * What an undefined group does: 'null' makes the disparity null with that group's reason; 'skip'
   * leaves the group out (the reference is never skipped). @default 'null'
   */
  readonly onUndefined?: 'null' | 'skip';
}

/** Options of the named disparities and {@link computeDisparities}. */
export interface NamedDisparityOptions {
  readonly reference: string;
  readonly convention: Convention;
  /** @default 'null' */
  readonly onUndefined?: 'null' | 'skip';
}

type Entry = readonly [group: string, value: MetricValue];
type Defined = readonly [group: string, value: number];
type Kind = 'difference' | 'ratio';

function entriesOf(values: GroupValues): Entry[] {
  if (values instanceof Map) return [...(values as ReadonlyMap<string, MetricValue>).entries()];
  return Object.entries(values as Readonly<Record<string, MetricValue>>);
}

function nullResult(
  metric: string,
  kind: Kind,
  reason: DisparityReason,
  groups?: readonly string[],
): DisparityResult {
  return groups === undefined
    ? { value: null, undefinedBecause: reason, metric, kind }
    : { value: null, undefinedBecause: reason, metric, kind, groups };
}

/** The defined values, or the first undefined group when undefined groups are not skipped. */
function definedOf(list: readonly Entry[], onUndefined: 'null' | 'skip'): { ok: Defined[] } | { bad: Entry } {
  const out: Defined[] = [];
  for (const e of list) {
    if (e[1].value === null) {
      if (onUndefined === 'null') return { bad: e };
      continue;
    }
    out.push([e[0], e[1].value]);
  }
  return { ok: out };
}

function badResult(bad: Entry, metric: string, kind: Kind): DisparityResult {
  return nullResult(metric, kind, bad[1].undefinedBecause ?? 'undefinedInput', [bad[0]]);
}

function assertNonNegative(fn: string, list: readonly Defined[]): void {
  for (const [g, v] of list) {
    if (v < 0) {
      throw new InvalidArgumentError(
        fn,
        `values[${JSON.stringify(g)}]`,
        v,
        'a number ≥ 0 (a ratio of values of mixed sign has no meaning)',
        'Use difference() for metrics that can be negative, such as mean error.',
      );
    }
  }
}

function referenceError(fn: string, groups: readonly string[], reference: string): InvalidArgumentError {
  return new InvalidArgumentError(
    fn,
    'reference',
    reference,
    `one of the groups (${listSome(groups)})`,
    'Pass the name of a group that is present, e.g. the largest or the privileged group.',
  );
}

function findReference(fn: string, list: readonly Entry[], reference: string): MetricValue {
  for (const e of list) if (e[0] === reference) return e[1];
  throw referenceError(
    fn,
    list.map((e) => e[0]),
    reference,
  );
}

/** Index of the element with the largest `rank`; ties go to the first. */
function argmax<T>(xs: readonly T[], rank: (x: T) => number): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (rank(xs[i]!) > rank(xs[best]!)) best = i;
  return best;
}

/**
 * Index of the group with the largest `rank`; ties go to the smallest group name (code-unit order),
 * so the result does not depend on the order the groups come in.
 */
function argmaxGroup(xs: readonly Defined[], rank: (v: number) => number): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) {
    const r = rank(xs[i]![1]);
    const b = rank(xs[best]![1]);
    if (r > b || (r === b && xs[i]![0] < xs[best]![0])) best = i;
  }
  return best;
}

/** |log r|: how far a ratio is from 1, treating r and 1/r alike (0 is infinitely far). */
const logDistance = (r: number): number => Math.abs(Math.log(r));

/**
 * A reference-based comparison: each non-reference group's `score(v, ref)`, the one with the largest
 * `rank` reported. Shared by the aif360/aequitas conventions and the AIF360-named disparities.
 */
function toReference(
  fn: string,
  values: GroupValues,
  o: { reference: string; metric: string; kind: Kind; onUndefined: 'null' | 'skip' },
  score: (v: number, ref: number) => number,
  rank: (s: number) => number,
  zeroReferenceUndefined: boolean,
): DisparityResult {
  const list = entriesOf(values);
  const ref = findReference(fn, list, o.reference);
  if (ref.value === null)
    return nullResult(o.metric, o.kind, ref.undefinedBecause ?? 'undefinedInput', [o.reference]);
  const d = definedOf(
    list.filter((e) => e[0] !== o.reference),
    o.onUndefined,
  );
  if ('bad' in d) return badResult(d.bad, o.metric, o.kind);
  const others = d.ok;
  if (o.kind === 'ratio') assertNonNegative(fn, [[o.reference, ref.value], ...others]);
  if (others.length === 0) return nullResult(o.metric, o.kind, 'fewerThanTwoGroups');
  if (zeroReferenceUndefined && ref.value === 0)
    return nullResult(o.metric, o.kind, 'zeroDenominator', [o.reference]);
  const r = ref.value;
  const scored = others.map(([g, v]) => [g, score(v, r)] as const);
  const [g, value] = scored[argmaxGroup(scored, rank)]!;
  return { value, metric: o.metric, kind: o.kind, groups: [g, o.reference] };
}

/**
 * The difference of a metric between groups, under a convention:
 * - 'maxMinusMin' (aequa, fairlearn): max − min over the groups, ≥ 0; `groups` = [min group, max group];
 * - 'toReference' (aequitas): the largest |g − ref| over the non-reference groups; `groups` = [g, ref];
 * - 'unprivilegedMinusPrivileged' (aif360): the same comparison, signed g − ref (negative when the
 *   group's value is below the reference's).
 * Ties go to the group whose name sorts first, so the result does not depend on group order. Fewer than two defined groups give null with
 * 'fewerThanTwoGroups'; an undefined group gives null with its reason unless `onUndefined: 'skip'`.
 *
 * @throws {AEQ_INVALID_ARGUMENT} when a reference-based convention names a reference that is not a group.
 * @example
 * difference({ a: { value: 0.2 }, b: { value: 0.5 }, c: { value: 0.3 } }, { convention: CONVENTIONS.aequa, reference: 'a' })
 * // { value: 0.3, metric: 'value', kind: 'difference', groups: ['a', 'b'] }
 */
export function difference(values: GroupValues, opts: DisparityOptions): DisparityResult {
  const metric = opts.metric ?? 'value';
  const onUndefined = opts.onUndefined ?? 'null';
  const rule = opts.convention.difference;
  if (rule === 'maxMinusMin') {
    const d = definedOf(entriesOf(values), onUndefined);
    if ('bad' in d) return badResult(d.bad, metric, 'difference');
    const defined = d.ok;
    if (defined.length < 2) return nullResult(metric, 'difference', 'fewerThanTwoGroups');
    const lo = argmaxGroup(defined, (v) => -v);
    const hi = argmaxGroup(defined, (v) => v);
    const [gLo, vLo] = defined[lo]!;
    const [gHi, vHi] = defined[hi]!;
    return { value: vHi - vLo, metric, kind: 'difference', groups: [gLo, gHi] };
  }
  const signed = rule === 'unprivilegedMinusPrivileged';
  return toReference(
    'difference',
    values,
    { reference: opts.reference, metric, kind: 'difference', onUndefined },
    signed ? (v, r) => v - r : (v, r) => Math.abs(v - r),
    Math.abs,
    false,
  );
}

/**
 * The ratio of a metric between groups, under a convention (values must be ≥ 0):
 * - 'minOverMax' (aequa, fairlearn): min / max, in [0, 1]; `groups` = [min group, max group];
 * - 'toReference' (aif360, aequitas): g / ref for each non-reference group, reporting the one
 *   farthest from 1 on a log scale (0.5 and 2 are equally far); `groups` = [g, ref].
 * A zero denominator (all values 0 for min / max, or a reference value of 0) gives null with
 * 'zeroDenominator' — fairlearn returns NaN there; calling equal zero rates "ratio 1" would hide
 * that nothing was measured. Other undefined cases as in {@link difference}.
 *
 * @throws {AEQ_INVALID_ARGUMENT} for a negative value, or a reference that is not a group.
 * @example
 * ratio({ a: { value: 0.2 }, b: { value: 0.5 } }, { convention: CONVENTIONS.aequa, reference: 'a' })
 * // { value: 0.4, metric: 'value', kind: 'ratio', groups: ['a', 'b'] }
 */
export function ratio(values: GroupValues, opts: DisparityOptions): DisparityResult {
  const metric = opts.metric ?? 'value';
  const onUndefined = opts.onUndefined ?? 'null';
  if (opts.convention.ratio === 'minOverMax') {
    const d = definedOf(entriesOf(values), onUndefined);
    if ('bad' in d) return badResult(d.bad, metric, 'ratio');
    const defined = d.ok;
    assertNonNegative('ratio', defined);
    if (defined.length < 2) return nullResult(metric, 'ratio', 'fewerThanTwoGroups');
    const lo = argmaxGroup(defined, (v) => -v);
    const hi = argmaxGroup(defined, (v) => v);
    const [gLo, vLo] = defined[lo]!;
    const [gHi, vHi] = defined[hi]!;
    if (vHi === 0) return nullResult(metric, 'ratio', 'zeroDenominator', [gLo, gHi]);
    return { value: vLo / vHi, metric, kind: 'ratio', groups: [gLo, gHi] };
  }
  return toReference(
    'ratio',
    values,
    { reference: opts.reference, metric, kind: 'ratio', onUndefined },
    (v, r) => v / r,
    logDistance,
    true,
  );
}

/**
 * Each group compared with the reference (Aequitas style): signed difference g − ref and ratio
 * g / ref. Either is null when a value is undefined; the ratio is also null when ref = 0.
 * The reference itself is included (difference 0, ratio 1 unless its value is 0).
 *
 * @throws {AEQ_INVALID_ARGUMENT} when `reference` is not one of the groups.
 * @example
 * vsReference({ a: { value: 0.2 }, b: { value: 0.5 } }, 'a')
 * // { a: { difference: 0, ratio: 1 }, b: { difference: 0.3, ratio: 2.5 } }
 */
export function vsReference(
  groupValues: GroupValues,
  reference: string,
): Record<string, { difference: number | null; ratio: number | null }> {
  const list = entriesOf(groupValues);
  const r = findReference('vsReference', list, reference).value;
  const out: Record<string, { difference: number | null; ratio: number | null }> = {};
  for (const [g, { value: v }] of list) {
    out[g] =
      v === null || r === null
        ? { difference: null, ratio: null }
        : { difference: v - r, ratio: r === 0 ? null : v / r };
  }
  return out;
}

/**
 * The groups with the smallest and the largest defined value (ties: the name that sorts first), or null
 * when no group has a defined value.
 * @example
 * extremes({ a: { value: 0.2 }, b: { value: 0.5 }, c: { value: null, undefinedBecause: 'emptyGroup' } })
 * // { groupMin: { group: 'a', value: 0.2 }, groupMax: { group: 'b', value: 0.5 } }
 */
export function extremes(
  values: GroupValues,
): { groupMin: { group: string; value: number }; groupMax: { group: string; value: number } } | null {
  const d = definedOf(entriesOf(values), 'skip');
  const defined = 'ok' in d ? d.ok : [];
  if (defined.length === 0) return null;
  const [gLo, vLo] = defined[argmaxGroup(defined, (v) => -v)]!;
  const [gHi, vHi] = defined[argmaxGroup(defined, (v) => v)]!;
  return { groupMin: { group: gLo, value: vLo }, groupMax: { group: gHi, value: vHi } };
}

/** How a named disparity is formed from its base rate(s). */
export type DisparityRule =
  /** difference() or ratio() under the convention; with two base rates, the worse of the two. */
  | 'convention'
  /** AIF360 average_odds_difference: ½[(FPR_g − FPR_ref) + (TPR_g − TPR_ref)], signed, largest |·|. */
  | 'averageOdds'
  /** AIF360 disparate_impact: SR_g / SR_ref, the smallest; `fourFifths` = value ≥ 0.8. */
  | 'disparateImpact'
  /** AIF360 statistical_parity_difference: SR_g − SR_ref, signed, largest |·|. */
  | 'statisticalParity';

export interface DisparitySpecEntry {
  readonly kind: Kind;
  readonly metrics: readonly GroupBinaryMetricName[];
  readonly rule: DisparityRule;
  /** Where the definition comes from. */
  readonly source: string;
}

/**
 * Every named disparity of a binary classifier, declared once: its kind, base rate(s) and rule.
 * The names (`DISPARITY_NAMES`), the functions below and the JSON keys derive from this table.
 * @example DISPARITY_SPEC.equalizedOddsDifference.metrics // ['truePositiveRate', 'falsePositiveRate']
 */
export const DISPARITY_SPEC = {
  demographicParityDifference: {
    kind: 'difference',
    metrics: ['selectionRate'],
    rule: 'convention',
    source: 'fairlearn demographic_parity_difference',
  },
  demographicParityRatio: {
    kind: 'ratio',
    metrics: ['selectionRate'],
    rule: 'convention',
    source: 'fairlearn demographic_parity_ratio',
  },
  equalizedOddsDifference: {
    kind: 'difference',
    metrics: ['truePositiveRate', 'falsePositiveRate'],
    rule: 'convention',
    source: "fairlearn equalized_odds_difference (agg='worst_case'); Hardt et al. 2016",
  },
  equalizedOddsRatio: {
    kind: 'ratio',
    metrics: ['truePositiveRate', 'falsePositiveRate'],
    rule: 'convention',
    source: "fairlearn equalized_odds_ratio (agg='worst_case')",
  },
  equalOpportunityDifference: {
    kind: 'difference',
    metrics: ['truePositiveRate'],
    rule: 'convention',
    source: 'fairlearn equal_opportunity_difference; Hardt et al. 2016',
  },
  equalOpportunityRatio: {
    kind: 'ratio',
    metrics: ['truePositiveRate'],
    rule: 'convention',
    source: 'fairlearn equal_opportunity_ratio',
  },
  predictiveParityDifference: {
    kind: 'difference',
    metrics: ['precision'],
    rule: 'convention',
    source: 'Chouldechova 2017, predictive parity (equal PPV)',
  },
  predictiveParityRatio: {
    kind: 'ratio',
    metrics: ['precision'],
    rule: 'convention',
    source: 'Aequitas PPV disparity',
  },
  falsePositiveRateDifference: {
    kind: 'difference',
    metrics: ['falsePositiveRate'],
    rule: 'convention',
    source: 'AIF360 false_positive_rate_difference',
  },
  falsePositiveRateRatio: {
    kind: 'ratio',
    metrics: ['falsePositiveRate'],
    rule: 'convention',
    source: 'AIF360 false_positive_rate_ratio; Aequitas FPR disparity',
  },
  falseNegativeRateDifference: {
    kind: 'difference',
    metrics: ['falseNegativeRate'],
    rule: 'convention',
    source: 'AIF360 false_negative_rate_difference',
  },
  falseNegativeRateRatio: {
    kind: 'ratio',
    metrics: ['falseNegativeRate'],
    rule: 'convention',
    source: 'AIF360 false_negative_rate_ratio; Aequitas FNR disparity',
  },
  accuracyDifference: {
    kind: 'difference',
    metrics: ['accuracy'],
    rule: 'convention',
    source: 'fairlearn MetricFrame(accuracy_score).difference()',
  },
  accuracyRatio: {
    kind: 'ratio',
    metrics: ['accuracy'],
    rule: 'convention',
    source: 'fairlearn MetricFrame(accuracy_score).ratio()',
  },
  averageOddsDifference: {
    kind: 'difference',
    metrics: ['falsePositiveRate', 'truePositiveRate'],
    rule: 'averageOdds',
    source: 'AIF360 ClassificationMetric.average_odds_difference',
  },
  disparateImpact: {
    kind: 'ratio',
    metrics: ['selectionRate'],
    rule: 'disparateImpact',
    source: 'AIF360 ClassificationMetric.disparate_impact; Feldman et al. 2015',
  },
  statisticalParityDifference: {
    kind: 'difference',
    metrics: ['selectionRate'],
    rule: 'statisticalParity',
    source: 'AIF360 ClassificationMetric.statistical_parity_difference',
  },
} as const satisfies Record<string, DisparitySpecEntry>;

export type DisparityName = keyof typeof DISPARITY_SPEC;

/** The names of all named disparities, in `DISPARITY_SPEC` order. @example DISPARITY_NAMES.length // 17 */
export const DISPARITY_NAMES = Object.keys(DISPARITY_SPEC) as DisparityName[];

/** Per-rate group values, computed once per call and shared by all the disparities that need them. */
class RateCache {
  private readonly cache = new Map<GroupBinaryMetricName, Map<string, MetricValue>>();
  constructor(
    private readonly groups: ReadonlyMap<string, Confusion>,
    private readonly convention: Convention,
  ) {}
  get(rate: GroupBinaryMetricName): Map<string, MetricValue> {
    let m = this.cache.get(rate);
    if (!m) {
      m = new Map();
      const f = BINARY_METRIC_FUNCTIONS[rate];
      for (const [g, c] of this.groups) m.set(g, applyUndefinedRate(f(c), this.convention));
      this.cache.set(rate, m);
    }
    return m;
  }
}

/** Of several disparities of one kind, the worst: null if any is null, else the largest |d| or |log r|. */
function worstOf(parts: readonly DisparityResult[], metric: string): DisparityResult {
  for (const p of parts) if (p.value === null) return { ...p, metric };
  const kind = parts[0]!.kind;
  const rank =
    kind === 'ratio'
      ? (d: DisparityResult) => logDistance(d.value!)
      : (d: DisparityResult) => Math.abs(d.value!);
  return { ...parts[argmax(parts, rank)]!, metric };
}

function averageOdds(rates: RateCache, opts: NamedDisparityOptions, metric: string): DisparityResult {
  const fpr = rates.get('falsePositiveRate');
  const tpr = rates.get('truePositiveRate');
  const ref = opts.reference;
  const fnName = 'averageOddsDifference';
  const rf = findReference(fnName, [...fpr.entries()], ref);
  const rt = tpr.get(ref)!;
  for (const r of [rf, rt]) {
    if (r.value === null)
      return nullResult(metric, 'difference', r.undefinedBecause ?? 'undefinedInput', [ref]);
  }
  const onUndefined = opts.onUndefined ?? 'null';
  const scored: Defined[] = [];
  for (const [g, f] of fpr) {
    if (g === ref) continue;
    const t = tpr.get(g)!;
    const bad = f.value === null ? f : t.value === null ? t : undefined;
    if (bad) {
      if (onUndefined === 'null')
        return nullResult(metric, 'difference', bad.undefinedBecause ?? 'undefinedInput', [g]);
      continue;
    }
    scored.push([g, ((f.value as number) - rf.value! + ((t.value as number) - rt.value!)) / 2]);
  }
  if (scored.length === 0) return nullResult(metric, 'difference', 'fewerThanTwoGroups');
  const [g, v] = scored[argmaxGroup(scored, Math.abs)]!;
  return { value: v, metric, kind: 'difference', groups: [g, ref] };
}

function computeOne(name: DisparityName, rates: RateCache, opts: NamedDisparityOptions): DisparityResult {
  const spec: DisparitySpecEntry = DISPARITY_SPEC[name];
  const metric = spec.metrics.join(',');
  const onUndefined = opts.onUndefined ?? 'null';
  switch (spec.rule) {
    case 'convention': {
      const f = spec.kind === 'difference' ? difference : ratio;
      const parts = spec.metrics.map((m) =>
        f(rates.get(m), { convention: opts.convention, reference: opts.reference, metric: m, onUndefined }),
      );
      const out = parts.length === 1 ? parts[0]! : worstOf(parts, metric);
      if (spec.kind === 'ratio' && metric === 'selectionRate' && out.value !== null) {
        return { ...out, fourFifths: Math.min(out.value, 1 / out.value) >= 0.8 };
      }
      return out;
    }
    case 'averageOdds':
      return averageOdds(rates, opts, metric);
    case 'disparateImpact': {
      const out = toReference(
        name,
        rates.get('selectionRate'),
        { reference: opts.reference, metric, kind: 'ratio', onUndefined },
        (v, r) => v / r,
        (s) => -s,
        true,
      );
      return out.value === null ? out : { ...out, fourFifths: out.value >= 0.8 };
    }
    case 'statisticalParity':
      return toReference(
        name,
        rates.get('selectionRate'),
        { reference: opts.reference, metric, kind: 'difference', onUndefined },
        (v, r) => v - r,
        Math.abs,
        false,
      );
  }
}

/**
 * Computes one named disparity from per-group confusions.
 * @throws {AEQ_INVALID_ARGUMENT} when the reference is not one of the groups (reference-based rules).
 * @example
 * namedDisparity('demographicParityDifference', groups, { reference: 'a', convention: CONVENTIONS.aequa }).value // 0.3
 */
export function namedDisparity(
  name: DisparityName,
  groups: ReadonlyMap<string, Confusion>,
  opts: NamedDisparityOptions,
): DisparityResult {
  return computeOne(name, new RateCache(groups, opts.convention), opts);
}

/**
 * Every named disparity of `DISPARITY_SPEC`, from per-group confusions. Rates are computed once and
 * shared, so this is O(groups × rates); the bootstrap calls it once per resample.
 *
 * @param groups - group name → confusion, in a stable order.
 * @param opts - reference group, convention, and whether undefined groups are skipped.
 * @throws {AEQ_INVALID_ARGUMENT} when the reference is not one of the groups.
 * @example
 * computeDisparities(groups, { reference: 'a', convention: CONVENTIONS.aequa }).disparateImpact
 * // { value: 0.5, metric: 'selectionRate', kind: 'ratio', groups: ['b', 'a'], fourFifths: false }
 */
export function computeDisparities(
  groups: ReadonlyMap<string, Confusion>,
  opts: NamedDisparityOptions,
): Record<DisparityName, DisparityResult> {
  if (!groups.has(opts.reference))
    throw referenceError('computeDisparities', [...groups.keys()], opts.reference);
  const rates = new RateCache(groups, opts.convention);
  const out = {} as Record<DisparityName, DisparityResult>;
  for (const name of DISPARITY_NAMES) out[name] = computeOne(name, rates, opts);
  return out;
}

type Named = (groups: ReadonlyMap<string, Confusion>, opts: NamedDisparityOptions) => DisparityResult;
const named =
  (name: DisparityName): Named =>
  (groups, opts) =>
    namedDisparity(name, groups, opts);

/** Selection-rate difference under the convention. @example demographicParityDifference(groups, opts).value // 0.3 */
export const demographicParityDifference: Named = named('demographicParityDifference');
/** Selection-rate ratio under the convention, with `fourFifths`. @example demographicParityRatio(groups, opts).value // 0.4 */
export const demographicParityRatio: Named = named('demographicParityRatio');
/** The worse of the TPR and FPR differences. @example equalizedOddsDifference(groups, opts).value // 0.5 */
export const equalizedOddsDifference: Named = named('equalizedOddsDifference');
/** The worse of the TPR and FPR ratios. @example equalizedOddsRatio(groups, opts).value // 0.5 */
export const equalizedOddsRatio: Named = named('equalizedOddsRatio');
/** TPR difference. @example equalOpportunityDifference(groups, opts).value // 0.25 */
export const equalOpportunityDifference: Named = named('equalOpportunityDifference');
/** TPR ratio. @example equalOpportunityRatio(groups, opts).value // 0.6667 */
export const equalOpportunityRatio: Named = named('equalOpportunityRatio');
/** Precision difference. @example predictiveParityDifference(groups, opts).value // 0.1 */
export const predictiveParityDifference: Named = named('predictiveParityDifference');
/** Precision ratio. @example predictiveParityRatio(groups, opts).value // 0.8 */
export const predictiveParityRatio: Named = named('predictiveParityRatio');
/** FPR difference. @example falsePositiveRateDifference(groups, opts).value // 0.5 */
export const falsePositiveRateDifference: Named = named('falsePositiveRateDifference');
/** FPR ratio. @example falsePositiveRateRatio(groups, opts).value // 0.5 */
export const falsePositiveRateRatio: Named = named('falsePositiveRateRatio');
/** FNR difference. @example falseNegativeRateDifference(groups, opts).value // 0.25 */
export const falseNegativeRateDifference: Named = named('falseNegativeRateDifference');
/** FNR ratio. @example falseNegativeRateRatio(groups, opts).value // 0.5 */
export const falseNegativeRateRatio: Named = named('falseNegativeRateRatio');
/** Accuracy difference. @example accuracyDifference(groups, opts).value // 0.1 */
export const accuracyDifference: Named = named('accuracyDifference');
/** Accuracy ratio. @example accuracyRatio(groups, opts).value // 0.875 */
export const accuracyRatio: Named = named('accuracyRatio');
/** AIF360 average odds difference, signed, vs the reference. @example averageOddsDifference(groups, opts).value // -0.375 */
export const averageOddsDifference: Named = named('averageOddsDifference');
/** AIF360 disparate impact (smallest SR_g / SR_ref), with `fourFifths`. @example disparateImpact(groups, opts).value // 0.5 */
export const disparateImpact: Named = named('disparateImpact');
/** AIF360 statistical parity difference, signed, vs the reference. @example statisticalParityDifference(groups, opts).value // -0.3 */
export const statisticalParityDifference: Named = named('statisticalParityDifference');
