/**
 * @module report/html/styles
 * The inline stylesheet of the HTML report: system fonts only (no web fonts, works offline),
 * readable on a laptop screen, printable (print rules keep charts and table rows whole), and with
 * colours that pass WCAG 2.1 AA contrast for text (https://www.w3.org/TR/WCAG21/#contrast-minimum).
 */

/** The report's CSS, inlined in a `<style>` element. */
export const REPORT_CSS = `
:root {
  --fg: #1d1d1f; --muted: #555; --line: #d9d9de; --bg: #fff; --panel: #f6f7f9;
  --sig: #b13f00; --sig-bg: #fff1e8; --ok: #00684a; --ok-bg: #e9f7f1; --warn: #7a5a00; --warn-bg: #fff8df;
  --accent: #005a8c;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 var(--font); color: var(--fg); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 1.3rem; margin: 40px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; }
p { margin: 6px 0; }
a { color: var(--accent); }
code { font-family: var(--mono); font-size: 0.9em; }
.subtitle { color: var(--muted); margin: 0 0 18px; }
.verdict { border: 1px solid var(--line); border-left: 6px solid var(--ok); background: var(--ok-bg); padding: 14px 18px; border-radius: 6px; }
.verdict.has-sig { border-left-color: var(--sig); background: var(--sig-bg); }
.verdict h2 { border: 0; margin: 0 0 6px; padding: 0; font-size: 1.15rem; }
.verdict .summary { font-weight: 600; font-size: 1.02rem; }
.findings { list-style: none; padding: 0; margin: 10px 0 0; }
.findings li { margin: 4px 0; padding-left: 1.6em; text-indent: -1.6em; }
.badge { display: inline-block; min-width: 6.2em; text-indent: 0; font-size: 0.78rem; font-weight: 700; letter-spacing: 0.02em;
  text-transform: uppercase; padding: 1px 6px; margin-right: 6px; border-radius: 3px; text-align: center; border: 1px solid currentColor; }
.badge.significant, .badge.fail { color: var(--sig); background: #fff; }
.badge.warning { color: var(--warn); background: #fff; }
.badge.info, .badge.untested { color: var(--muted); background: #fff; }
.badge.pass { color: var(--ok); background: #fff; }
.policy-line { margin-top: 10px; font-weight: 600; }
nav.toc { margin: 16px 0 0; font-size: 0.92rem; color: var(--muted); }
nav.toc a { margin-right: 14px; white-space: nowrap; }
dl.inputs { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 8px 0; }
dl.inputs dt { color: var(--muted); }
dl.inputs dd { margin: 0; overflow-wrap: anywhere; }
.charts { display: flex; flex-wrap: wrap; gap: 18px 28px; align-items: flex-start; margin: 12px 0 6px; }
figure { margin: 0; max-width: 100%; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
figure svg text { font-family: var(--font); }
figcaption { font-size: 0.85rem; color: var(--muted); max-width: 62ch; margin-top: 4px; }
.note { font-size: 0.85rem; color: var(--warn); }
.table-wrap { overflow-x: auto; margin: 6px 0 12px; }
table { border-collapse: collapse; font-size: 0.88rem; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--panel); font-weight: 600; white-space: nowrap; }
tbody th { font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.num .ci { color: var(--muted); font-size: 0.92em; }
table.groups td.num .ci { display: block; font-size: 0.85em; }
tr.small td { color: var(--muted); }
tr.ref td:first-child { font-weight: 600; }
tr.sig td, tr.sig th, tr.fail td, tr.fail th { background: var(--sig-bg); }
.reason { color: var(--muted); font-size: 0.85em; }
.muted { color: var(--muted); }
.sig-text { color: var(--sig); font-weight: 700; }
.ok-text { color: var(--ok); font-weight: 600; }
ul.warnings li { margin: 3px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding-top: 10px; }
@media (max-width: 700px) { main { padding: 16px; } .charts { display: block; } figure { margin-bottom: 16px; } }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, figure { break-inside: avoid; page-break-inside: avoid; }
  .verdict, tr.sig td, tr.sig th, tr.fail td, tr.fail th, .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 14mm; }
`;
