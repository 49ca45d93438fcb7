/**
 * @module explain/plots/partial-dependence
 * Partial dependence and ICE curves (Friedman 2001, https://doi.org/10.1214/aos/1013203451;
 * Goldstein et al. 2015, https://doi.org/10.1080/10618600.2014.907095) as SVG: the average as a
 * thick line over thin per-row curves; for a categorical feature, points per level.
 */
import type { PartialDependence } from '../global/partial-dependence.js';
import { formatScore } from '../narrate/format.js';
import { escapeXml, INK, linear, POSITIVE, px, svgDocument, text, xAxis, yAxis } from './svg.js';

/** Options of {@link partialDependenceSvg}. */
export interface PartialDependenceSvgOptions {
  /** ICE curves drawn at most (the first rows). @default 50 */
  readonly maxIce?: number;
  /** @default 640 */
  readonly width?: number;
  /** @default 360 */
  readonly height?: number;
  readonly title?: string;
}

/**
 * A partial dependence result as an SVG string; the average is `path.pd` (numeric) or `circle.pd`
 * points (categorical) with `data-x`/`data-y`; ICE curves are `path.ice`.
 * @example partialDependenceSvg(await partialDependence(model, table, 'age', { ice: true }))
 */
export function partialDependenceSvg(pd: PartialDependence, opts: PartialDependenceSvgOptions = {}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const g = pd.grid.length;
  const numeric = pd.featureKind === 'number';
  const gx = (k: number): number => (numeric ? (pd.grid[k] as number) : k);
  const nIce = pd.ice === null ? 0 : Math.min(opts.maxIce ?? 50, pd.rows.length);
  let lo = Math.min(...pd.average);
  let hi = Math.max(...pd.average);
  for (let i = 0; i < nIce; i++)
    for (let k = 0; k < g; k++) {
      lo = Math.min(lo, pd.ice![i * g + k]!);
      hi = Math.max(hi, pd.ice![i * g + k]!);
    }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const xlo = numeric ? gx(0) : -0.5;
  const xhi = numeric ? (g > 1 ? gx(g - 1) : gx(0) + 1) : g - 0.5;
  const x = linear(xlo, xhi, 70, width - 20);
  const y = linear(lo, hi, height - 50, 36);
  const ylabel = pd.output.scale === 'probability' ? `P(${pd.output.classLabel ?? 'class'})` : 'prediction';
  const body: string[] = [
    text(8, 20, opts.title ?? `Partial dependence on ${pd.feature}`, { 'font-weight': 'bold', fill: INK }),
  ];
  const path = (vals: (k: number) => number): string =>
    Array.from({ length: g }, (_, k) => `${k === 0 ? 'M' : 'L'}${px(x(gx(k)))} ${px(y(vals(k)))}`).join(' ');
  for (let i = 0; i < nIce; i++) {
    if (numeric)
      body.push(
        `<path class="ice" d="${path((k) => pd.ice![i * g + k]!)}" fill="none" stroke="#999999" stroke-opacity="0.35"/>`,
      );
    else
      for (let k = 0; k < g; k++)
        body.push(
          `<circle class="ice" cx="${px(x(k))}" cy="${px(y(pd.ice![i * g + k]!))}" r="2" fill="#999999" fill-opacity="0.35"/>`,
        );
  }
  if (numeric)
    body.push(
      `<path class="pd" d="${path((k) => pd.average[k]!)}" fill="none" stroke="${POSITIVE}" stroke-width="3"/>`,
    );
  for (let k = 0; k < g; k++)
    body.push(
      `<circle class="pd" data-x="${escapeXml(String(pd.grid[k]))}" data-y="${pd.average[k]}" cx="${px(x(gx(k)))}" cy="${px(y(pd.average[k]!))}" r="${numeric ? 2.5 : 5}" fill="${POSITIVE}"><title>${escapeXml(`${pd.feature} = ${pd.grid[k]}: ${formatScore(pd.average[k]!)}`)}</title></circle>`,
    );
  if (numeric) body.push(...xAxis(x, xlo, xhi, height - 46, pd.feature));
  else {
    body.push(
      `<line x1="70" x2="${px(width - 20)}" y1="${px(height - 46)}" y2="${px(height - 46)}" stroke="${INK}"/>`,
    );
    pd.grid.forEach((c, k) => {
      body.push(text(x(k), height - 30, String(c), { 'text-anchor': 'middle', fill: INK }));
    });
    body.push(text((70 + width - 20) / 2, height - 12, pd.feature, { 'text-anchor': 'middle', fill: INK }));
  }
  body.push(...yAxis(y, lo, hi, 70, ylabel));
  return svgDocument(width, height, opts.title ?? `Partial dependence on ${pd.feature}`, body);
}
