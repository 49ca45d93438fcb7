/**
 * @module report/format
 * Shared wording and number formatting of the audit reports (Markdown, HTML, terminal), so the three
 * say the same thing the same way: 3 decimals, intervals as `0.420 [0.390, 0.450]`, undefined values
 * as `—` with the reason, and one plain-language note on the convention (AuditResult of
 * src/metrics/audit-types.ts; the four-fifths rule: 29 CFR § 1607.4(D), https://www.ecfr.gov/current/title-29/part-1607).
 */
import type {
  AuditResult,
  DisparityResult,
  FeatureResult,
  GroupResult,
  Interval,
  MetricName,
  UndefinedReason,
} from '../metrics/index.js';

/** What an undefined value prints as. */
export const DASH = '—';

/**
 * Formats a number to `digits` decimals; null or undefined as `—`; integers (counts) without decimals
 * when `integer` is set. Negative zero prints as 0.
 * @example fmtNum(0.41666) // '0.417'
 * @example fmtNum(null) // '—'
 */
export function fmtNum(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return DASH;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/**
 * Formats a count: an integer with thin grouping (`6172` stays `6172`), a weighted count with 1 decimal.
 * @example fmtCount(6172) // '6172'
 */
export function fmtCount(x: number | null | undefined): string {
  if (x === null || x === undefined) return DASH;
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/**
 * Formats an interval as `[lo, hi]` to 3 decimals.
 * @example fmtInterval([0.39, 0.45]) // '[0.390, 0.450]'
 */
export function fmtInterval(ci: Interval | undefined): string {
  return ci === undefined ? '' : `[${fmtNum(ci[0])}, ${fmtNum(ci[1])}]`;
}

/**
 * A value with its interval (when there is one): `0.420 [0.390, 0.450]`.
 * @example fmtWithCi(0.42, [0.39, 0.45]) // '0.420 [0.390, 0.450]'
 */
export function fmtWithCi(value: number | null | undefined, ci: Interval | undefined): string {
  if (value === null || value === undefined) return DASH;
  return ci === undefined ? fmtNum(value) : `${fmtNum(value)} ${fmtInterval(ci)}`;
}

/**
 * Formats a p-value: 3 decimals down to 0.001, then scientific with 1 decimal (`8.6e-99`), so tiny
 * p-values stay distinguishable from each other and are never printed as 0.
 * @example fmtP(0.0257) // '0.026'
 * @example fmtP(8.6e-99) // '8.6e-99'
 */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return DASH;
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** Short human labels of the per-group metrics (column heads). */
export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  count: 'count',
  weight: 'weight',
  baseRate: 'base rate',
  selectionRate: 'selection rate',
  truePositiveRate: 'TPR',
  falsePositiveRate: 'FPR',
  trueNegativeRate: 'TNR',
  falseNegativeRate: 'FNR',
  precision: 'precision',
  negativePredictiveValue: 'NPV',
  falseDiscoveryRate: 'FDR',
  falseOmissionRate: 'FOR',
  accuracy: 'accuracy',
  balancedAccuracy: 'balanced accuracy',
  f1: 'F1',
  positivePredictionShare: 'share of positives',
  rocAuc: 'AUC',
  brierScore: 'Brier score',
  expectedCalibrationError: 'ECE',
  subgroupAuc: 'subgroup AUC',
  bpsnAuc: 'BPSN AUC',
  bnspAuc: 'BNSP AUC',
  meanPrediction: 'mean prediction',
  meanTarget: 'mean target',
  meanError: 'mean error',
  meanAbsoluteError: 'MAE',
  rootMeanSquaredError: 'RMSE',
};

/**
 * The label of a metric or disparity name: the known short label, else camelCase split into words.
 * @example metricLabel('truePositiveRate') // 'TPR'
 * @example metricLabel('demographicParityDifference') // 'demographic parity difference'
 */
export function metricLabel(name: string): string {
  const known = (METRIC_LABELS as Readonly<Record<string, string>>)[name];
  if (known !== undefined) return known;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/\bAuc\b/g, 'AUC')
    .toLowerCase()
    .replace(/\bauc\b/g, 'AUC')
    .replace(/\broc\b/g, 'ROC');
}

