/**
 * @module report/explain-html
 * The explanation report (`aequa explain --out DIR` → report.html) as one self-contained HTML file:
 * per explained row a waterfall and a force plot, the plain-language text and the counterfactuals;
 * for the set of rows a beeswarm and a mean-|SHAP| bar summary; optionally permutation importance,
 * partial dependence with ICE, the global surrogate's rules, and the attribution of a gap between two
 * groups to features. Same shell as the audit report (inline CSS and SVG, no scripts, a CSP that
 * forbids every request, every data string escaped). Plots: SHAP (Lundberg & Lee 2017,
 * https://arxiv.org/abs/1705.07874); counterfactuals: DiCE (https://arxiv.org/abs/1905.07697).
 */
import {
  type AttributionDisparity,
  barSummarySvg,
  beeswarmSvg,
  type CounterfactualSet,
  EXPLANATION_SCHEMA_VERSION,
  type Explanation,
  type FeatureValue,
  forceSvg,
  type GlobalSurrogate,
  type Link,
  meanAbsShap,
  type PartialDependence,
  type PermutationImportance,
  partialDependenceSvg,
  type SwapDisparity,
  topAttributions,
  waterfallSvg,
} from '../explain/index.js';
import { escapeHtml as esc } from './html/escape.js';
import { reportPageStart } from './html/page.js';

/** What the report shows about one explained row besides its attributions. */
export interface ExplainRowExtras {
  /** The plain-language explanation (narrate()). */
  readonly text?: string;
  /** The counterfactuals found for the row. */
  readonly counterfactuals?: CounterfactualSet;
  /** Why no counterfactual is shown (the search found none within its budget). */
  readonly counterfactualError?: string;
}

/** Global explanations of the model (`--global`). */
export interface ExplainGlobal {
  readonly importance: PermutationImportance;
  /** What the importance was scored against: a label column, or the model's own predictions. */
  readonly importanceTarget: string;
  readonly partialDependence: readonly PartialDependence[];
  readonly surrogate: GlobalSurrogate;
  /** Maximum depth the surrogate tree was grown to. */
  readonly surrogateDepth: number;
  /** Rows the global explanations were computed on. */
  readonly rows: number;
}

/** Attribution of a gap between two groups to features (`--disparity`). */
export interface ExplainDisparity {
  readonly sensitive: string;
  readonly result: AttributionDisparity | SwapDisparity;
  /** Scale of an attribution-based gap (the explanation's link). @default 'identity' */
  readonly link?: Link;
}

/** Everything the explanation report shows. */
export interface ExplainReport {
  readonly explanation: Explanation;
  /** Aligned with `explanation.rows`. */
  readonly rows: readonly ExplainRowExtras[];
  readonly global?: ExplainGlobal;
  readonly disparity?: ExplainDisparity;
  /** Where the model and data came from, for the header. */
  readonly source?: { readonly model: string; readonly data: string };
}

const num = (v: number, digits = 3): string =>
  Number.isFinite(v) ? v.toFixed(digits).replace(/^-(?=\d)/, '\u2212') : String(v);
const signed = (v: number): string => (v >= 0 ? `+${num(v)}` : num(v));
const shown = (v: FeatureValue | undefined): string =>
  v === null ? '(missing)' : v === undefined ? '' : String(v);
const th = (s: string, n = false): string => `<th scope="col"${n ? ' class="num"' : ''}>${esc(s)}</th>`;
const tdn = (s: string): string => `<td class="num">${esc(s)}</td>`;

