/**
 * @module explain/plots/dependence
 * Dependence plot (the shap dependence plot, Lundberg et al. 2020, https://doi.org/10.1038/s42256-019-0138-9):
 * a feature's value against its attribution over the explained rows; vertical spread at one value
 * shows interactions. Non-numeric values are placed on evenly spaced bands.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { AttributionsLike } from '../global/attributions-like.js';
import { formatValue } from '../narrate/format.js';
import { escapeXml, GRID, INK, linear, POSITIVE, px, svgDocument, text, xAxis, yAxis } from './svg.js';

/** Options of {@link dependenceSvg}. */
export interface DependenceOptions {
  /** @default 640 */
  readonly width?: number;
  /** @default 360 */
  readonly height?: number;
  readonly title?: string;
}

/**
 * Dependence plot of one feature as an SVG string; each `circle.dot` carries `data-value` and
 * `data-attribution`. Rows without a value are skipped.
 * @throws {AEQ_INVALID_ARGUMENT} for an unknown feature, or when no row carries values.
 * @example dependenceSvg(expl, 'age')
 */
export function dependenceSvg(expl: AttributionsLike, feature: string, opts: DependenceOptions = {}): string {
  const j = expl.featureNames.indexOf(feature);
  if (j < 0)
    throw new InvalidArgumentError(
      'dependenceSvg',
      'feature',
      feature,
      `one of ${expl.featureNames.join(', ')}`,
    );
  const pts = expl.rows.flatMap((r) => {
    const v = r.values?.[j];
    return v === undefined || v === null ? [] : [{ v, a: r.attributions[j]! }];
  });
  if (pts.length === 0)
    throw new InvalidArgumentError(
      'dependenceSvg',
      'rows[].values',
      'no values',
      'explained rows that carry feature values',
    );
  const numeric = pts.every((p) => typeof p.v === 'number');
  const cats = numeric ? [] : [...new Set(pts.map((p) => formatValue(p.v)))];
  const xv = (v: unknown): number => (numeric ? (v as number) : cats.indexOf(formatValue(v as string)));
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const xs = pts.map((p) => xv(p.v));
  const as = pts.map((p) => p.a);
  const x0 = numeric ? Math.min(...xs) : -0.5;
  const x1 = numeric ? Math.max(...xs) : cats.length - 0.5;
  let a0 = Math.min(0, ...as);
  let a1 = Math.max(0, ...as);
  if (a0 === a1) a1 = a0 + 1;
  const pad = (a1 - a0) * 0.05;
  a0 -= pad;
  a1 += pad;
  const x = linear(x0, x1 === x0 ? x0 + 1 : x1, 70, width - 20);
  const y = linear(a0, a1, height - 50, 36);
  const body: string[] = [
    text(8, 20, opts.title ?? `Attribution of ${feature} against its value`, {
      'font-weight': 'bold',
      fill: INK,
    }),
  ];
  body.push(`<line x1="70" x2="${px(width - 20)}" y1="${px(y(0))}" y2="${px(y(0))}" stroke="${GRID}"/>`);
  pts.forEach((p, i) => {
    body.push(
      `<circle class="dot" data-value="${escapeXml(formatValue(p.v))}" data-attribution="${p.a}" cx="${px(x(xs[i]!))}" cy="${px(y(p.a))}" r="3" fill="${POSITIVE}" fill-opacity="0.6"/>`,
    );
  });
  if (numeric) body.push(...xAxis(x, x0, x1 === x0 ? x0 + 1 : x1, height - 46, feature));
  else {
    body.push(
      `<line x1="70" x2="${px(width - 20)}" y1="${px(height - 46)}" y2="${px(height - 46)}" stroke="${INK}"/>`,
    );
    cats.forEach((c, k) => {
      body.push(text(x(k), height - 30, c, { 'text-anchor': 'middle', fill: INK }));
    });
    body.push(text((70 + width - 20) / 2, height - 12, feature, { 'text-anchor': 'middle', fill: INK }));
  }
  body.push(...yAxis(y, a0, a1, 70, 'attribution'));
  return svgDocument(width, height, opts.title ?? `Dependence plot of ${feature}`, body);
}
