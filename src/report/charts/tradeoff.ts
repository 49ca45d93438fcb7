/**
 * @module report/charts/tradeoff
 * The accuracy–disparity trade-off chart of `aequa mitigate`: one point per run (baseline and each
 * method at each slack or penalty weight), test accuracy against the absolute test disparity, with
 * interval whiskers on both axes, the Pareto front as a line and the chosen run ringed. The usual
 * picture of the reductions literature (Agarwal et al. 2018, https://arxiv.org/abs/1803.02453, fig. 1).
 * Returns a Vega-Lite spec.
 */

import { metricLabel } from '../format.js';
import type { MitigationReport } from '../mitigation-types.js';
import type { ChartSpec } from './group-rates.js';
import { CHART_CONFIG, COLORS, OKABE_ITO } from './theme.js';

const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-left'];

/** The point's label: method plus its eps or λ. */
export function runLabel(r: { method: string; eps: number | null; lambda: number | null }): string {
  if (r.eps !== null) return `${r.method} (eps ${r.eps})`;
  if (r.lambda !== null) return `${r.method} (λ ${r.lambda})`;
  return r.method;
}

/**
 * The Vega-Lite spec of the trade-off chart. Method names are data values only (never part of a
 * Vega expression), so any text is safe.
 * @example tradeoffChart(report).label
 * // 'Test accuracy against demographic parity difference for the baseline and 3 mitigation runs; …'
 */
export function tradeoffChart(report: MitigationReport): ChartSpec {
  const front = new Set(report.paretoFront);
  const methods = [...new Set(report.runs.map((r) => r.method))];
  const rows = report.runs.map((r) => {
    const acc = r.test.accuracy;
    const d = r.test[report.disparity];
    const dci = r.test.ci?.[report.disparity];
    const aci = r.test.ci?.accuracy;
    const flip = typeof d === 'number' && d < 0;
    return {
      index: r.index,
      label: `#${r.index} ${runLabel(r)}`,
      method: r.method,
      accuracy: typeof acc === 'number' ? acc : null,
      disparity: typeof d === 'number' ? Math.abs(d) : null,
      dLo: dci ? (flip ? -dci[1] : dci[0]) : null,
      dHi: dci ? (flip ? -dci[0] : dci[1]) : null,
      aLo: aci ? aci[0] : null,
      aHi: aci ? aci[1] : null,
      front: front.has(r.index),
      chosen: r.index === report.chosen,
    };
  });
  const color = {
    field: 'method',
    type: 'nominal',
    title: 'method',
    scale: { domain: methods, range: methods.map((_, i) => OKABE_ITO[i % (OKABE_ITO.length - 1)]) },
  };
  const shape = {
    field: 'method',
    type: 'nominal',
    title: 'method',
    scale: { domain: methods, range: methods.map((_, i) => SHAPES[i % SHAPES.length]) },
  };
  const dTitle = `|${metricLabel(report.disparity)}| (lower is fairer)`;
  const x = { field: 'disparity', type: 'quantitative', title: dTitle, scale: { zero: true } };
  const y = { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false } };
  const spec: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 520,
    height: 320,
    data: { values: rows },
    transform: [{ filter: 'isValid(datum.accuracy) && isValid(datum.disparity)' }],
    layer: [
      {
        mark: { type: 'line', color: COLORS.reference, strokeDash: [5, 3], strokeWidth: 1.2 },
        transform: [{ filter: 'datum.front' }],
        encoding: { x: { ...x, sort: null }, y, order: { field: 'disparity', type: 'quantitative' } },
      },
      {
        mark: { type: 'rule', color: '#888', strokeWidth: 1 },
        transform: [{ filter: 'isValid(datum.dLo) && isValid(datum.dHi)' }],
        encoding: { x: { field: 'dLo', type: 'quantitative' }, x2: { field: 'dHi' }, y },
      },
      {
        mark: { type: 'rule', color: '#888', strokeWidth: 1 },
        transform: [{ filter: 'isValid(datum.aLo) && isValid(datum.aHi)' }],
        encoding: { y: { field: 'aLo', type: 'quantitative' }, y2: { field: 'aHi' }, x },
      },
      {
        mark: { type: 'point', filled: true, size: 80, opacity: 0.95 },
        encoding: {
          x,
          y,
          color,
          shape,
          tooltip: [
            { field: 'label', title: 'run' },
            { field: 'accuracy', title: 'accuracy', format: '.4f' },
            { field: 'disparity', title: 'disparity', format: '.4f' },
          ],
        },
      },
      {
        mark: { type: 'point', size: 320, strokeWidth: 2, color: COLORS.significant, filled: false },
        transform: [{ filter: 'datum.chosen' }],
        encoding: { x, y },
      },
      {
        mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 10, color: '#333' },
        transform: [{ filter: 'datum.front || datum.chosen || datum.index === 0' }],
        encoding: { x, y, text: { field: 'label' } },
      },
    ],
  };
  const n = report.runs.length - 1;
  const level =
    report.confidence === null ? '' : ` Whiskers are ${+(report.confidence * 100).toFixed(1)}% intervals.`;
  const label =
    `Test accuracy against ${metricLabel(report.disparity)} for the baseline and ${n} mitigation run${n === 1 ? '' : 's'}; ` +
    `the dashed line joins the Pareto-optimal runs and the ring marks the chosen one (#${report.chosen}).${level}`;
  return { spec, label };
}
