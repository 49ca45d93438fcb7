/**
 * @module explain/plots/waterfall
 * Waterfall plot of one decision (Lundberg et al. 2020, https://doi.org/10.1038/s42256-019-0138-9,
 * the shap waterfall): from the base value, each feature's attribution moves the running total
 * until it reaches the prediction. Bars are drawn to scale: width = |φ| × pixels per unit.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { AttributionsLike } from '../global/attributions-like.js';
import { formatAttribution, formatScore, formatValue } from '../narrate/format.js';
import {
  escapeXml,
  GRID,
  INK,
  linear,
  NEGATIVE,
  POSITIVE,
  px,
  svgDocument,
  text,
  textWidth,
  xAxis,
} from './svg.js';

/** Options of the one-decision plots. */
export interface DecisionPlotOptions {
  /** Index into `expl.rows`. @default 0 */
  readonly row?: number;
  /** Features drawn individually; the rest are summed into one bar. @default 10 */
  readonly top?: number;
  /** Picture width in px. @default 640 */
  readonly width?: number;
  readonly title?: string;
  /** Display names of features. */
  readonly featureLabels?: Readonly<Record<string, string>>;
}

/** The top features of a row and the rest as one item. */
export function decisionItems(
  fn: string,
  expl: AttributionsLike,
  opts: DecisionPlotOptions,
): { items: { label: string; feature: string; value: number }[]; base: number; prediction: number } {
  const i = opts.row ?? 0;
  const r = expl.rows[i];
  if (r === undefined)
    throw new InvalidArgumentError(
      fn,
      'row',
      opts.row,
      `an index into the ${expl.rows.length} explained rows`,
    );
  const top = opts.top ?? 10;
  if (!Number.isInteger(top) || top < 1)
    throw new InvalidArgumentError(fn, 'top', opts.top, 'an integer ≥ 1');
  const names = expl.featureNames;
  const order = Array.from(names, (_, j) => j).sort(
    (a, b) => Math.abs(r.attributions[b]!) - Math.abs(r.attributions[a]!) || a - b,
  );
  const items = order.slice(0, top).map((j) => {
    const name = opts.featureLabels?.[names[j]!] ?? names[j]!;
    const v = r.values?.[j];
    return {
      label: v === undefined ? name : `${name} = ${formatValue(v)}`,
      feature: names[j]!,
      value: r.attributions[j]!,
    };
  });
  const rest = order.slice(top);
  if (rest.length > 0) {
    let s = 0;
    for (const j of rest) s += r.attributions[j]!;
    items.push({
      label: `${rest.length} other feature${rest.length === 1 ? '' : 's'}`,
      feature: '',
      value: s,
    });
  }
  return { items, base: r.baseValue, prediction: r.prediction };
}

/**
 * Waterfall plot of one explained row as an SVG string (no scripts; user strings escaped). Each bar
 * carries `data-feature` and `data-attribution`; its width is |φ| times the same pixels-per-unit.
 * @throws {AEQ_INVALID_ARGUMENT} for a row index out of range.
 * @example waterfallSvg(expl, { row: 0, top: 5 }).startsWith('<svg') // true
 */
export function waterfallSvg(expl: AttributionsLike, opts: DecisionPlotOptions = {}): string {
  const { items, base, prediction } = decisionItems('waterfallSvg', expl, opts);
  const width = opts.width ?? 640;
  const rowH = 24;
  const labelW = Math.min(260, Math.max(80, ...items.map((it) => textWidth(it.label))) + 12);
  const left = labelW;
  const right = width - 64;
  const top = 36;
  const cums = [base];
  for (const it of items) cums.push(cums[cums.length - 1]! + it.value);
  let lo = Math.min(...cums, prediction);
  let hi = Math.max(...cums, prediction);
  const pad = (hi - lo || 1) * 0.05;
  lo -= pad;
  hi += pad;
  const x = linear(lo, hi, left, right);
  const h = top + items.length * rowH + 56;
  const body: string[] = [
    text(8, 20, opts.title ?? 'How each feature moved this prediction', { 'font-weight': 'bold', fill: INK }),
  ];
  body.push(
    `<line x1="${px(x(base))}" x2="${px(x(base))}" y1="${top - 4}" y2="${px(top + items.length * rowH)}" stroke="${GRID}" stroke-dasharray="3 3"/>`,
  );
  body.push(
    `<line x1="${px(x(prediction))}" x2="${px(x(prediction))}" y1="${top - 4}" y2="${px(top + items.length * rowH)}" stroke="${INK}" stroke-dasharray="3 3"/>`,
  );
  items.forEach((it, k) => {
    const from = cums[k]!;
    const to = cums[k + 1]!;
    const y = top + k * rowH;
    const x0 = x(Math.min(from, to));
    const w = Math.abs(x(to) - x(from));
    const colour = it.value >= 0 ? POSITIVE : NEGATIVE;
    body.push(text(left - 8, y + 16, it.label, { 'text-anchor': 'end', fill: INK }));
    body.push(
      `<rect class="bar" data-feature="${escapeXml(it.feature)}" data-attribution="${it.value}" x="${px(x0)}" y="${y + 4}" width="${px(w)}" height="${rowH - 8}" fill="${colour}"/>`,
    );
    const after = Math.max(x(from), x(to)) + 4;
    body.push(text(after, y + 16, formatAttribution(it.value), { fill: colour }));
  });
  const axisY = top + items.length * rowH + 4;
  body.push(
    ...xAxis(x, lo, hi, axisY, `base value ${formatScore(base)} → prediction ${formatScore(prediction)}`),
  );
  return svgDocument(width, h, opts.title ?? 'Waterfall plot', body);
}
