/**
 * @module report/html/render-html
 * The audit report as one self-contained HTML file (`report.html`): inline CSS, inline SVG charts
 * rendered in Node by Vega-Lite, no scripts, no external requests (a Content-Security-Policy forbids
 * them), so it works offline, with JavaScript disabled, and in print. Every data string is escaped.
 * Layout follows the "verdict first" shape of model-card style reports (Mitchell et al. 2019,
 * https://arxiv.org/abs/1810.03993): what was found, on what, then the evidence per feature.
 */
import type { AuditResult, DisparityResult, FeatureResult } from '../../metrics/index.js';
import { disparityOverviewChart } from '../charts/disparity-overview.js';
import { type ChartSpec, groupRatesChart } from '../charts/group-rates.js';
import { calibrationChart, rocChart } from '../charts/score-curves.js';
import { renderSvg } from '../charts/svg.js';
import {
  conventionNote,
  DASH,
  featureTitle,
  fmtCount,
  fmtInterval,
  fmtNum,
  fmtP,
  fourFifthsOf,
  groupColumns,
  inputSummary,
  metricLabel,
  orderedDisparities,
} from '../format.js';
import { escapeHtml as esc } from './escape.js';
import { reportPageStart } from './page.js';

/** Options of {@link renderHtml}. */
export interface HtmlReportOptions {
  /** At most this many charts in the report; the rest are left out with a note. @default 12 */
  readonly maxCharts?: number;
  /** At most this many groups per bar chart (the largest); tables always list all. @default 30 */
  readonly maxGroups?: number;
}

type Planned = { feature: string; kind: 'rates' | 'disparities' | 'roc' | 'calibration'; chart: ChartSpec };

/** Which charts to draw, most important first: every feature's rates and disparities, then score curves. */
function planCharts(result: AuditResult, opts: HtmlReportOptions): { planned: Planned[]; dropped: number } {
  const all: Planned[] = [];
  const names = Object.keys(result.byFeature);
  const maxGroups = opts.maxGroups ?? 30;
  for (const f of names)
    all.push({ feature: f, kind: 'rates', chart: groupRatesChart(result, f, { maxGroups }) });
  for (const f of names) {
    const d = disparityOverviewChart(result, f);
    if (d) all.push({ feature: f, kind: 'disparities', chart: d });
  }
  for (const f of names) {
    const r = rocChart(result, f);
    if (r) all.push({ feature: f, kind: 'roc', chart: r });
    const c = calibrationChart(result, f);
    if (c) all.push({ feature: f, kind: 'calibration', chart: c });
  }
  const max = opts.maxCharts ?? 12;
  return { planned: all.slice(0, Math.max(0, max)), dropped: Math.max(0, all.length - Math.max(0, max)) };
}

function figure(svg: string, chart: ChartSpec): string {
  const note = chart.note ? `<p class="note">${esc(chart.note)}</p>` : '';
  return `<figure>${svg}<figcaption>${esc(chart.label)}</figcaption>${note}</figure>`;
}

function numCell(text: string, ci?: string): string {
  return `<td class="num">${esc(text)}${ci ? ` <span class="ci">${esc(ci)}</span>` : ''}</td>`;
}

