/**
 * @module report/html
 * The self-contained HTML report: public surface of the folder.
 */
export { escapeHtml } from './escape.js';
export { type HtmlReportOptions, renderHtml } from './render-html.js';
