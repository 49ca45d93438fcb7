/**
 * @module explain/plots/svg
 * Shared pieces of the hand-written SVG pictures: XML escaping, number formatting for coordinates,
 * linear scales, the diverging colours (positive pushes up: magenta-red; negative: blue, as in the
 * SHAP plots of Lundberg & Lee 2017) and the document wrapper. Hand-written because `src/explain`
 * must stay dependency-free and browser-safe; the pictures are simple marks on one or two axes.
 */

/** Colour of positive attributions. */
export const POSITIVE = '#d81b60';
/** Colour of negative attributions. */
export const NEGATIVE = '#1e88e5';
/** Neutral ink. */
export const INK = '#333333';
/** Light grid and axis lines. */
export const GRID = '#cccccc';
/** Font stack. */
export const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';

/**
 * Escapes text for XML element content and attribute values.
 * @example escapeXml('<a & "b">') // '&lt;a &amp; &quot;b&quot;&gt;'
 */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

/** A coordinate with at most 2 decimals (no exponent, no -0). */
export function px(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** A linear map from [d0, d1] to [r0, r1]; a degenerate domain maps to the middle of the range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (x) => r0 + (x - d0) * k;
}

/** Interpolates between NEGATIVE (t = 0) and POSITIVE (t = 1) through a light grey. */
export function diverging(t: number): string {
  const c0 = [0x1e, 0x88, 0xe5];
  const mid = [0xbb, 0xbb, 0xbb];
  const c1 = [0xd8, 0x1b, 0x60];
  const u = Math.min(1, Math.max(0, t));
  const [a, b, s] = u < 0.5 ? [c0, mid, u * 2] : [mid, c1, (u - 0.5) * 2];
  const rgb = a.map((v, i) => Math.round(v + (b[i]! - v) * s));
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** About how wide a text is at `size` px (0.6 em per character): enough for layout, no font metrics. */
export function textWidth(s: string, size = 12): number {
  return s.length * size * 0.6;
}

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const err = step0 / mag;
  const step = (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1) * mag;
  const out: number[] = [];
  // Integer multiples of the step, so that 0 is exactly 0 (no 2.8e-17 from repeated addition).
  const last = Math.floor(hi / step + 1e-9);
  for (let i = Math.ceil(lo / step - 1e-9); i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** Wraps marks in an SVG document with a title (accessible name) and a white background. */
export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="${FONT}" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${px(width)}" height="${px(height)}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** A text element; `content` is escaped here. */
export function text(
  x: number,
  y: number,
  content: string,
  attrs: Readonly<Record<string, string | number>> = {},
): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return `<text x="${px(x)}" y="${px(y)}"${a}>${escapeXml(content)}</text>`;
}

/** A horizontal axis with ticks and labels at `y`. */
export function xAxis(
  scale: (x: number) => number,
  lo: number,
  hi: number,
  y: number,
  label: string,
): string[] {
  const out = [
    `<line x1="${px(scale(lo))}" x2="${px(scale(hi))}" y1="${px(y)}" y2="${px(y)}" stroke="${INK}"/>`,
  ];
  for (const t of ticks(lo, hi)) {
    out.push(
      `<line x1="${px(scale(t))}" x2="${px(scale(t))}" y1="${px(y)}" y2="${px(y + 4)}" stroke="${INK}"/>`,
    );
    out.push(text(scale(t), y + 16, String(t), { 'text-anchor': 'middle', fill: INK }));
  }
  out.push(text((scale(lo) + scale(hi)) / 2, y + 32, label, { 'text-anchor': 'middle', fill: INK }));
  return out;
}

/** A vertical axis with ticks and labels at `x`. */
export function yAxis(
  scale: (y: number) => number,
  lo: number,
  hi: number,
  x: number,
  label: string,
): string[] {
  const out = [
    `<line x1="${px(x)}" x2="${px(x)}" y1="${px(scale(lo))}" y2="${px(scale(hi))}" stroke="${INK}"/>`,
  ];
  for (const t of ticks(lo, hi)) {
    out.push(
      `<line x1="${px(x - 4)}" x2="${px(x)}" y1="${px(scale(t))}" y2="${px(scale(t))}" stroke="${INK}"/>`,
    );
    out.push(text(x - 6, scale(t) + 4, String(t), { 'text-anchor': 'end', fill: INK }));
  }
  const cy = (scale(lo) + scale(hi)) / 2;
  out.push(
    `<text x="${px(x - 44)}" y="${px(cy)}" text-anchor="middle" fill="${INK}" transform="rotate(-90 ${px(x - 44)} ${px(cy)})">${escapeXml(label)}</text>`,
  );
  return out;
}
