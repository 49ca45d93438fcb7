/**
 * @module explain/plots/text-highlight
 * Text highlighting for text models: each token on a background whose colour gives the sign and
 * whose opacity gives |attribution| relative to the largest (the shap text plot; LIME's text view,
 * Ribeiro et al. 2016, https://arxiv.org/abs/1602.04938). Tokens wrap into lines.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { formatAttribution } from '../narrate/format.js';
import { escapeXml, INK, NEGATIVE, POSITIVE, px, svgDocument, text, textWidth } from './svg.js';

/** Options of {@link textHighlightSvg}. */
export interface TextHighlightOptions {
  /** @default 640 */
  readonly width?: number;
  /** @default 16 */
  readonly fontSize?: number;
  readonly title?: string;
}

/**
 * Tokens coloured by attribution as an SVG string. Each `rect.token` carries `data-token` and
 * `data-attribution` and a fill-opacity of |φ| / max |φ|; hovering shows the number.
 * @throws {AEQ_INVALID_ARGUMENT} when tokens and attributions differ in length.
 * @example textHighlightSvg(['not', 'good'], [-0.4, 0.2])
 */
export function textHighlightSvg(
  tokens: readonly string[],
  attributions: ArrayLike<number>,
  opts: TextHighlightOptions = {},
): string {
  if (tokens.length !== attributions.length)
    throw new InvalidArgumentError(
      'textHighlightSvg',
      'attributions',
      `length ${attributions.length}`,
      `one per token (${tokens.length})`,
    );
  const width = opts.width ?? 640;
  const fs = opts.fontSize ?? 16;
  const lineH = fs * 1.9;
  let maxAbs = 0;
  for (let i = 0; i < attributions.length; i++) maxAbs = Math.max(maxAbs, Math.abs(attributions[i]!));
  const body: string[] = [
    text(8, 20, opts.title ?? 'Words coloured by their attribution', {
      'font-weight': 'bold',
      fill: INK,
      'font-size': 12,
    }),
  ];
  let cx = 8;
  let cy = 36;
  tokens.forEach((tok, i) => {
    const w = textWidth(tok, fs) + 6;
    if (cx + w > width - 8 && cx > 8) {
      cx = 8;
      cy += lineH;
    }
    const a = attributions[i]!;
    const op = maxAbs > 0 ? Math.abs(a) / maxAbs : 0;
    body.push(
      `<g><title>${escapeXml(`${tok}: ${formatAttribution(a)}`)}</title><rect class="token" data-token="${escapeXml(tok)}" data-attribution="${a}" x="${px(cx)}" y="${px(cy)}" width="${px(w)}" height="${px(fs * 1.5)}" rx="3" fill="${a >= 0 ? POSITIVE : NEGATIVE}" fill-opacity="${px(op)}"/>${text(cx + 3, cy + fs * 1.1, tok, { 'font-size': fs, fill: INK })}</g>`,
    );
    cx += w + 4;
  });
  return svgDocument(width, cy + lineH + 8, opts.title ?? 'Text highlighting', body);
}
