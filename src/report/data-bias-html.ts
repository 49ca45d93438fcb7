/**
 * @module report/data-bias-html
 * The data-bias report (`aequa data-bias --out DIR` → report.html) as one self-contained HTML file:
 * findings first, then per sensitive feature the representation against the reference, label base
 * rates with intervals, the proxy ranking and the feature divergences, each a chart plus a table;
 * then the balance over intersections. Same shell as the audit report (inline CSS and SVG, no
 * scripts, a Content-Security-Policy that forbids every request, every data string escaped).
 */
import type { DataBiasResult, SensitiveFeatureDataBias } from '../bias/index.js';
import { baseRateChart, divergenceChart, proxyChart, representationChart } from './charts/data-bias.js';
import type { ChartSpec } from './charts/group-rates.js';
import { renderSvg } from './charts/svg.js';
import { DASH, featureTitle, fmtInterval, fmtNum, fmtP } from './format.js';
import { escapeHtml as esc } from './html/escape.js';
import { reportPageStart } from './html/page.js';

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? DASH : `${(100 * x).toFixed(1)}%`;
const td = (s: string): string => `<td class="num">${esc(s)}</td>`;
const th = (s: string, num = true): string => `<th scope="col"${num ? ' class="num"' : ''}>${esc(s)}</th>`;