function table(head: readonly string[], rows: readonly string[], numeric: readonly boolean[] = []): string {
  return `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => th(h, numeric[i] ?? false)).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

const figure = (svg: string, caption: string): string =>
  `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;

function scaleName(e: Explanation): string {
  const cls = e.parameters.explainedClass;
  const of = typeof cls === 'string' ? ` of ${cls}` : '';
  return e.link === 'logit' ? `log-odds${of}` : of ? `probability${of}` : 'model output';
}

function counterfactualSection(x: ExplainRowExtras): string {
  if (x.counterfactualError)
    return `<h4>Counterfactuals</h4><p class="muted">${esc(x.counterfactualError)}</p>`;
  const cf = x.counterfactuals;
  if (!cf) return '';
  const m = cf.metrics;
  const rows = cf.counterfactuals.map(
    (c, k) =>
      `<tr><th scope="row">${k + 1}</th><td>${c.changes
        .map((ch) => `${esc(ch.feature)}: ${esc(shown(ch.from))} → ${esc(shown(ch.to))}`)
        .join(
          '<br>',
        )}</td>${tdn(num(c.prediction))}<td>${c.valid ? 'yes' : 'no'}</td>${tdn(num(c.proximity))}${tdn(String(c.sparsity))}</tr>`,
  );
  return (
    `<h4>Counterfactuals: from ${esc(cf.originalOutcome)} to ${esc(cf.desiredOutcome)}</h4>` +
    table(['#', 'changes', `P(${cf.desiredOutcome})`, 'valid', 'proximity', 'features changed'], rows, [
      false,
      false,
      true,
      false,
      true,
      true,
    ]) +
    `<p class="muted">Validity ${num(m.validity, 2)}, mean proximity ${num(m.meanProximity)}, mean sparsity ${num(m.meanSparsity, 2)}, diversity ${num(m.diversity)} (determinantal ${num(m.dppDiversity)}); ${cf.evaluations} rows scored.</p>`
  );
}

function rowSection(e: Explanation, i: number, x: ExplainRowExtras): string {
  const r = e.rows[i]!;
  const id = `row-${i}`;
  const attrTable = table(
    ['feature', 'value', 'attribution'],
    topAttributions(e, i).map(
      (p) =>
        `<tr><th scope="row">${esc(p.feature)}</th><td>${esc(shown(p.value))}</td>${tdn(signed(p.attribution))}</tr>`,
    ),
    [false, false, true],
  );
  return (
    `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">Row ${r.row}</h2>` +
    `<p>Prediction ${esc(num(r.prediction))} · base value ${esc(num(r.baseValue))} · difference ${esc(signed(r.prediction - r.baseValue))} (${esc(scaleName(e))}).</p>` +
    (x.text ? `<blockquote class="narration">${esc(x.text)}</blockquote>` : '') +
    `<div class="charts">${figure(waterfallSvg(e, { row: i, title: `Row ${r.row}: waterfall` }), `How each feature moves row ${r.row} from the base value to its prediction.`)}` +
    `${figure(forceSvg(e, { row: i, title: `Row ${r.row}: force plot` }), 'Features pushing the prediction up (red) and down (blue).')}</div>` +
    `<details><summary>All attributions</summary>${attrTable}</details>` +
    counterfactualSection(x) +
    '</section>'
  );
}

function summarySection(e: Explanation): string {
  const imp = meanAbsShap(e);
  const bar = barSummarySvg(
    imp.map((f) => ({ label: f.feature, value: f.meanAbs })),
    { title: 'Mean |attribution| over the explained rows' },
  );
  const swarm = e.rows.length > 0 ? beeswarmSvg(e, { title: 'Attributions of every explained row' }) : '';
  return (
    '<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Over the explained rows</h2>' +
    `<p>${e.rows.length} row${e.rows.length === 1 ? '' : 's'} explained with ${esc(e.method)} on the ${esc(scaleName(e))} scale.</p>` +
    `<div class="charts">${figure(bar, 'Mean absolute attribution per feature.')}${swarm ? figure(swarm, 'Each dot is one row; colour is the feature value (low blue, high red).') : ''}</div>` +
    '</section>'
  );
}

function globalSection(g: ExplainGlobal): string {
  const imp = g.importance;
  const bar = barSummarySvg(
    imp.features.map((f) => ({ label: f.feature, value: f.mean, error: f.sd })),
    { title: `Permutation importance (${imp.metric})`, xLabel: `drop in ${imp.metric}` },
  );
  const impTable = table(
    ['feature', `mean drop in ${imp.metric}`, 'sd'],
    imp.features.map(
      (f) => `<tr><th scope="row">${esc(f.feature)}</th>${tdn(num(f.mean, 4))}${tdn(num(f.sd, 4))}</tr>`,
    ),
    [false, true, true],
  );
  const pds = g.partialDependence
    .map((pd) =>
      figure(
        partialDependenceSvg(pd, { title: `Partial dependence on ${pd.feature}` }),
        `Average prediction (thick) and individual rows (ICE, thin) as ${pd.feature} varies.`,
      ),
    )
    .join('');
  const s = g.surrogate;
  return (
    '<section id="global" aria-labelledby="global-h"><h2 id="global-h">The model as a whole</h2>' +
    `<p>Computed on ${g.rows} rows. Importance is the drop in ${esc(imp.metric)} (baseline ${esc(num(imp.baseline))}) against ${esc(g.importanceTarget)} when a feature's column is shuffled, mean ± sd over ${imp.repeats} repeats.</p>` +
    `<div class="charts">${figure(bar, 'Permutation importance with one standard deviation as error bars.')}</div>${impTable}` +
    (pds ? `<h3>Partial dependence and ICE</h3><div class="charts">${pds}</div>` : '') +
    `<h3>Global surrogate</h3><p>A decision tree of depth ≤ ${g.surrogateDepth} agrees with the model on ${esc(num(s.fidelity, 3))} (${esc(s.fidelityMetric)}) of ${s.nTest} held-out rows (${esc(num(s.trainFidelity, 3))} on the ${s.nTrain} rows it was fitted on).</p>` +
    `<pre class="rules">${esc(s.rules)}</pre></section>`
  );
}

function disparitySection(d: ExplainDisparity): string {
  const r = d.result;
  const how =
    r.kind === 'disparityFromAttributions'
      ? `from the attributions of ${r.counts.a} rows of ${r.groups.a} and ${r.counts.b} rows of ${r.groups.b} (gap in mean ${d.link === 'logit' ? 'log-odds' : 'score'}; base gap ${num(r.baseGap)}, residual ${num(r.residual)})`
      : `by swapping features between ${r.pairs} pairs of rows (${r.metric === 'selectionRate' ? 'selection rate' : 'mean score'}; ${r.method} Shapley values, Σ = ${num(r.pairGap)})`;
  const bar = barSummarySvg(
    r.contributions.map((c) => ({ label: c.feature, value: c.contribution })),
    { title: `Gap ${r.groups.a} − ${r.groups.b} by feature`, xLabel: 'contribution to the gap' },
  );
  const rows = r.contributions.map(
    (c) =>
      `<tr><th scope="row">${esc(c.feature)}</th>${tdn(signed(c.contribution))}${tdn(Number.isFinite(c.share) ? `${(100 * c.share).toFixed(1)}%` : '—')}</tr>`,
  );
  return (
    `<section id="disparity" aria-labelledby="disparity-h"><h2 id="disparity-h">Which features drive the gap in ${esc(d.sensitive)}</h2>` +
    `<p>Gap ${esc(r.groups.a)} − ${esc(r.groups.b)} = ${esc(signed(r.gap))}, attributed ${esc(how)}.</p>` +
    `<div class="charts">${figure(bar, 'Positive: the feature widens the gap in favour of the first group.')}</div>` +
    table(['feature', 'contribution', 'share of the gap'], rows, [false, true, true]) +
    '</section>'
  );
}

/**
 * Renders an explanation report as a self-contained HTML page.
 * @param report - the explanation, per-row texts and counterfactuals, and the optional global and
 *   disparity sections.
 * @returns the HTML document (UTF-8 text starting with `<!doctype html>`).
 * @throws {AEQ_INVALID_ARGUMENT} when `rows` is not aligned with the explanation's rows.
 * @example
 * renderExplainHtml({ explanation, rows: [{ text: 'The application was declined …' }] }).slice(0, 15) // '<!doctype html>'
 */
export function renderExplainHtml(report: ExplainReport): string {
  const e = report.explanation;
  const rowSections = e.rows.map((_, i) => rowSection(e, i, report.rows[i] ?? {}));
  const nav = [
    '<a href="#summary">Summary</a>',
    ...e.rows.map((r, i) => `<a href="#row-${i}">Row ${r.row}</a>`),
    report.global ? '<a href="#global">Global</a>' : '',
    report.disparity ? '<a href="#disparity">Disparity</a>' : '',
  ].join('');
  const reason = typeof e.parameters.reason === 'string' ? ` (${e.parameters.reason})` : '';
  const src = report.source ? `${report.source.model} on ${report.source.data} · ` : '';
  const title = `Explanation: ${report.source?.model ?? e.method}`;
  const extraCss = `
blockquote.narration{margin:0.75rem 0;padding:0.5rem 1rem;border-left:4px solid #888;background:#f6f6f6}
pre.rules{overflow-x:auto;background:#f6f6f6;padding:0.75rem;font-size:0.85rem}`;
  return [
    ...reportPageStart(title, 'aequa', extraCss),
    `<header><h1>Why the model decided</h1><p class="subtitle">${esc(src)}method ${esc(e.method)}${esc(reason)} · ${esc(scaleName(e))}</p>`,
    `<nav class="toc" aria-label="Contents">${nav}</nav></header>`,
    summarySection(e),
    ...rowSections,
    report.global ? globalSection(report.global) : '',
    report.disparity ? disparitySection(report.disparity) : '',
    `<footer>Generated by aequa (explanation schema ${EXPLANATION_SCHEMA_VERSION}). This file is self-contained: it loads nothing and runs no scripts.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
