/**
 * @module report/mitigation-markdown
 * The `aequa mitigate` comparison as Markdown (`report.md`): the before/after table of the chosen
 * run with intervals, then one row per run, each a point of the accuracy–disparity trade-off
 * (Agarwal et al. 2018, https://arxiv.org/abs/1803.02453).
 */
import { runLabel } from './charts/tradeoff.js';
import { DASH, fmtInterval, fmtNum, metricLabel } from './format.js';
import { mdEscape } from './markdown.js';
import type { MitigationFigures, MitigationReport } from './mitigation-types.js';

function val(f: MitigationFigures, key: string, withCi: boolean): string {
  const v = f[key];
  if (typeof v !== 'number') return DASH;
  const ci = withCi ? f.ci?.[key] : undefined;
  return ci ? `${fmtNum(v, 4)} ${fmtInterval(ci)}` : fmtNum(v, 4);
}

/**
 * Renders the comparison as GitHub-flavoured Markdown.
 * @example renderMitigationMarkdown(report).split('\n')[0] // '# Mitigation: demographic-parity by sex (logistic)'
 */
export function renderMitigationMarkdown(r: MitigationReport): string {
  const chosen = r.runs[r.chosen]!;
  const keys = ['accuracy', 'balancedAccuracy', r.disparity];
  const front = new Set(r.paretoFront);
  const lines = [
    `# Mitigation: ${mdEscape(r.constraint)} by ${mdEscape(r.sensitive)} (${mdEscape(r.learner)})`,
    '',
    `Train ${mdEscape(r.train)} (${r.trainRows} rows), test ${mdEscape(r.test)} (${r.testRows} rows). Chosen: #${r.chosen} ${mdEscape(runLabel(chosen))} (by ${r.choice}).`,
    '',
    `| metric (test) | before: baseline | after: ${mdEscape(runLabel(chosen))} |`,
    '| --- | --- | --- |',
    ...keys.map((k) => `| ${metricLabel(k)} | ${val(r.before, k, true)} | ${val(r.after, k, true)} |`),
    '',
    'Every run (expected rates for randomized models); ✓ marks the Pareto-optimal ones.',
    '',
    `| # | method | eps / λ | accuracy | balanced accuracy | ${r.disparity} | training disparity | fit s | Pareto |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.runs.map(
      (x) =>
        `| ${x.index} | ${mdEscape(x.method)} | ${x.eps ?? x.lambda ?? ''} | ${val(x.test, 'accuracy', false)} | ${val(x.test, 'balancedAccuracy', false)} | ${val(x.test, r.disparity, false)} | ${x.trainDisparity === undefined ? '' : fmtNum(x.trainDisparity, 4)} | ${x.fitSeconds.toFixed(2)} | ${front.has(x.index) ? '✓' : ''} |`,
    ),
    ...(r.warnings.length ? ['', ...r.warnings.map((w) => `- warning: ${mdEscape(w)}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
