/**
 * @module report/charts/data-bias
 * The charts of the data-bias report (`aequa data-bias --out DIR`): each group's share against the
 * reference share, label base rates with Wilson intervals, the proxy ranking and the features whose
 * distribution differs most between groups (Jensen–Shannon divergence). Returns Vega-Lite specs; the
 * idea of showing representation against a reference follows Gebru et al., "Datasheets for Datasets"
 * (https://arxiv.org/abs/1803.09010) and SageMaker Clarify's pre-training bias report.
 */
import type { SensitiveFeatureDataBias } from '../../bias/index.js';
import { featureTitle, fmtNum } from '../format.js';
import type { ChartSpec } from './group-rates.js';
import { CHART_CONFIG, COLORS } from './theme.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Group labels made unique (names may repeat after control-character stripping) and ordered. */
function labels(fb: SensitiveFeatureDataBias): string[] {
  const used = new Set<string>();
  return fb.groups.map((g) => {
    let l = g.group;
    while (used.has(l)) l = `${l} `;
    used.add(l);
    return l;
  });
}

/**
 * Each group's share of the rows (bars) against its reference share (black tick).
 * @example representationChart('sex', fb).label // 'Share of rows by sex (bars) against the uniform reference share (ticks).'
 */
export function representationChart(name: string, fb: SensitiveFeatureDataBias): ChartSpec {
  const ls = labels(fb);
  const rows = fb.groups.map((g, i) => ({
    label: ls[i],
    order: i,
    share: g.share,
    ref: g.referenceShare,
    text: `${fmtNum(100 * g.share, 1)}%`,
  }));
  const y = { field: 'label', type: 'nominal', title: null, sort: { field: 'order', op: 'min' } };
  const x = { type: 'quantitative', title: 'share of rows', axis: { format: '.0%', tickCount: 5 } };
  const spec = {
    $schema: SCHEMA,
    config: CHART_CONFIG,
    width: 360,
    height: { step: 20 },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar', color: COLORS.bar, height: { band: 0.7 } },
        encoding: { y, x: { ...x, field: 'share' }, tooltip: [{ field: 'label' }, { field: 'text' }] },
      },
      {
        mark: { type: 'tick', color: COLORS.reference, thickness: 2, size: 18 },
        transform: [{ filter: 'isValid(datum.ref)' }],
        encoding: { y, x: { ...x, field: 'ref' } },
      },
    ],
  };
  return {
    spec,
    label: `Share of rows by ${featureTitle(name)} (bars) against the ${fb.representation.reference === 'uniform' ? 'uniform' : 'given'} reference share (ticks).`,
  };
}

/**
 * Each group's label base rate with its interval, and a dashed line at the reference group's rate.
 * Returns null without a label.
 * @example baseRateChart('sex', fb, 0.95)?.label // 'Label base rate by sex with 95% Wilson intervals; …'
 */
export function baseRateChart(
  name: string,
  fb: SensitiveFeatureDataBias,
  confidence: number,
): ChartSpec | null {
  if (!fb.labels) return null;
  const ls = labels(fb);
  const ref = fb.groups.find((g) => g.group === fb.labels?.reference)?.baseRate ?? null;
  const rows = fb.groups.map((g, i) => ({
    label: ls[i],
    order: i,
    rate: g.baseRate ?? null,
    lo: g.baseRateCi?.[0] ?? null,
    hi: g.baseRateCi?.[1] ?? null,
    ref,
  }));
  const y = { field: 'label', type: 'nominal', title: null, sort: { field: 'order', op: 'min' } };
  const x = { type: 'quantitative', title: 'base rate', scale: { domain: [0, 1], nice: false } };
  const spec = {
    $schema: SCHEMA,
    config: CHART_CONFIG,
    width: 360,
    height: { step: 20 },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar', color: COLORS.bar, height: { band: 0.7 } },
        transform: [{ filter: 'isValid(datum.rate)' }],
        encoding: { y, x: { ...x, field: 'rate' } },
      },
      {
        mark: { type: 'rule', color: '#111', strokeWidth: 1.3 },
        transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
        encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'rule', color: COLORS.reference, strokeDash: [4, 3], strokeWidth: 1.2 },
        transform: [{ filter: 'isValid(datum.ref)' }],
        encoding: { x: { field: 'ref', type: 'quantitative', aggregate: 'min' } },
      },
    ],
  };
  return {
    spec,
    label: `Label base rate by ${featureTitle(name)} with ${+(confidence * 100).toFixed(1)}% Wilson intervals; the dashed line marks the reference group (${fb.labels.reference}).`,
  };
}