function table(head: readonly string[], rows: readonly string[]): string {
  return `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => th(h, i > 0)).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function groupTable(fb: SensitiveFeatureDataBias): string {
  const withLabel = fb.labels !== null;
  const ref = fb.labels?.reference;
  const head = ['group', 'rows', 'share', 'reference share', 'share / reference', 'facet imbalance'];
  if (withLabel) head.push('base rate', 'interval', `difference vs ${ref}`, `ratio vs ${ref}`, 'label KL');
  const rows = fb.groups.map((g) => {
    const cells = [
      td(String(g.count)),
      td(pct(g.share)),
      td(pct(g.referenceShare)),
      td(fmtNum(g.representationRatio, 2)),
      td(fmtNum(g.facetImbalance)),
    ];
    if (withLabel)
      cells.push(
        td(pct(g.baseRate)),
        td(g.baseRateCi ? fmtInterval(g.baseRateCi) : ''),
        td(fmtNum(g.baseRateDifference)),
        td(fmtNum(g.baseRateRatio, 2)),
        td(fmtNum(g.labelKl)),
      );
    const mark = g.group === ref ? ' <span class="muted">(reference)</span>' : '';
    return `<tr${g.group === ref ? ' class="ref"' : ''}><th scope="row">${esc(g.group)}${mark}</th>${cells.join('')}</tr>`;
  });
  return table(head, rows);
}

function summary(fb: SensitiveFeatureDataBias): string {
  const rep = fb.representation;
  const items = [
    `Representation against the ${rep.reference} reference: Jensen–Shannon ${fmtNum(rep.js)}, total variation ${fmtNum(rep.tv)}, KL ${fmtNum(rep.kl)}${rep.chiSquare ? `, χ² p ${fmtP(rep.chiSquare.pValue)}` : ''}.`,
  ];
  const lb = fb.labels;
  if (lb) {
    const d = lb.baseRateDifference;
    items.push(
      `Base-rate difference ${fmtNum(d.value)}${d.ci ? ` ${fmtInterval(d.ci)}` : ''}${d.groups?.length ? ` (${d.groups.join(' vs ')})` : ''}, ratio ${fmtNum(lb.baseRateRatio.value)}${lb.chiSquare ? `, χ² p ${fmtP(lb.chiSquare.pValue)}` : ''}; largest label KL ${fmtNum(lb.maxLabelKl)}.`,
    );
    if (lb.conditional)
      items.push(
        `Conditional demographic disparity given ${lb.conditional.control.join(', ')}: ${Object.entries(
          lb.conditional.conditionalDemographicDisparity,
        )
          .map(([g, v]) => `${g} ${fmtNum(v)}`)
          .join(', ')}.`,
      );
  }
  return `<ul class="findings">${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

function proxyTable(fb: SensitiveFeatureDataBias, top: number): string {
  const list = [...fb.proxies].sort((a, b) => a.rank - b.rank).slice(0, top);
  if (list.length === 0) return '<p class="muted">No features to rank.</p>';
  return table(
    ['feature', 'rank', 'mutual information', 'normalised MI', "Cramér's V", 'proxy AUC', 'flagged'],
    list.map(
      (p) =>
        `<tr${p.flagged ? ' class="sig"' : ''}><th scope="row">${esc(p.feature)}</th>${td(String(p.rank))}${td(fmtNum(p.mutualInformation))}` +
        `${td(fmtNum(p.normalizedMutualInformation))}${td(fmtNum(p.cramersV))}${td(p.auc === null ? (p.aucUndefinedBecause ?? DASH) : fmtNum(p.auc))}` +
        `<td>${p.flagged ? '<span class="sig-text">proxy</span>' : ''}</td></tr>`,
    ),
  );
}

function distanceTable(fb: SensitiveFeatureDataBias, top: number): string {
  const list = [...fb.featureDistances].sort((a, b) => (b.maxJs ?? -1) - (a.maxJs ?? -1)).slice(0, top);
  if (list.length === 0) return '';
  const groups = fb.groups.map((g) => g.group);
  return table(
    ['feature', 'max JS', 'max TV', ...groups.map((g) => `W₁ ${g}`), ...groups.map((g) => `χ² p ${g}`)],
    list.map((d) => {
      const w = groups.map((g) => td(fmtNum(d.byGroup[g]?.wasserstein1 ?? null)));
      const p = groups.map((g) => td(fmtP(d.byGroup[g]?.chiSquare?.pValue ?? null)));
      return `<tr><th scope="row">${esc(d.feature)}${d.binned ? ' <span class="muted">(binned)</span>' : ''}</th>${td(fmtNum(d.maxJs))}${td(fmtNum(d.maxTv))}${w.join('')}${p.join('')}</tr>`;
    }),
  );
}

function missingTable(fb: SensitiveFeatureDataBias): string {
  const list = fb.missingness.filter((m) => m.missing > 0);
  if (list.length === 0) return '<p class="muted">No missing values.</p>';
  const groups = fb.groups.map((g) => g.group);
  return table(
    ['column', 'missing', 'rate', ...groups, 'difference', 'p'],
    list.map(
      (m) =>
        `<tr><th scope="row">${esc(m.column)}</th>${td(String(m.missing))}${td(pct(m.rate))}${groups.map((g) => td(pct(m.byGroup[g] ?? null))).join('')}${td(fmtNum(m.difference))}${td(fmtP(m.pValue))}</tr>`,
    ),
  );
}

/** Options of {@link renderDataBiasHtml}. */
export interface DataBiasHtmlOptions {
  /** Proxies and divergences listed per feature. @default 10 */
  readonly top?: number;
}

/**
 * Renders a data-bias result as a self-contained HTML page.
 * @param result - the result of `dataBias()`.
 * @param opts - how many proxies and divergences to list.
 * @returns the HTML document (UTF-8 text starting with `<!doctype html>`).
 * @example
 * (await renderDataBiasHtml(result)).slice(0, 15) // '<!doctype html>'
 */
export async function renderDataBiasHtml(
  result: DataBiasResult,
  opts: DataBiasHtmlOptions = {},
): Promise<string> {
  const top = opts.top ?? 10;
  let n = 0;
  const fig = async (c: ChartSpec | null): Promise<string> => {
    if (c === null) return '';
    n++;
    const svg = await renderSvg(c.spec, { id: `dbchart${n}`, label: c.label });
    return `<figure>${svg}<figcaption>${esc(c.label)}</figcaption></figure>`;
  };
  const names = Object.keys(result.byFeature);
  const sections: string[] = [];
  for (const [i, name] of names.entries()) {
    const fb = result.byFeature[name]!;
    const charts = [
      await fig(representationChart(name, fb)),
      await fig(baseRateChart(name, fb, result.input.confidence)),
    ].join('');
    const proxyFig = await fig(proxyChart(name, fb, top));
    const divFig = await fig(divergenceChart(name, fb, top));
    sections.push(
      `<section id="feature-${i}" aria-labelledby="feature-${i}-h"><h2 id="feature-${i}-h">${esc(featureTitle(name))}</h2>` +
        summary(fb) +
        `<h3>Representation and base rates</h3><div class="charts">${charts}</div>${groupTable(fb)}` +
        `<h3>Proxies of ${esc(featureTitle(name))}</h3>${proxyFig ? `<div class="charts">${proxyFig}</div>` : ''}${proxyTable(fb, top)}` +
        `<h3>Feature divergences between groups</h3>${divFig ? `<div class="charts">${divFig}</div>` : ''}${distanceTable(fb, top)}` +
        `<h3>Missing values</h3>${missingTable(fb)}</section>`,
    );
  }
  const findings = result.findings
    .map((f) => {
      const label = { significant: 'significant', warning: 'warning', info: 'note' }[f.severity];
      return `<li><span class="badge ${f.severity}">${label}</span>${esc(f.message)}</li>`;
    })
    .join('');
  const significant = result.findings.some((f) => f.severity === 'significant');
  const lb = result.labels;
  const inputs: [string, string][] = [
    ['data', `${result.input.source ?? 'table'} (${result.input.rows} rows)`],
    ['sensitive', result.input.sensitive.join(', ')],
    [
      'label',
      lb
        ? `${lb.column} (positive: ${lb.positive.join(', ')}; rate ${pct(lb.positiveRate)}, imbalance ratio ${fmtNum(lb.imbalanceRatio, 2)})`
        : 'none',
    ],
    ['reference distribution', result.input.reference === 'uniform' ? 'uniform' : 'given'],
    ['features examined', String(result.input.features.length)],
  ];
  const bal = result.balance;
  const balance = bal
    ? `<section id="balance" aria-labelledby="balance-h"><h2 id="balance-h">Balance over intersections of ${esc(bal.features.join(' × '))}</h2>` +
      `<p>${bal.cells} intersections (${bal.emptyCells} empty); Theil index ${esc(fmtNum(bal.theil))} of at most ${esc(fmtNum(bal.theilMax))}, ` +
      `Atkinson (ε = ${bal.atkinsonEpsilon}) ${esc(fmtNum(bal.atkinson))}; smallest ${esc(bal.smallest.group)} (${bal.smallest.count} rows), largest ${esc(bal.largest.group)} (${bal.largest.count} rows).</p></section>`
    : '';
  const title = `Data bias: ${result.input.source ?? 'table'}`;
  return [
    ...reportPageStart(title, 'aequa'),
    `<header><h1>Bias in the data</h1><p class="subtitle">${esc(result.input.source ?? 'table')} · ${result.input.rows} rows · sensitive: ${esc(result.input.sensitive.join(', '))}</p>`,
    `<section class="verdict${significant ? ' has-sig' : ''}" id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>${findings ? `<ul class="findings">${findings}</ul>` : '<p>Nothing notable.</p>'}</section>`,
    `<nav class="toc" aria-label="Contents"><a href="#findings">Findings</a><a href="#input">Input</a>${names.map((f, i) => `<a href="#feature-${i}">${esc(featureTitle(f))}</a>`).join('')}${bal ? '<a href="#balance">Intersections</a>' : ''}</nav></header>`,
    `<section id="input" aria-labelledby="input-h"><h2 id="input-h">Input</h2><dl class="inputs">${inputs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></section>`,
    ...sections,
    balance,
    `<footer>Generated by aequa (data-bias schema ${esc(result.schemaVersion)}). This file is self-contained: it loads nothing and runs no scripts.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