/**
 * The per-group metric columns of the report tables, in order: count, then the task's key metrics;
 * AUC only when some group has it.
 * @example groupColumns(result) // ['count', 'selectionRate', 'truePositiveRate', 'falsePositiveRate', 'precision', 'accuracy', 'rocAuc']
 */
export function groupColumns(result: AuditResult, fr?: FeatureResult): MetricName[] {
  if (result.input.task === 'regression') {
    return [
      'count',
      'meanPrediction',
      'meanTarget',
      'meanError',
      'meanAbsoluteError',
      'rootMeanSquaredError',
    ];
  }
  const cols: MetricName[] = [
    'count',
    'selectionRate',
    'truePositiveRate',
    'falsePositiveRate',
    'precision',
    'accuracy',
  ];
  const features = fr ? [fr] : Object.values(result.byFeature);
  const hasAuc = features.some((f) => Object.values(f.groups).some((g) => typeof g.rocAuc === 'number'));
  if (hasAuc) cols.push('rocAuc');
  return cols;
}

/** A group's value of one metric as report text, with the reason when it is undefined. */
export interface CellText {
  /** `0.420 [0.390, 0.450]`, `0.420`, or `—`. */
  readonly text: string;
  /** Why the value is null (`noPositives`), when known. */
  readonly reason: UndefinedReason | undefined;
}

/**
 * A group's metric as text: the value with its interval, or `—` with the reason it is undefined.
 * @example groupCell(group, 'truePositiveRate') // { text: '—', reason: 'noPositives' }
 */
export function groupCell(g: GroupResult, metric: MetricName, withCi = true): CellText {
  if (metric === 'count') return { text: fmtCount(g.count), reason: undefined };
  const v = g[metric];
  if (v === null || v === undefined) return { text: DASH, reason: g.undefinedBecause?.[metric] };
  if (metric === 'weight') return { text: fmtCount(v), reason: undefined };
  return { text: withCi ? fmtWithCi(v, g.ci?.[metric]) : fmtNum(v), reason: undefined };
}

/**
 * Cell text with the reason appended: `— (noPositives)`.
 * @example cellWithReason({ text: '—', reason: 'noPositives' }) // '— (noPositives)'
 */
export function cellWithReason(c: CellText): string {
  return c.reason === undefined ? c.text : `${c.text} (${c.reason})`;
}

/**
 * The disparities of a feature in report order: differences and ratios first (as computed), then
 * indices (generalized entropy, Theil).
 * @example orderedDisparities(fr)[0] // ['demographicParityDifference', { value: 0.354, … }]
 */
export function orderedDisparities(fr: FeatureResult): [string, DisparityResult][] {
  const all = Object.entries(fr.disparities);
  return [...all.filter(([, d]) => d.kind !== 'index'), ...all.filter(([, d]) => d.kind === 'index')];
}

/** The disparities the terminal shows by default: the headline ones of each fairness definition. */
export const KEY_DISPARITIES: readonly string[] = [
  'demographicParityDifference',
  'demographicParityRatio',
  'disparateImpact',
  'equalOpportunityDifference',
  'falsePositiveRateDifference',
  'equalizedOddsDifference',
  'predictiveParityDifference',
  'accuracyDifference',
  'rocAucDifference',
  'meanPredictionDifference',
  'meanErrorDifference',
  'meanAbsoluteErrorDifference',
  'rootMeanSquaredErrorDifference',
];

/**
 * Whether a ratio disparity satisfies the four-fifths rule (ratio ≥ 0.8): the result's own
 * `fourFifths` when present, else computed for ratios; undefined for differences, indices and nulls.
 * @example fourFifthsOf({ value: 0.69, kind: 'ratio', metric: 'selectionRate' }) // false
 */
export function fourFifthsOf(d: DisparityResult): boolean | undefined {
  if (d.fourFifths !== undefined) return d.fourFifths;
  if (d.kind !== 'ratio' || d.value === null) return undefined;
  return d.value >= 0.8;
}

/**
 * Whether a ratio lies inside the convention's fair band (e.g. [0.8, 1.25]); undefined otherwise.
 * @example inFairBand({ value: 0.69, kind: 'ratio', metric: 'selectionRate' }, [0.8, 1.25]) // false
 */
export function inFairBand(d: DisparityResult, band: readonly [number, number]): boolean | undefined {
  if (d.kind !== 'ratio' || d.value === null) return undefined;
  return d.value >= band[0] && d.value <= band[1];
}