/**
 * The strongest proxies of the sensitive attribute: Cramér's V and, when computed, the proxy
 * classifier's AUC, for the `top` highest-ranked features. Returns null without proxies.
 * @example proxyChart('sex', fb)?.label // 'Features that predict sex: Cramér's V and proxy AUC, strongest first.'
 */
export function proxyChart(name: string, fb: SensitiveFeatureDataBias, top = 10): ChartSpec | null {
  const list = [...fb.proxies].sort((a, b) => a.rank - b.rank).slice(0, top);
  if (list.length === 0) return null;
  const rows: Record<string, unknown>[] = [];
  for (const p of list) {
    rows.push({
      feature: p.feature,
      rank: p.rank,
      score: "Cramér's V",
      value: p.cramersV,
      flagged: p.flagged ? 'yes' : 'no',
    });
    if (p.auc !== null)
      rows.push({
        feature: p.feature,
        rank: p.rank,
        score: 'proxy AUC',
        value: p.auc,
        flagged: p.flagged ? 'yes' : 'no',
      });
  }
  const spec = {
    $schema: SCHEMA,
    config: CHART_CONFIG,
    data: { values: rows },
    transform: [{ filter: 'isValid(datum.value)' }],
    facet: { column: { field: 'score', type: 'nominal', title: null } },
    spacing: 14,
    spec: {
      width: 200,
      height: { step: 18 },
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y: { field: 'feature', type: 'nominal', title: null, sort: { field: 'rank', op: 'min' } },
        x: { field: 'value', type: 'quantitative', title: null, scale: { domain: [0, 1], nice: false } },
        color: {
          field: 'flagged',
          type: 'nominal',
          title: 'flagged',
          scale: { domain: ['yes', 'no'], range: [COLORS.significant, COLORS.notSignificant] },
        },
      },
    },
    resolve: { scale: { x: 'shared' } },
  };
  return {
    spec,
    label: `Features that predict ${featureTitle(name)}: Cramér's V and proxy AUC, strongest first (orange: flagged as a proxy).`,
  };
}

/**
 * The features whose distribution differs most between the groups: the largest Jensen–Shannon
 * divergence of a group from all rows, for the `top` features. Returns null without distances.
 * @example divergenceChart('sex', fb)?.label // 'Largest Jensen–Shannon divergence of a sex group from all rows, per feature.'
 */
export function divergenceChart(name: string, fb: SensitiveFeatureDataBias, top = 10): ChartSpec | null {
  const list = fb.featureDistances
    .filter((d) => d.maxJs !== null)
    .sort((a, b) => (b.maxJs ?? 0) - (a.maxJs ?? 0))
    .slice(0, top);
  if (list.length === 0) return null;
  const rows = list.map((d, i) => ({ feature: d.feature, order: i, js: d.maxJs, tv: d.maxTv }));
  const spec = {
    $schema: SCHEMA,
    config: CHART_CONFIG,
    width: 360,
    height: { step: 18 },
    data: { values: rows },
    mark: { type: 'bar', color: COLORS.bar, height: { band: 0.7 } },
    encoding: {
      y: { field: 'feature', type: 'nominal', title: null, sort: { field: 'order', op: 'min' } },
      x: { field: 'js', type: 'quantitative', title: 'max Jensen–Shannon divergence (nats)' },
      tooltip: [{ field: 'feature' }, { field: 'js', format: '.4f' }, { field: 'tv', format: '.4f' }],
    },
  };
  return {
    spec,
    label: `Largest Jensen–Shannon divergence of a ${featureTitle(name)} group from all rows, per feature.`,
  };
}
