/**
 * @module report/html/page
 * The opening of a self-contained HTML report page, shared by every report: the doctype, a
 * Content-Security-Policy that allows no scripts, network or forms (https://www.w3.org/TR/CSP3/),
 * the generator, the title, the inline stylesheet, and the start of `<body><main>`.
 */
import { escapeHtml } from './escape.js';
import { REPORT_CSS } from './styles.js';

/** Nothing but inline styles and data: images; no scripts, fetches, base rewrites or form posts. */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/**
 * The lines that open a report page, up to and including `<main>` (title and generator are escaped;
 * `extraCss` is appended to the shared stylesheet as is).
 * @example reportPageStart('Fairness audit', 'aequa 1.0.0').at(-1) // '<main>'
 */
export function reportPageStart(title: string, generator: string, extraCss = ''): string[] {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${escapeHtml(generator)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}${extraCss}</style>`,
    '</head>',
    '<body>',
    '<main>',
  ];
}
