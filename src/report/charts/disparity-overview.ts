/**
 * @module report/charts/disparity-overview
 * The disparity overview of a feature: each difference and each ratio as a point with its interval,
 * against what "no gap" looks like (0 for differences; 1 and the convention's fair band, e.g.
 * [0.8, 1.25], with the four-fifths line for ratios). Significant gaps are vermilion diamonds, others
 * blue circles, untested ones grey squares. The four-fifths rule: 29 CFR § 1607.4(D).
 */
import type { AuditResult, DisparityResult } from '../../metrics/index.js';
import { featureTitle, fmtNum, metricLabel, orderedDisparities } from '../format.js';
import type { ChartSpec } from './group-rates.js';
import { CHART_CONFIG, COLORS } from './theme.js';

const STATUS = ['significant', 'not significant', 'not tested'] as const;

function status(d: DisparityResult): (typeof STATUS)[number] {
  return d.significant === undefined ? 'not tested' : d.significant ? 'significant' : 'not significant';
}

/** The row label without the panel's kind ("demographic parity difference" → "demographic parity"). */
function shortName(name: string): string {
  const label = metricLabel(name);
  const short = label.replace(/ (difference|ratio)$/, '');
  return short.length > 0 ? short : label;
}

function rowsOf(list: [string, DisparityResult][]): Record<string, unknown>[] {
  return list.map(([n, d], order) => ({
    name: shortName(n),
    order,
    value: d.value,
    lo: d.ci ? d.ci[0] : null,
    hi: d.ci ? d.ci[1] : null,
    status: status(d),
    text: fmtNum(d.value),
  }));
}

function pointLayers(y: Record<string, unknown>, x: Record<string, unknown>): Record<string, unknown>[] {
  return [
    {
      mark: { type: 'rule', color: '#333', strokeWidth: 1.3 },
      transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
      encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
    },
    {
      mark: { type: 'point', filled: true, size: 70, opacity: 1 },
      encoding: {
        y,
        x,
        color: {
          field: 'status',
          type: 'nominal',
          title: null,
          scale: { domain: [...STATUS], range: [COLORS.significant, COLORS.notSignificant, COLORS.untested] },
          legend: { orient: 'bottom', direction: 'horizontal' },
        },
        shape: {
          field: 'status',
          type: 'nominal',
          scale: { domain: [...STATUS], range: ['diamond', 'circle', 'square'] },
        },
        tooltip: [
          { field: 'name', title: 'disparity' },
          { field: 'text', title: 'value' },
          { field: 'status', title: 'test' },
        ],
      },
    },
  ];
}

/** An x domain that holds 0, every value and every interval end, rounded out to a tenth. */
function differenceDomain(list: readonly [string, DisparityResult][]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const [, d] of list) {
    for (const v of [d.value, d.ci?.[0], d.ci?.[1]]) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (hi - lo === 0) hi = 1;
  const step = hi - lo > 2 ? 10 ** Math.floor(Math.log10(hi - lo)) : 0.1;
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step].map(
    (x) => +x.toPrecision(12),
  ) as [number, number];
}

/**
 * The Vega-Lite spec of a feature's disparity overview, or null when the feature has no defined
 * difference or ratio. Undefined (null) disparities are left out of the chart; the table lists them.
 *
 * @param result - the audit (for the convention's fair ratio band).
 * @param name - the feature key.
 * @example disparityOverviewChart(result, 'race')?.label // 'Disparities for race: 10 differences (0 = no gap) and …'
 */
export function disparityOverviewChart(result: AuditResult, name: string): ChartSpec | null {
  const fr = result.byFeature[name]!;
  const defined = orderedDisparities(fr).filter(([, d]) => d.value !== null && Number.isFinite(d.value));
  const diffs = defined.filter(([, d]) => d.kind === 'difference');
  const ratios = defined.filter(([, d]) => d.kind === 'ratio');
  if (diffs.length === 0 && ratios.length === 0) return null;
  const [bandLo, bandHi] = result.convention.fairRatioBand;
  const panels: Record<string, unknown>[] = [];
  const y = {
    field: 'name',
    type: 'nominal',
    title: null,
    sort: { field: 'order', op: 'min' },
    axis: { labelLimit: 300 },
  };
  if (diffs.length > 0) {
    const rows = rowsOf(diffs);
    panels.push({
      title: 'Differences (0 = no gap)',
      width: 300,
      height: { step: 17 },
      data: { values: rows },
      layer: [
        {
          mark: { type: 'rule', color: COLORS.reference, strokeDash: [4, 3] },
          data: { values: [{ zero: 0 }] },
          encoding: { x: { field: 'zero', type: 'quantitative' } },
        },
        ...pointLayers(y, {
          field: 'value',
          type: 'quantitative',
          title: null,
          scale: { domain: differenceDomain(diffs) },
        }),
      ],
    });
  }
  if (ratios.length > 0) {
    const rows = rowsOf(ratios);
    const top = Math.max(bandHi, 1.05, ...ratios.map(([, d]) => Math.max(d.value ?? 0, d.ci?.[1] ?? 0)));
    const xMax = Math.min(Math.ceil(top * 4) / 4, 10);
    const x = {
      field: 'value',
      type: 'quantitative',
      title: null,
      scale: { domain: [0, xMax], nice: false, clamp: true },
    };
    panels.push({
      title: `Ratios (1 = no gap; shaded: fair band [${bandLo}, ${bandHi}]; line: four-fifths 0.8)`,
      width: 300,
      height: { step: 17 },
      data: { values: rows },
      layer: [
        {
          mark: { type: 'rect', color: COLORS.band, opacity: 0.13 },
          data: { values: [{ lo: bandLo, hi: Math.min(bandHi, xMax) }] },
          encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
        },
        {
          mark: { type: 'rule', color: COLORS.reference, strokeDash: [4, 3] },
          data: { values: [{ one: 1 }] },
          encoding: { x: { field: 'one', type: 'quantitative' } },
        },
        {
          mark: { type: 'rule', color: COLORS.significant, strokeWidth: 1.2 },
          data: { values: [{ ff: 0.8 }] },
          encoding: { x: { field: 'ff', type: 'quantitative' } },
        },
        ...pointLayers(y, x),
      ],
    });
  }
  const spec: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    vconcat: panels,
    spacing: 18,
    resolve: { scale: { color: 'shared', shape: 'shared' }, legend: { color: 'shared', shape: 'shared' } },
  };
  const nSig = defined.filter(([, d]) => d.significant === true).length;
  const label =
    `Disparities for ${featureTitle(name)}: ${diffs.length} differences (0 = no gap) and ${ratios.length} ratios ` +
    `(1 = no gap, fair band ${bandLo}–${bandHi}), with intervals; ${nSig} significant.`;
  return { spec, label };
}
