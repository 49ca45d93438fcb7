/**
 * @module report/charts/score-curves
 * ROC curves by group (Fawcett 2006, https://doi.org/10.1016/j.patrec.2005.10.010) and the
 * reliability diagram by group (calibration: mean score vs observed positive rate per score bin;
 * Niculescu-Mizil & Caruana 2005, https://doi.org/10.1145/1102351.1102430), as Vega-Lite specs.
 * Groups are told apart by colour (Okabe–Ito) and by dash pattern, so the charts survive grey print.
 */
import type { AuditResult } from '../../metrics/index.js';
import { featureTitle, fmtNum } from '../format.js';
import type { ChartSpec } from './group-rates.js';
import { CHART_CONFIG, COLORS, OKABE_ITO } from './theme.js';

/** At most this many groups get a curve: more lines than colours cannot be told apart. */
export const MAX_CURVE_GROUPS = OKABE_ITO.length;

const DASHES: readonly (readonly number[])[] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [4, 4],
  [1, 3],
  [10, 4],
  [3, 6],
];

type Curves = NonNullable<AuditResult['curves']>[string];

/** The groups with a usable curve, largest first (by row count), capped at MAX_CURVE_GROUPS. */
function curveGroups(
  result: AuditResult,
  name: string,
  curves: Curves,
  has: (c: Curves[string]) => boolean,
): { shown: string[]; total: number } {
  const fr = result.byFeature[name];
  const usable = Object.keys(curves).filter((g) => has(curves[g]!));
  const size = (g: string) => fr?.groups[g]?.count ?? 0;
  const sorted = [...usable].sort((a, b) => size(b) - size(a) || (a < b ? -1 : a > b ? 1 : 0));
  return { shown: sorted.slice(0, MAX_CURVE_GROUPS), total: usable.length };
}

function groupEncodings(shown: readonly string[]): Record<string, unknown> {
  // Scale domains are literal data, never expressions, so any group name is safe here.
  return {
    color: {
      field: 'group',
      type: 'nominal',
      title: null,
      scale: { domain: [...shown], range: OKABE_ITO.slice(0, shown.length) },
      legend: { orient: 'right', symbolType: 'stroke', symbolStrokeWidth: 2.5 },
    },
    strokeDash: {
      field: 'group',
      type: 'nominal',
      title: null,
      scale: { domain: [...shown], range: DASHES.slice(0, shown.length) },
    },
  };
}

function capNote(shown: number, total: number, what: string): string | undefined {
  return total > shown ? `${what} for the ${shown} largest of ${total} groups.` : undefined;
}

function withNote(spec: Record<string, unknown>, label: string, note: string | undefined): ChartSpec {
  return note === undefined ? { spec, label } : { spec, label, note };
}

/**
 * The ROC curves of a feature's groups with the chance diagonal, or null when no group has a curve
 * (a group with only one class has none).
 * @example rocChart(result, 'race')?.label // 'ROC curves by race for 5 groups; the diagonal is chance.'
 */
export function rocChart(result: AuditResult, name: string): ChartSpec | null {
  const curves = result.curves?.[name];
  if (!curves) return null;
  const { shown, total } = curveGroups(result, name, curves, (c) => c.roc.length >= 2);
  if (shown.length === 0) return null;
  const rows: Record<string, unknown>[] = [];
  for (const g of shown) {
    curves[g]!.roc.forEach(([fpr, tpr], i) => {
      rows.push({ group: g, i, fpr, tpr });
    });
  }
  const auc = shown.map((g) => `${g} ${fmtNum(result.byFeature[name]?.groups[g]?.rocAuc)}`).join(', ');
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: 'ROC curves',
    width: 240,
    height: 240,
    layer: [
      {
        data: { values: [{ a: 0, b: 1 }] },
        mark: { type: 'rule', color: COLORS.untested, strokeDash: [3, 3] },
        encoding: {
          x: { datum: 0, type: 'quantitative' },
          y: { datum: 0, type: 'quantitative' },
          x2: { datum: 1 },
          y2: { datum: 1 },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'false positive rate', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'true positive rate', scale: { domain: [0, 1] } },
          order: { field: 'i', type: 'quantitative' },
          ...groupEncodings(shown),
        },
      },
    ],
  };
  return withNote(
    spec,
    `ROC curves by ${featureTitle(name)} for ${shown.length} groups (AUC: ${auc}); the diagonal is chance.`,
    capNote(shown.length, total, 'ROC curves'),
  );
}

/**
 * The reliability diagram of a feature's groups: per score bin, the mean score against the observed
 * positive rate, point size by row count, with the diagonal of perfect calibration; null when no group
 * has a calibration curve (scores outside [0, 1] have none).
 * @example calibrationChart(result, 'sex')?.label // 'Calibration by sex for 2 groups: …'
 */
export function calibrationChart(result: AuditResult, name: string): ChartSpec | null {
  const curves = result.curves?.[name];
  if (!curves) return null;
  const { shown, total } = curveGroups(result, name, curves, (c) => c.calibration.length >= 1);
  if (shown.length === 0) return null;
  const rows: Record<string, unknown>[] = [];
  for (const g of shown) {
    curves[g]!.calibration.forEach((b, i) => {
      rows.push({ group: g, i, ...b });
    });
  }
  const enc = groupEncodings(shown);
  const x = {
    field: 'meanScore',
    type: 'quantitative',
    title: 'mean score in bin',
    scale: { domain: [0, 1] },
  };
  const y = {
    field: 'observedRate',
    type: 'quantitative',
    title: 'observed positive rate',
    scale: { domain: [0, 1] },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    title: 'Calibration',
    width: 240,
    height: 240,
    layer: [
      {
        data: { values: [{ a: 0 }] },
        mark: { type: 'rule', color: COLORS.untested, strokeDash: [3, 3] },
        encoding: {
          x: { datum: 0, type: 'quantitative' },
          y: { datum: 0, type: 'quantitative' },
          x2: { datum: 1 },
          y2: { datum: 1 },
        },
      },
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'line', strokeWidth: 1.8 },
            encoding: { x, y, order: { field: 'i', type: 'quantitative' }, ...enc },
          },
          {
            mark: { type: 'point', filled: true, opacity: 0.85 },
            encoding: {
              x,
              y,
              color: enc.color,
              size: {
                field: 'count',
                type: 'quantitative',
                title: 'rows',
                scale: { range: [12, 160] },
                legend: null,
              },
              tooltip: [
                { field: 'group', title: 'group' },
                { field: 'meanScore', title: 'mean score', format: '.3f' },
                { field: 'observedRate', title: 'observed rate', format: '.3f' },
                { field: 'count', title: 'rows' },
              ],
            },
          },
        ],
      },
    ],
  };
  return withNote(
    spec,
    `Calibration by ${featureTitle(name)} for ${shown.length} groups: observed positive rate against mean score per bin; the diagonal is perfect calibration.`,
    capNote(shown.length, total, 'Calibration curves'),
  );
}
