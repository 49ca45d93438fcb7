/**
 * @module report/charts/group-rates
 * The per-group bar chart of a feature: selection rate, TPR and FPR (or, for regression, mean
 * prediction, mean error and MAE) side by side, with confidence-interval whiskers and a dashed line
 * at the reference group's value, in the spirit of Aequitas' group metric plots
 * (Saleiro et al. 2018, https://arxiv.org/abs/1811.05577). Returns a Vega-Lite spec.
 */
import type { AuditResult, FeatureResult, MetricName } from '../../metrics/index.js';
import { featureTitle, fmtNum, metricLabel } from '../format.js';
import { CHART_CONFIG, COLORS } from './theme.js';

/** A chart spec with the text that goes around it. */
export interface ChartSpec {
  readonly spec: Record<string, unknown>;
  /** One sentence for `aria-label` and the caption. */
  readonly label: string;
  /** A note under the chart (e.g. groups left out), when needed. */
  readonly note?: string;
}

export interface GroupRatesOptions {
  /** At most this many groups are drawn (the largest by count); the tables list all. @default 30 */
  readonly maxGroups?: number;
}

const BINARY: readonly MetricName[] = ['selectionRate', 'truePositiveRate', 'falsePositiveRate'];
const REGRESSION: readonly MetricName[] = ['meanPrediction', 'meanError', 'meanAbsoluteError'];

/**
 * The groups to draw: the `max` largest by count, then sorted by the first metric, highest first
 * (undefined values last, ties by name), so the order reads as a ranking.
 * @example chartGroups(fr, 'selectionRate', 30) // ['African-American', 'Native American', …]
 */
export function chartGroups(
  fr: FeatureResult,
  first: MetricName,
  max: number,
): { shown: string[]; total: number } {
  const entries = Object.entries(fr.groups);
  const kept =
    entries.length > max
      ? [...entries].sort((a, b) => b[1].count - a[1].count || cmp(a[0], b[0])).slice(0, max)
      : entries;
  const value = (g: (typeof entries)[number][1]) => (first === 'count' ? g.count : g[first]);
  kept.sort((a, b) => {
    const va = value(a[1]);
    const vb = value(b[1]);
    if (va === null || va === undefined) return vb === null || vb === undefined ? cmp(a[0], b[0]) : 1;
    if (vb === null || vb === undefined) return -1;
    return vb - va || cmp(a[0], b[0]);
  });
  return { shown: kept.map(([k]) => k), total: entries.length };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The Vega-Lite spec of a feature's group-rate chart. Bars of small groups are faded and their labels
 * say "(small)"; the reference group's label says "(ref)". Group names are data values only (never
 * part of a Vega expression), so any text is safe.
 *
 * @param result - the audit (for the task and the minimum group size).
 * @param name - the feature key, e.g. "race" or "race&sex".
 * @param opts - group cap.
 * @example groupRatesChart(result, 'race').label // 'Selection rate, TPR and FPR by race, with 95% intervals; …'
 */
export function groupRatesChart(result: AuditResult, name: string, opts: GroupRatesOptions = {}): ChartSpec {
  const fr = result.byFeature[name]!;
  const metrics = result.input.task === 'regression' ? REGRESSION : BINARY;
  const max = opts.maxGroups ?? 30;
  const { shown, total } = chartGroups(fr, metrics[0]!, max);
  const ref = fr.groups[fr.reference];
  const rows: Record<string, unknown>[] = [];
  const used = new Set<string>();
  shown.forEach((g, order) => {
    const gr = fr.groups[g]!;
    let label = `${g}${g === fr.reference ? ' (ref)' : ''}${gr.small ? ' (small)' : ''}`;
    while (used.has(label)) label = `${label} `;
    used.add(label);
    metrics.forEach((m, mi) => {
      const v = gr[m as Exclude<MetricName, 'count'>];
      const ci = gr.ci?.[m];
      const refValue = ref?.[m as Exclude<MetricName, 'count'>];
      rows.push({
        label,
        order,
        metric: metricLabel(m),
        metricOrder: mi,
        value: typeof v === 'number' ? v : null,
        lo: ci ? ci[0] : null,
        hi: ci ? ci[1] : null,
        ref: typeof refValue === 'number' ? refValue : null,
        small: gr.small,
        text: typeof v === 'number' ? fmtNum(v) : '—',
      });
    });
  });
  const isRate = result.input.task !== 'regression';
  const level = result.options.ci !== null ? `${+(result.options.ci * 100).toFixed(1)}% ` : '';
  const x = {
    field: 'value',
    type: 'quantitative',
    title: null,
    ...(isRate ? { scale: { domain: [0, 1], nice: false } } : {}),
    axis: { tickCount: 4, format: isRate ? '.1f' : '~s' },
  };
  const y = {
    field: 'label',
    type: 'nominal',
    title: null,
    sort: { field: 'order', op: 'min' },
    axis: { labelLimit: 360 },
  };
  const spec: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    data: { values: rows },
    facet: {
      column: { field: 'metric', type: 'nominal', title: null, sort: { field: 'metricOrder', op: 'min' } },
    },
    spacing: 14,
    spec: {
      width: 170,
      height: { step: shown.length > 20 ? 14 : 18 },
      layer: [
        {
          mark: { type: 'bar', color: COLORS.bar, height: { band: 0.7 } },
          encoding: {
            y,
            x,
            opacity: { condition: { test: 'datum.small', value: 0.35 }, value: 0.9 },
            tooltip: [
              { field: 'label', title: 'group' },
              { field: 'text', title: 'value' },
            ],
          },
        },
        {
          mark: { type: 'rule', color: '#111', strokeWidth: 1.3 },
          transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
          encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
        },
        {
          mark: { type: 'rule', color: COLORS.reference, strokeDash: [4, 3], strokeWidth: 1.2 },
          transform: [{ filter: 'isValid(datum.ref)' }],
          encoding: { x: { field: 'ref', type: 'quantitative', aggregate: 'min' } },
        },
      ],
    },
    resolve: { scale: { x: isRate ? 'shared' : 'independent' } },
  };
  const names = metrics
    .map((m) => metricLabel(m))
    .join(', ')
    .replace(/, ([^,]*)$/, ' and $1');
  const label =
    `${names.charAt(0).toUpperCase()}${names.slice(1)} by ${featureTitle(name)}` +
    `${level ? `, with ${level}intervals` : ''}; the dashed line marks the reference group (${fr.reference}).`;
  const note =
    total > shown.length
      ? `Showing the ${shown.length} largest of ${total} groups; the table below lists all of them.`
      : undefined;
  return note === undefined ? { spec, label } : { spec, label, note };
}
