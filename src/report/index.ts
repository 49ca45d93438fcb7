/**
 * @module report
 * Renderers of audit results: JSON (schemas/audit.schema.json), Markdown and a self-contained HTML
 * page with inline SVG charts, plus the shared number formatting that the CLI's terminal table uses.
 * Library code does no I/O: the renderers return strings, and the CLI writes them.
 */

export { baseRateChart, divergenceChart, proxyChart, representationChart } from './charts/data-bias.js';
export { runLabel, tradeoffChart } from './charts/tradeoff.js';
export { type DataBiasHtmlOptions, renderDataBiasHtml } from './data-bias-html.js';
export {
  type ExplainDisparity,
  type ExplainGlobal,
  type ExplainReport,
  type ExplainRowExtras,
  renderExplainHtml,
} from './explain-html.js';
export {
  type CellText,
  cellWithReason,
  conventionNote,
  correctionName,
  DASH,
  featureTitle,
  fmtCount,
  fmtInterval,
  fmtNum,
  fmtP,
  fmtWithCi,
  fourFifthsOf,
  groupCell,
  groupColumns,
  inFairBand,
  inputSummary,
  KEY_DISPARITIES,
  METRIC_LABELS,
  metricLabel,
  orderedDisparities,
} from './format.js';
export { escapeHtml, type HtmlReportOptions, renderHtml } from './html/index.js';
export { renderJson } from './json.js';
export { mdEscape, renderMarkdown } from './markdown.js';
export { renderMitigationHtml } from './mitigation-html.js';
export { renderMitigationMarkdown } from './mitigation-markdown.js';
export type { MitigationFigures, MitigationReport, MitigationRunReport } from './mitigation-types.js';
export { paretoFront, paretoKnee, type TradeoffPoint } from './pareto.js';
