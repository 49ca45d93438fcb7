/**
 * @module explain/plots/beeswarm
 * Beeswarm summary (the shap summary plot, Lundberg et al. 2020, https://doi.org/10.1038/s42256-019-0138-9):
 * one row per feature, one dot per explained row at its attribution, dots piled where they would
 * overlap, coloured by the feature's value (low blue, high red; non-numeric grey).
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { AttributionsLike } from '../global/attributions-like.js';
import { meanAbsShap } from '../global/mean-abs-shap.js';
import {
  diverging,
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

/** Options of {@link beeswarmSvg}. */
export interface BeeswarmOptions {
  /** Features shown, by decreasing mean |φ|. @default 10 */
  readonly maxFeatures?: number;
  /** @default 640 */
  readonly width?: number;
  readonly title?: string;
}

/**
 * Beeswarm summary of many explained rows as an SVG string; each dot (`circle.dot`) carries
 * `data-feature` and `data-attribution`.
 * @throws {AEQ_INVALID_ARGUMENT} when there are no rows.
 * @example beeswarmSvg(expl, { maxFeatures: 8 })
 */
export function beeswarmSvg(expl: AttributionsLike, opts: BeeswarmOptions = {}): string {
  if (expl.rows.length === 0)
    throw new InvalidArgumentError('beeswarmSvg', 'rows', 0, 'at least one explained row');
  const order = meanAbsShap(expl)
    .slice(0, opts.maxFeatures ?? 10)
    .map((f) => expl.featureNames.indexOf(f.feature));
  const width = opts.width ?? 640;
  const rowH = 34;
  const top = 36;
  const left = Math.min(220, Math.max(80, ...order.map((j) => textWidth(expl.featureNames[j]!))) + 12);
  let lo = 0;
  let hi = 0;
  for (const r of expl.rows)
    for (const j of order) {
      lo = Math.min(lo, r.attributions[j]!);
      hi = Math.max(hi, r.attributions[j]!);
    }
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.04;
  const x = linear(lo - pad, hi + pad, left, width - 24);
  const body: string[] = [
    text(8, 20, opts.title ?? 'Attributions of every explained row', { 'font-weight': 'bold', fill: INK }),
  ];
  body.push(
    `<line x1="${px(x(0))}" x2="${px(x(0))}" y1="${top}" y2="${top + order.length * rowH}" stroke="${GRID}"/>`,
  );
  const dot = 3;
  order.forEach((j, k) => {
    const cy = top + k * rowH + rowH / 2;
    body.push(text(left - 8, cy + 4, expl.featureNames[j]!, { 'text-anchor': 'end', fill: INK }));
    let vmin = Number.POSITIVE_INFINITY;
    let vmax = Number.NEGATIVE_INFINITY;
    for (const r of expl.rows) {
      const v = r.values?.[j];
      if (typeof v === 'number') {
        vmin = Math.min(vmin, v);
        vmax = Math.max(vmax, v);
      }
    }
    const piles = new Map<number, number>();
    for (const r of expl.rows) {
      const a = r.attributions[j]!;
      const cx = x(a);
      const bin = Math.round(cx / (2 * dot));
      const n = piles.get(bin) ?? 0;
      piles.set(bin, n + 1);
      const off = n === 0 ? 0 : (n % 2 === 1 ? -1 : 1) * Math.ceil(n / 2) * dot * 1.6;
      const dy = Math.max(-rowH / 2 + dot, Math.min(rowH / 2 - dot, off));
      const v = r.values?.[j];
      const fill =
        typeof v === 'number' ? diverging(vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5) : '#999999';
      body.push(
        `<circle class="dot" data-feature="${escapeXml(expl.featureNames[j]!)}" data-attribution="${a}" cx="${px(cx)}" cy="${px(cy + dy)}" r="${dot}" fill="${fill}" fill-opacity="0.85"/>`,
      );
    }
  });
  const axisY = top + order.length * rowH + 4;
  body.push(...xAxis(x, lo - pad, hi + pad, axisY, 'attribution (impact on the output)'));
  body.push(text(width - 150, axisY + 48, 'feature value:', { fill: INK, 'font-size': 11 }));
  body.push(text(width - 70, axisY + 48, 'low', { fill: NEGATIVE, 'font-size': 11 }));
  body.push(text(width - 40, axisY + 48, 'high', { fill: POSITIVE, 'font-size': 11 }));
  return svgDocument(width, axisY + 60, opts.title ?? 'Beeswarm summary', body);
}
