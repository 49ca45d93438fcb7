/**
 * @module explain/plots/force
 * Force plot of one decision (Lundberg et al. 2018, "Explainable machine-learning predictions for the
 * prevention of hypoxaemia during surgery", https://doi.org/10.1038/s41551-018-0304-0): on one axis,
 * features pushing the prediction up (from the left) and down (from the right) meet at the output.
 */
import type { AttributionsLike } from '../global/attributions-like.js';
import { formatAttribution, formatScore } from '../narrate/format.js';
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
import { type DecisionPlotOptions, decisionItems } from './waterfall.js';

/**
 * Force plot of one explained row as an SVG string. Positive attributions are stacked left of the
 * output value f = base + Σφ, negative ones right of it, each segment |φ| wide on the same scale;
 * segments carry `data-feature` and `data-attribution`; labels are drawn where they fit.
 * @throws {AEQ_INVALID_ARGUMENT} for a row index out of range.
 * @example forceSvg(expl).includes('data-attribution') // true
 */
export function forceSvg(expl: AttributionsLike, opts: DecisionPlotOptions = {}): string {
  const { items, base, prediction } = decisionItems('forceSvg', expl, opts);
  const width = opts.width ?? 640;
  const pos = items.filter((it) => it.value > 0);
  const neg = items.filter((it) => it.value < 0);
  const sumPos = pos.reduce((s, it) => s + it.value, 0);
  const sumNeg = neg.reduce((s, it) => s - it.value, 0);
  const end = base + sumPos - sumNeg;
  let lo = Math.min(base, prediction, end - sumPos);
  let hi = Math.max(base, prediction, end + sumNeg);
  const pad = (hi - lo || 1) * 0.05;
  lo -= pad;
  hi += pad;
  const x = linear(lo, hi, 16, width - 16);
  const barY = 56;
  const barH = 22;
  const body: string[] = [
    text(8, 20, opts.title ?? 'Features pushing this prediction up and down', {
      'font-weight': 'bold',
      fill: INK,
    }),
  ];
  // Largest positive nearest the output: walk leftwards from `end`.
  let cursor = end;
  const segs: { it: (typeof items)[number]; a: number; b: number }[] = [];
  for (const it of pos) {
    segs.push({ it, a: cursor - it.value, b: cursor });
    cursor -= it.value;
  }
  cursor = end;
  for (const it of neg) {
    segs.push({ it, a: cursor, b: cursor - it.value });
    cursor -= it.value;
  }
  let labelRow = 0;
  for (const s of segs) {
    const x0 = x(s.a);
    const w = x(s.b) - x0;
    const colour = s.it.value > 0 ? POSITIVE : NEGATIVE;
    body.push(
      `<rect class="segment" data-feature="${escapeXml(s.it.feature)}" data-attribution="${s.it.value}" x="${px(x0)}" y="${barY}" width="${px(w)}" height="${barH}" fill="${colour}" stroke="#ffffff"/>`,
    );
    const label = `${s.it.label} (${formatAttribution(s.it.value)})`;
    if (textWidth(label, 11) < w + 40) {
      const ly = barY + barH + 16 + (labelRow++ % 2) * 14;
      body.push(text(x0 + w / 2, ly, label, { 'text-anchor': 'middle', 'font-size': 11, fill: colour }));
    }
  }
  body.push(
    `<line x1="${px(x(end))}" x2="${px(x(end))}" y1="${barY - 10}" y2="${barY + barH}" stroke="${INK}" stroke-width="2"/>`,
  );
  body.push(
    text(x(end), barY - 14, `f(x) = ${formatScore(prediction)}`, {
      'text-anchor': 'middle',
      'font-weight': 'bold',
      fill: INK,
    }),
  );
  body.push(
    `<line x1="${px(x(base))}" x2="${px(x(base))}" y1="${barY - 4}" y2="${barY + barH + 4}" stroke="${INK}" stroke-dasharray="2 2"/>`,
  );
  body.push(...xAxis(x, lo, hi, barY + barH + 46, `base value ${formatScore(base)}`));
  return svgDocument(width, barY + barH + 90, opts.title ?? 'Force plot', body);
}
