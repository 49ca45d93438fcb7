/**
 * @module explain/plots/bar-summary
 * Bar summary of global importance (mean |SHAP| or permutation importance with its spread), as in
 * the shap bar plot (Lundberg et al. 2020, https://doi.org/10.1038/s42256-019-0138-9). Bars are to
 * scale from zero; negative importances (permutation noise) point left.
 */
import { InvalidArgumentError } from '../../core/index.js';
import {
  escapeXml,
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

/** One bar. */
export interface BarItem {
  readonly label: string;
  readonly value: number;
  /** Half-length of an error bar (e.g. the standard deviation over repeats). */
  readonly error?: number;
}

/** Options of {@link barSummarySvg}. */
export interface BarSummaryOptions {
  readonly title?: string;
  /** Axis label. @default 'mean |attribution|' */
  readonly xLabel?: string;
  /** @default 640 */
  readonly width?: number;
  /** Bars drawn (the first ones). @default 20 */
  readonly max?: number;
}

/**
 * Horizontal bars, one per item in the given order, widths |value| × the same pixels per unit;
 * each `rect.bar` carries `data-label` and `data-value`.
 * @throws {AEQ_INVALID_ARGUMENT} for an empty list or a non-finite value.
 * @example barSummarySvg(meanAbsShap(expl).map((f) => ({ label: f.feature, value: f.meanAbs })))
 */
export function barSummarySvg(items: readonly BarItem[], opts: BarSummaryOptions = {}): string {
  if (items.length === 0) throw new InvalidArgumentError('barSummarySvg', 'items', 0, 'at least one bar');
  for (const it of items)
    if (!Number.isFinite(it.value))
      throw new InvalidArgumentError(
        'barSummarySvg',
        `items[${it.label}].value`,
        it.value,
        'a finite number',
      );
  const shown = items.slice(0, opts.max ?? 20);
  const width = opts.width ?? 640;
  const rowH = 22;
  const left = Math.min(260, Math.max(80, ...shown.map((it) => textWidth(it.label))) + 12);
  const top = 36;
  let lo = Math.min(0, ...shown.map((it) => it.value - (it.error ?? 0)));
  let hi = Math.max(0, ...shown.map((it) => it.value + (it.error ?? 0)));
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.04;
  lo = lo < 0 ? lo - pad : lo;
  hi += pad;
  const x = linear(lo, hi, left, width - 24);
  const body: string[] = [
    text(8, 20, opts.title ?? 'Feature importance', { 'font-weight': 'bold', fill: INK }),
  ];
  shown.forEach((it, k) => {
    const y = top + k * rowH;
    const x0 = x(Math.min(0, it.value));
    const w = Math.abs(x(it.value) - x(0));
    body.push(text(left - 8, y + 15, it.label, { 'text-anchor': 'end', fill: INK }));
    body.push(
      `<rect class="bar" data-label="${escapeXml(it.label)}" data-value="${it.value}" x="${px(x0)}" y="${y + 3}" width="${px(w)}" height="${rowH - 6}" fill="${it.value >= 0 ? POSITIVE : NEGATIVE}"/>`,
    );
    if (it.error !== undefined && it.error > 0)
      body.push(
        `<line class="error" x1="${px(x(it.value - it.error))}" x2="${px(x(it.value + it.error))}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="${INK}"/>`,
      );
  });
  body.push(
    `<line x1="${px(x(0))}" x2="${px(x(0))}" y1="${top}" y2="${top + shown.length * rowH}" stroke="${INK}"/>`,
  );
  body.push(...xAxis(x, lo, hi, top + shown.length * rowH + 4, opts.xLabel ?? 'mean |attribution|'));
  return svgDocument(width, top + shown.length * rowH + 46, opts.title ?? 'Feature importance', body);
}
