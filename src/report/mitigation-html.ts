/**
 * @module report/mitigation-html
 * The `aequa mitigate` report as one self-contained HTML file: the before/after comparison of the
 * chosen run with intervals, the accuracy–disparity trade-off chart (Pareto front across methods and
 * slack/λ values, Agarwal et al. 2018, https://arxiv.org/abs/1803.02453) and every run in a table.
 * Same shell as the audit report: inline CSS and SVG, no scripts, a Content-Security-Policy that
 * forbids every request, all data strings escaped.
 */
import { renderSvg } from './charts/svg.js';
import { runLabel, tradeoffChart } from './charts/tradeoff.js';
import { DASH, fmtInterval, fmtNum, metricLabel } from './format.js';
import { escapeHtml as esc } from './html/escape.js';
import { reportPageStart } from './html/page.js';
import type { MitigationFigures, MitigationReport } from './mitigation-types.js';

const num = (x: unknown): number | null => (typeof x === 'number' ? x : null);

function cell(f: MitigationFigures, key: string): string {
  const v = num(f[key]);
  const ci = f.ci?.[key];
  return `<td class="num">${v === null ? DASH : esc(fmtNum(v, 4))}${ci ? ` <span class="ci">${esc(fmtInterval(ci))}</span>` : ''}</td>`;
}

function delta(a: MitigationFigures, b: MitigationFigures, key: string): string {
  const x = num(a[key]);
  const y = num(b[key]);
  if (x === null || y === null) return `<td class="num">${DASH}</td>`;
  const d = y - x;
  return `<td class="num">${d >= 0 ? '+' : '−'}${esc(fmtNum(Math.abs(d), 4))}</td>`;
}