function groupTable(result: AuditResult, fr: FeatureResult): string {
  const cols = groupColumns(result, fr);
  const head = `<tr><th scope="col">group</th>${cols.map((c) => `<th scope="col" class="num">${esc(metricLabel(c))}</th>`).join('')}</tr>`;
  const rows = Object.entries(fr.groups).map(([g, gr]) => {
    const cls = [g === fr.reference ? 'ref' : '', gr.small ? 'small' : ''].filter(Boolean).join(' ');
    const marks = [g === fr.reference ? 'reference' : '', gr.small ? 'small' : ''].filter(Boolean);
    const name = `<th scope="row">${esc(g)}${marks.length ? ` <span class="muted">(${marks.join(', ')})</span>` : ''}</th>`;
    const cells = cols.map((c) => {
      if (c === 'count') return numCell(fmtCount(gr.count));
      const v = gr[c];
      if (v === null || v === undefined) {
        const why = gr.undefinedBecause?.[c];
        return `<td class="num">${DASH}${why ? ` <span class="reason">(${esc(why)})</span>` : ''}</td>`;
      }
      const ci = gr.ci?.[c];
      return numCell(c === 'weight' ? fmtCount(v) : fmtNum(v), ci ? fmtInterval(ci) : undefined);
    });
    return `<tr${cls ? ` class="${cls}"` : ''}>${name}${cells.join('')}</tr>`;
  });
  return `<div class="table-wrap"><table class="groups"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function sigCell(d: DisparityResult): string {
  if (d.significant === undefined) return '<td><span class="muted">not tested</span></td>';
  return d.significant
    ? '<td><span class="sig-text">✓ significant</span></td>'
    : `<td>${DASH} <span class="muted">no</span></td>`;
}

function fourFifthsCell(d: DisparityResult): string {
  const ff = fourFifthsOf(d);
  if (ff === undefined) return '<td></td>';
  return ff ? '<td><span class="ok-text">holds</span></td>' : '<td><span class="sig-text">fails</span></td>';
}

function disparityTable(fr: FeatureResult): string {
  const list = orderedDisparities(fr);
  if (list.length === 0) return '<p class="muted">No disparities were computed.</p>';
  const head =
    '<tr><th scope="col">disparity</th><th scope="col">between</th><th scope="col" class="num">value</th><th scope="col" class="num">CI</th>' +
    '<th scope="col" class="num">adjusted p</th><th scope="col">significant</th><th scope="col">four-fifths</th></tr>';
  const rows = list.map(([n, d]) => {
    const value =
      d.value === null
        ? `<td class="num">${DASH}${d.undefinedBecause ? ` <span class="reason">(${esc(d.undefinedBecause)})</span>` : ''}</td>`
        : numCell(fmtNum(d.value));
    const between = d.groups && d.groups.length > 0 ? d.groups.map(esc).join(' vs ') : '';
    return (
      `<tr${d.significant ? ' class="sig"' : ''}><th scope="row">${esc(metricLabel(n))}</th><td>${between}</td>${value}` +
      `${numCell(fmtInterval(d.ci))}${numCell(d.adjustedPValue === undefined ? '' : fmtP(d.adjustedPValue))}${sigCell(d)}${fourFifthsCell(d)}</tr>`
    );
  });
  return `<div class="table-wrap"><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function conditionalBlock(fr: FeatureResult): string {
  const c = fr.conditional;
  if (!c) return '';
  const cdd = Object.entries(c.conditionalDemographicDisparity)
    .map(([g, v]) => `<tr><th scope="row">${esc(g)}</th>${numCell(fmtNum(v))}</tr>`)
    .join('');
  const strata = Object.entries(c.byStratum)
    .map(
      ([s, v]) =>
        `<tr><th scope="row">${esc(s)}</th>${numCell(fmtCount(v.count))}${numCell(fmtNum(v.demographicParityDifference))}</tr>`,
    )
    .join('');
  return (
    `<h3>Conditional on ${esc(c.control.join(', '))}</h3>` +
    `<div class="table-wrap"><table><thead><tr><th scope="col">group</th><th scope="col">conditional demographic disparity</th></tr></thead><tbody>${cdd}</tbody></table></div>` +
    `<div class="table-wrap"><table><thead><tr><th scope="col">stratum</th><th scope="col">count</th><th scope="col">demographic parity difference</th></tr></thead><tbody>${strata}</tbody></table></div>`
  );
}

function verdictBlock(result: AuditResult): string {
  const sig = result.verdict.findings.filter((f) => f.severity === 'significant');
  const order = { significant: 0, warning: 1, info: 2 } as const;
  const findings = [...result.verdict.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const label = { significant: 'significant', warning: 'warning', info: 'note' } as const;
  const items = findings
    .map((f) => `<li><span class="badge ${f.severity}">${label[f.severity]}</span>${esc(f.message)}</li>`)
    .join('');
  let policy = '';
  if (result.policy) {
    const failed = result.policy.rules.filter((r) => !r.passed).length;
    policy = result.policy.passed
      ? `<p class="policy-line"><span class="badge pass">passed</span>Policy: all ${result.policy.rules.length} rules hold.</p>`
      : `<p class="policy-line"><span class="badge fail">failed</span>Policy: ${failed} of ${result.policy.rules.length} rules fail (<a href="#policy">details</a>).</p>`;
  }
  const headline = sig.length > 0 ? `Significant gaps found (${sig.length})` : 'No significant gap found';
  return (
    `<section class="verdict${sig.length > 0 ? ' has-sig' : ''}" aria-labelledby="verdict-h" id="verdict">` +
    `<h2 id="verdict-h">Verdict: ${esc(headline)}</h2><p class="summary">${esc(result.verdict.summary)}</p>` +
    `${items ? `<ul class="findings">${items}</ul>` : ''}${policy}</section>`
  );
}

function overallTable(result: AuditResult): string {
  const cols = groupColumns(result).filter((c) => c !== 'count' && result.overall[c] !== undefined);
  if (cols.length === 0) return '';
  return (
    `<div class="table-wrap"><table><thead><tr>${cols.map((c) => `<th scope="col" class="num">${esc(metricLabel(c))}</th>`).join('')}</tr></thead>` +
    `<tbody><tr>${cols.map((c) => numCell(fmtNum(result.overall[c]))).join('')}</tr></tbody></table></div>`
  );
}

function policyBlock(result: AuditResult): string {
  const p = result.policy;
  if (!p) return '';
  const rows = p.rules
    .map(
      (r) =>
        `<tr${r.passed ? '' : ' class="fail"'}><td><code>${esc(r.rule)}</code></td><td>${r.feature === null ? 'overall' : esc(featureTitle(r.feature))}</td>` +
        `${numCell(fmtNum(r.actual))}<td>${r.passed ? '<span class="badge pass">pass</span>' : '<span class="badge fail">fail</span>'}</td><td>${esc(r.message)}</td></tr>`,
    )
    .join('');
  return (
    `<section id="policy" aria-labelledby="policy-h"><h2 id="policy-h">Policy${p.source ? `: ${esc(p.source)}` : ''}</h2>` +
    `<p>${p.passed ? '<span class="ok-text">All rules hold.</span>' : '<span class="sig-text">The policy fails.</span>'}</p>` +
    `<div class="table-wrap"><table><thead><tr><th scope="col">rule</th><th scope="col">feature</th><th scope="col">actual</th><th scope="col">result</th><th scope="col">detail</th></tr></thead><tbody>${rows}</tbody></table></div></section>`
  );
}

/**
 * Renders the audit as one self-contained HTML page: a header with the verdict (significant gaps
 * highlighted) and the policy outcome, the input summary and overall metrics, then per sensitive
 * feature a bar chart of selection rate, TPR and FPR per group with interval whiskers and a reference
 * line, a disparity overview against the fair band, ROC and calibration charts when the audit had a
 * score, and the group and disparity tables; then the policy rules, warnings and a note on the
 * convention. Charts are inline SVG with `role="img"` and an `aria-label`; the palette is Okabe–Ito.
 * At most `maxCharts` charts (default 12) are drawn, and bar charts show at most `maxGroups` groups
 * (default 30, the largest; the tables list every group).
 *
 * @param result - the audit result.
 * @param opts - chart limits.
 * @returns the HTML document (UTF-8 text starting with `<!doctype html>`).
 * @example
 * (await renderHtml(result)).slice(0, 15) // '<!doctype html>'
 */
export async function renderHtml(result: AuditResult, opts: HtmlReportOptions = {}): Promise<string> {
  const { planned, dropped } = planCharts(result, opts);
  const svgs = new Map<string, string[]>();
  let n = 0;
  for (const p of planned) {
    n++;
    const svg = await renderSvg(p.chart.spec, { id: `chart${n}`, label: p.chart.label });
    const list = svgs.get(p.feature) ?? [];
    list.push(figure(svg, p.chart));
    svgs.set(p.feature, list);
  }
  const names = Object.keys(result.byFeature);
  const title = `Fairness audit: ${result.input.source}`;
  const toc = [
    '<a href="#verdict">Verdict</a>',
    '<a href="#input">Input</a>',
    ...names.map((f, i) => `<a href="#feature-${i}">${esc(featureTitle(f))}</a>`),
    result.policy ? '<a href="#policy">Policy</a>' : '',
    result.warnings.length > 0 ? '<a href="#warnings">Warnings</a>' : '',
    '<a href="#notes">How to read</a>',
  ]
    .filter(Boolean)
    .join('');
  const inputs = inputSummary(result)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('');
  const features = names
    .map((f, i) => {
      const fr = result.byFeature[f]!;
      const charts = svgs.get(f) ?? [];
      return (
        `<section id="feature-${i}" aria-labelledby="feature-${i}-h"><h2 id="feature-${i}-h">${esc(featureTitle(f))}</h2>` +
        `<p>Reference group: <strong>${esc(fr.reference)}</strong> · ${Object.keys(fr.groups).length} groups` +
        `${Object.values(fr.groups).some((g) => g.small) ? ` · groups with fewer than ${result.options.minGroupSize} rows are marked small` : ''}</p>` +
        `${charts.length > 0 ? `<div class="charts">${charts.join('')}</div>` : ''}` +
        `<h3>Groups</h3>${groupTable(result, fr)}<h3>Disparities</h3>${disparityTable(fr)}${conditionalBlock(fr)}</section>`
      );
    })
    .join('');
  const droppedNote =
    dropped > 0
      ? `<p class="note">${dropped} more chart${dropped === 1 ? ' was' : 's were'} left out to keep the report small (limit ${opts.maxCharts ?? 12}); the tables hold every number.</p>`
      : '';
  const warnings =
    result.warnings.length > 0
      ? `<section id="warnings" aria-labelledby="warnings-h"><h2 id="warnings-h">Warnings</h2><ul class="warnings">${result.warnings
          .map((w) => `<li><code>${esc(w.code)}</code> ${esc(w.message)}</li>`)
          .join('')}</ul></section>`
      : '';
  const notes =
    `<section id="notes" aria-labelledby="notes-h"><h2 id="notes-h">How to read this report</h2><p>${esc(conventionNote(result))}</p>` +
    `<p>In the disparity tables, <em>significant</em> means the test of equal rates is significant after the correction; ` +
    `<em>four-fifths</em> applies to ratios only. A ${DASH} marks an undefined value, with the reason in parentheses ` +
    `(for example <code>noPositives</code>: the group has no positive labels). Intervals are shown in grey after each value.</p></section>`;
  return [
    ...reportPageStart(title, `${result.tool.name} ${result.tool.version}`),
    `<header><h1>Fairness audit</h1><p class="subtitle">${esc(result.input.source)} · ${esc(result.input.task)} · ${result.rows} rows · ${esc(result.tool.name)} ${esc(result.tool.version)}</p>`,
    verdictBlock(result),
    `<nav class="toc" aria-label="Contents">${toc}</nav></header>`,
    `<section id="input" aria-labelledby="input-h"><h2 id="input-h">Input</h2><dl class="inputs">${inputs}</dl>`,
    `<h3>Overall</h3>${overallTable(result)}</section>`,
    droppedNote,
    features,
    policyBlock(result),
    warnings,
    notes,
    `<footer>Generated by ${esc(result.tool.name)} ${esc(result.tool.version)} (schema ${esc(result.schemaVersion)}). This file is self-contained: it loads nothing and runs no scripts.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