const DIFFERENCE_TEXT: Record<AuditResult['convention']['difference'], string> = {
  maxMinusMin: 'differences are the largest minus the smallest group value (unsigned)',
  unprivilegedMinusPrivileged:
    'differences are the worst-off group minus the reference group (signed, AIF360)',
  toReference: 'differences are the largest gap between a group and the reference group (Aequitas)',
};
const RATIO_TEXT: Record<AuditResult['convention']['ratio'], string> = {
  minOverMax: 'ratios are the smallest over the largest group value',
  toReference: 'ratios are a group value over the reference group value',
};

/**
 * One paragraph on how to read the numbers: the convention, the intervals, the test correction.
 * @example conventionNote(result) // 'Convention "aequa": differences are the largest minus … .'
 */
export function conventionNote(result: AuditResult): string {
  const c = result.convention;
  const o = result.options;
  const undef =
    c.undefinedRate === 'null'
      ? 'a rate whose denominator is 0 is undefined and shown as — with the reason'
      : 'a rate whose denominator is 0 counts as 0 (fairlearn)';
  const parts = [
    `Convention "${c.name}": ${DIFFERENCE_TEXT[c.difference]}; ${RATIO_TEXT[c.ratio]}; ${undef}. ` +
      `A ratio counts as fair inside [${c.fairRatioBand[0]}, ${c.fairRatioBand[1]}]; the four-fifths rule asks for a ratio of at least 0.8.`,
  ];
  if (o.ci !== null) {
    const level = `${+(o.ci * 100).toFixed(1)}%`;
    const groupCi = o.ciMethod === 'bootstrap' ? 'bootstrap' : 'Wilson score';
    const boot =
      o.bootstrapResamples !== null && o.bootstrapResamples > 0
        ? `; disparity intervals are percentile bootstrap intervals (${o.bootstrapResamples} resamples, seed ${o.seed})`
        : '';
    parts.push(`Intervals are ${level} ${groupCi} intervals for group rates${boot}.`);
  } else {
    parts.push('No confidence intervals were requested.');
  }
  const corr = correctionName(result.significance.correction);
  parts.push(
    `Significance: ${result.significance.tests.length} tests, ${corr} correction, α = ${result.significance.alpha}; ` +
      `groups with fewer than ${o.minGroupSize} rows are marked small and their numbers are unreliable.`,
  );
  return parts.join(' ');
}

/**
 * The name of a multiple-comparison correction as prose.
 * @example correctionName('bh') // 'Benjamini–Hochberg'
 */
export function correctionName(c: 'holm' | 'bh' | 'none'): string {
  return c === 'holm' ? 'Holm' : c === 'bh' ? 'Benjamini–Hochberg' : 'no';
}

/**
 * The input summary as label/value pairs, in reading order; absent settings are left out.
 * @example inputSummary(result)[0] // ['data', 'examples/data/compas.csv']
 */
export function inputSummary(result: AuditResult): [string, string][] {
  const i = result.input;
  const rows: [string, string][] = [['data', i.source]];
  rows.push([
    'rows audited',
    `${result.rows}${i.rowsDropped > 0 ? ` (${i.rowsDropped} of ${i.rowsSeen} dropped)` : ''}`,
  ]);
  rows.push(['task', i.task]);
  rows.push([
    'label',
    i.positive && i.positive.length > 0 ? `${i.label} (positive: ${i.positive.join(', ')})` : i.label,
  ]);
  if (i.prediction !== null) rows.push(['prediction', i.prediction]);
  if (i.score !== null)
    rows.push(['score', i.threshold !== null ? `${i.score} (threshold ${i.threshold})` : i.score]);
  rows.push([
    'sensitive',
    i.sensitive.join(', ') + (result.options.intersections ? ' (with intersections)' : ''),
  ]);
  if (i.control.length > 0) rows.push(['control', i.control.join(', ')]);
  if (i.weight !== null) rows.push(['weight', i.weight]);
  rows.push(['engine', i.engine]);
  rows.push(['convention', result.convention.name]);
  rows.push(['tool', `${result.tool.name} ${result.tool.version}`]);
  return rows;
}

/**
 * The human name of a feature key: `race&sex` → `race × sex`.
 * @example featureTitle('race&sex') // 'race × sex'
 */
export function featureTitle(name: string): string {
  return name.split('&').join(' × ');
}
