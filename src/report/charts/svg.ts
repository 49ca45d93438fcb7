/**
 * @module report/charts/svg
 * Renders a Vega-Lite spec to a static, self-contained SVG string in Node, with no browser and no
 * network: Vega-Lite compiles to Vega (https://vega.github.io/vega-lite/usage/compile.html), and a
 * headless Vega View renders SVG (https://vega.github.io/vega/usage/#view). Chosen over hand-drawn SVG
 * because the library already handles scales, axes, legends, text escaping and layout.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { escapeHtml } from '../html/escape.js';

/** How a chart is embedded: a unique id (prefixes the SVG's internal ids) and its accessible label. */
export interface SvgOptions {
  /** Letters, digits, `-` and `_`; unique in the page, because several SVGs share one document. */
  readonly id: string;
  /** A sentence describing the chart, used as `aria-label` and `<title>`. */
  readonly label: string;
}

type Logger = {
  level(l?: number): Logger | number;
  error(...a: unknown[]): Logger;
  warn(...a: unknown[]): Logger;
  info(...a: unknown[]): Logger;
  debug(...a: unknown[]): Logger;
};

/**
 * A logger that keeps Vega's messages out of the console (library code never prints). Its warnings
 * are about the drawing (e.g. null values left out of a scale), not about the audit, and the tables
 * beside each chart hold every number, so they are dropped.
 */
function quietLogger(): Logger {
  const self: Logger = {
    level: () => self,
    error: () => self,
    warn: () => self,
    info: () => self,
    debug: () => self,
  };
  return self;
}

/**
 * Renders a Vega-Lite spec to an inline SVG element: the internal ids (clip paths, gradients) are
 * prefixed with `opts.id` so several charts can share a page, the root gets `role="img"`, an
 * `aria-label` and a `<title>`, and fixed pixel sizes give way to the viewBox so CSS can scale it.
 * Vega and Vega-Lite are imported on first use, so importing the report module stays cheap.
 *
 * @param spec - a Vega-Lite spec with inline data (`data.values`); nothing is fetched.
 * @param opts - the chart's id and accessible label.
 * @returns the `<svg …>…</svg>` markup.
 * @throws {AEQ_INVALID_ARGUMENT} when the id has characters other than letters, digits, - and _.
 * @example
 * await renderSvg({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } }, { id: 'c1', label: 'One point' })
 * // '<svg role="img" aria-label="One point" … class="marks" …><title>One point</title>…</svg>'
 */
export async function renderSvg(spec: Readonly<Record<string, unknown>>, opts: SvgOptions): Promise<string> {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(opts.id)) {
    throw new InvalidArgumentError(
      'renderSvg',
      'opts.id',
      opts.id,
      'letters, digits, "-" and "_", starting with a letter',
    );
  }
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const logger = quietLogger();
  const compiled = vl.compile(spec as never, { logger: logger as never });
  const view = new vega.View(vega.parse(compiled.spec), {
    renderer: 'none',
    logger: logger as never,
    logLevel: vega.Warn,
  });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  return decorate(svg, opts);
}

/** Prefixes ids, adds the accessibility attributes and makes the SVG scale with its container. */
function decorate(svg: string, opts: SvgOptions): string {
  const p = `${opts.id}-`;
  let out = svg
    .replace(/\sid="([^"]+)"/g, ` id="${p}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${p}$1)`)
    .replace(/(\s(?:xlink:)?href)="#([^"]+)"/g, `$1="#${p}$2"`);
  const label = escapeHtml(opts.label);
  out = out.replace(/^<svg\b([^>]*)>/, (_m, attrs: string) => {
    const clean = attrs.replace(/\s(?:role|aria-label|aria-roledescription)="[^"]*"/g, '');
    return `<svg role="img" aria-label="${label}"${clean}><title>${label}</title>`;
  });
  return out;
}