function beforeAfter(r: MitigationReport): string {
  const keys = ['accuracy', 'balancedAccuracy', r.disparity];
  const rows = keys
    .map(
      (k) =>
        `<tr><th scope="row">${esc(metricLabel(k))}</th>${cell(r.before, k)}${cell(r.after, k)}${delta(r.before, r.after, k)}</tr>`,
    )
    .join('');
  const chosen = r.runs[r.chosen]!;
  return (
    `<div class="table-wrap"><table><thead><tr><th scope="col">metric (test)</th><th scope="col" class="num">before: baseline</th>` +
    `<th scope="col" class="num">after: ${esc(runLabel(chosen))}</th><th scope="col" class="num">change</th></tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

function runsTable(r: MitigationReport): string {
  const front = new Set(r.paretoFront);
  const head =
    `<tr><th scope="col">#</th><th scope="col">method</th><th scope="col" class="num">eps / λ</th><th scope="col" class="num">accuracy</th>` +
    `<th scope="col" class="num">balanced accuracy</th><th scope="col" class="num">${esc(metricLabel(r.disparity))}</th>` +
    `<th scope="col" class="num">training disparity</th><th scope="col">constraint met</th><th scope="col" class="num">fit s</th><th scope="col">Pareto</th></tr>`;
  const rows = r.runs
    .map((x) => {
      const param = x.eps !== null ? `eps ${x.eps}` : x.lambda !== null ? `λ ${x.lambda}` : '';
      const met =
        x.satisfied === undefined
          ? '<td></td>'
          : x.satisfied
            ? '<td><span class="ok-text">yes</span></td>'
            : '<td><span class="sig-text">no</span></td>';
      const cls = x.index === r.chosen ? ' class="ref"' : '';
      return (
        `<tr${cls}><td>${x.index}</td><th scope="row">${esc(x.method)}${x.index === r.chosen ? ' <span class="muted">(chosen)</span>' : ''}</th>` +
        `<td class="num">${esc(param)}</td>${cell(x.test, 'accuracy')}${cell(x.test, 'balancedAccuracy')}${cell(x.test, r.disparity)}` +
        `<td class="num">${x.trainDisparity === undefined ? '' : esc(fmtNum(x.trainDisparity, 4))}</td>${met}` +
        `<td class="num">${esc(x.fitSeconds.toFixed(2))}</td><td>${front.has(x.index) ? '✓' : ''}</td></tr>`
      );
    })
    .join('');
  return `<div class="table-wrap"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * Renders the mitigation comparison as a self-contained HTML page (`report.html` of
 * `aequa mitigate --out DIR`).
 * @param report - the comparison.
 * @returns the HTML document (UTF-8 text starting with `<!doctype html>`).
 * @example
 * (await renderMitigationHtml(report)).slice(0, 15) // '<!doctype html>'
 */
export async function renderMitigationHtml(report: MitigationReport): Promise<string> {
  const chart = tradeoffChart(report);
  const svg = await renderSvg(chart.spec, { id: 'tradeoff', label: chart.label });
  const title = `Mitigation: ${report.constraint} by ${report.sensitive}`;
  const inputs: [string, string][] = [
    ['training data', `${report.train} (${report.trainRows} rows)`],
    ['test data', `${report.test} (${report.testRows} rows)`],
    ['label', `${report.label} (positive: ${report.positive.join(', ')})`],
    ['sensitive attribute', report.sensitive],
    ['learner', report.learner],
    ['constraint', `${report.constraint} (measured as ${metricLabel(report.disparity)})`],
    ['chosen by', report.choice],
    ['model file', report.model ?? 'not written'],
  ];
  const warnings =
    report.warnings.length > 0
      ? `<section id="warnings" aria-labelledby="warnings-h"><h2 id="warnings-h">Warnings</h2><ul class="warnings">${report.warnings
          .map((w) => `<li>${esc(w)}</li>`)
          .join('')}</ul></section>`
      : '';
  const level = report.confidence === null ? '' : `${+(report.confidence * 100).toFixed(1)}% `;
  const notes =
    `<section id="notes" aria-labelledby="notes-h"><h2 id="notes-h">How to read this report</h2>` +
    `<p>Every figure is measured on the test file by the core audit. Randomized classifiers (exponentiated gradient, ` +
    `randomized thresholds) are scored by their expected confusion counts, so their rates carry no sampling noise from the randomization.</p>` +
    `<p>${level ? `Intervals (${esc(level.trim())}) in grey: accuracy by the Wilson interval, balanced accuracy by the normal approximation over the two classes, the disparity by the audit's bootstrap. ` : ''}` +
    `A run is Pareto-optimal when no other run is both at least as accurate and at least as fair on the test data. ` +
    `Choosing among runs by their test figures uses the test data for selection; confirm the choice on fresh data.</p></section>`;
  return [
    ...reportPageStart(title, `${report.tool.name} ${report.tool.version}`),
    `<header><h1>${esc(title)}</h1><p class="subtitle">${esc(report.learner)} · ${report.runs.length - 1} mitigation run${report.runs.length === 2 ? '' : 's'} · ${esc(report.tool.name)} ${esc(report.tool.version)}</p>`,
    `<nav class="toc" aria-label="Contents"><a href="#before-after">Before / after</a><a href="#tradeoff-h">Trade-off</a><a href="#runs">All runs</a><a href="#input">Input</a><a href="#notes">How to read</a></nav></header>`,
    `<section id="before-after" aria-labelledby="ba-h"><h2 id="ba-h">Before and after</h2>${beforeAfter(report)}</section>`,
    `<section aria-labelledby="tradeoff-h"><h2 id="tradeoff-h">Accuracy–disparity trade-off</h2><div class="charts"><figure>${svg}<figcaption>${esc(chart.label)}</figcaption></figure></div></section>`,
    `<section id="runs" aria-labelledby="runs-h"><h2 id="runs-h">All runs</h2>${runsTable(report)}</section>`,
    `<section id="input" aria-labelledby="input-h"><h2 id="input-h">Input</h2><dl class="inputs">${inputs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></section>`,
    warnings,
    notes,
    `<footer>Generated by ${esc(report.tool.name)} ${esc(report.tool.version)} (schema ${esc(report.schemaVersion)}). This file is self-contained: it loads nothing and runs no scripts.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
