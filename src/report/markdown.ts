/**
 * @module report/markdown
 * The audit report as Markdown (`report.md`, `--format markdown`): GitHub-flavoured tables
 * (https://github.github.com/gfm/#tables-extension-) that read well in a pull request or a wiki.
 * Same content as the HTML report, without the charts.
 */
import type { AuditResult, DisparityResult, FeatureResult } from '../metrics/index.js';
import {
  cellWithReason,
  conventionNote,
  DASH,
  featureTitle,
  fmtCount,
  fmtInterval,
  fmtNum,
  fmtP,
  fourFifthsOf,
  groupCell,
  groupColumns,
  inputSummary,
  metricLabel,
  orderedDisparities,
} from './format.js';

/**
 * Escapes text from user data (group names, sources, messages) for a Markdown table cell: HTML
 * brackets become entities (so `<script>` shows as text), an `&` that would start an entity is
 * escaped, Markdown markup characters are backslash-escaped, and pipes and newlines cannot break
 * the table.
 * @example mdEscape('a|b <i> & c') // 'a\\|b &lt;i&gt; & c'
 */
export function mdEscape(s: string): string {
  return s
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n|\r/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const sep = head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [row(head), row(sep), ...rows.map(row)].join('\n');
}

const SEVERITY: Record<'significant' | 'warning' | 'info', string> = {
  significant: '**significant**',
  warning: 'warning',
  info: 'note',
};

function significantCell(d: DisparityResult): string {
  if (d.significant === undefined) return '';
  return d.significant ? '✓' : DASH;
}

function fourFifthsCell(d: DisparityResult): string {
  const ff = fourFifthsOf(d);
  return ff === undefined ? '' : ff ? 'holds' : '**fails**';
}

function disparityValue(d: DisparityResult): string {
  return d.value === null
    ? `${DASH}${d.undefinedBecause ? ` (${d.undefinedBecause})` : ''}`
    : fmtNum(d.value);
}

function featureSection(result: AuditResult, name: string, fr: FeatureResult): string {
  const out: string[] = [];
  out.push(`## ${mdEscape(featureTitle(name))}`);
  out.push('');
  out.push(`Reference group: **${mdEscape(fr.reference)}**. Groups: ${Object.keys(fr.groups).length}.`);
  out.push('');
  out.push('### Groups');
  out.push('');
  const cols = groupColumns(result, fr);
  const head = ['group', ...cols.map((c) => metricLabel(c))];
  const rows = Object.entries(fr.groups).map(([g, gr]) => {
    const marks = [g === fr.reference ? 'reference' : '', gr.small ? 'small' : ''].filter(Boolean);
    const label = `${mdEscape(g)}${marks.length > 0 ? ` *(${marks.join(', ')})*` : ''}`;
    return [label, ...cols.map((c) => cellWithReason(groupCell(gr, c)))];
  });
  out.push(table(head, rows, ['l', ...cols.map(() => 'r' as const)]));
  out.push('');
  const disp = orderedDisparities(fr);
  if (disp.length > 0) {
    out.push('### Disparities');
    out.push('');
    const drows = disp.map(([dn, d]) => [
      `${metricLabel(dn)}${d.groups && d.groups.length > 0 ? ` (${d.groups.map(mdEscape).join(' vs ')})` : ''}`,
      disparityValue(d),
      fmtInterval(d.ci),
      d.adjustedPValue === undefined ? '' : fmtP(d.adjustedPValue),
      significantCell(d),
      fourFifthsCell(d),
    ]);
    out.push(
      table(['disparity', 'value', 'CI', 'adjusted p', 'significant', 'four-fifths'], drows, [
        'l',
        'r',
        'r',
        'r',
        'l',
        'l',
      ]),
    );
    out.push('');
  }
  if (fr.conditional) {
    const c = fr.conditional;
    out.push(`### Conditional on ${c.control.map(mdEscape).join(', ')}`);
    out.push('');
    out.push(
      table(
        ['group', 'conditional demographic disparity'],
        Object.entries(c.conditionalDemographicDisparity).map(([g, v]) => [mdEscape(g), fmtNum(v)]),
        ['l', 'r'],
      ),
    );
    out.push('');
    out.push(
      table(
        ['stratum', 'count', 'demographic parity difference'],
        Object.entries(c.byStratum).map(([s, v]) => [
          mdEscape(s),
          fmtCount(v.count),
          fmtNum(v.demographicParityDifference),
        ]),
        ['l', 'r', 'r'],
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

/**
 * Renders the audit as a Markdown document: title, verdict, input summary, overall metrics, per
 * feature a group table (count, selection rate, TPR, FPR, precision, accuracy, AUC when scored; values
 * with their intervals; small and reference groups marked) and a disparity table (value, interval,
 * adjusted p, significance, four-fifths rule), conditional disparities, policy results, warnings and a
 * note on the convention. Numbers have 3 decimals; undefined values print as `— (reason)`.
 *
 * @param result - the audit result.
 * @returns the Markdown text, ending in "\n".
 * @example
 * renderMarkdown(result).split('\n')[0] // '# Fairness audit: examples/data/compas.csv'
 */
export function renderMarkdown(result: AuditResult): string {
  const out: string[] = [];
  out.push(`# Fairness audit: ${mdEscape(result.input.source)}`);
  out.push('');
  out.push(
    `*${mdEscape(`${result.tool.name} ${result.tool.version}`)} · ${result.input.task} · ${result.rows} rows · convention ${result.convention.name}*`,
  );
  out.push('');
  out.push('## Verdict');
  out.push('');
  out.push(`**${mdEscape(result.verdict.summary)}**`);
  out.push('');
  for (const f of result.verdict.findings) out.push(`- ${SEVERITY[f.severity]}: ${mdEscape(f.message)}`);
  if (result.policy) {
    const failed = result.policy.rules.filter((r) => !r.passed).length;
    out.push(
      `- policy: ${result.policy.passed ? '**passed**' : `**failed** (${failed} of ${result.policy.rules.length} rules)`}`,
    );
  }
  out.push('');
  out.push('## Input');
  out.push('');
  out.push(
    table(
      ['setting', 'value'],
      inputSummary(result).map(([k, v]) => [k, mdEscape(v)]),
    ),
  );
  out.push('');
  const cols = groupColumns(result).filter((c) => c !== 'count');
  const overallCols = cols.filter((c) => result.overall[c] !== undefined);
  if (overallCols.length > 0) {
    out.push('## Overall');
    out.push('');
    out.push(
      table(
        overallCols.map((c) => metricLabel(c)),
        [overallCols.map((c) => fmtNum(result.overall[c]))],
        overallCols.map(() => 'r' as const),
      ),
    );
    out.push('');
  }
  for (const [name, fr] of Object.entries(result.byFeature)) out.push(featureSection(result, name, fr));
  if (result.policy) {
    const p = result.policy;
    out.push(`## Policy${p.source ? `: ${mdEscape(p.source)}` : ''}`);
    out.push('');
    out.push(p.passed ? 'All rules hold.' : '**The policy fails.**');
    out.push('');
    out.push(
      table(
        ['rule', 'feature', 'actual', 'result', 'detail'],
        p.rules.map((r) => [
          `\`${r.rule.replace(/`/g, "'")}\``,
          r.feature === null ? 'overall' : mdEscape(r.feature),
          fmtNum(r.actual),
          r.passed ? '✓ pass' : '✗ **fail**',
          mdEscape(r.message),
        ]),
        ['l', 'l', 'r', 'l', 'l'],
      ),
    );
    out.push('');
  }
  if (result.warnings.length > 0) {
    out.push('## Warnings');
    out.push('');
    for (const w of result.warnings) out.push(`- \`${w.code}\`: ${mdEscape(w.message)}`);
    out.push('');
  }
  out.push('## How to read this report');
  out.push('');
  out.push(mdEscape(conventionNote(result)));
  out.push('');
  out.push(
    'In the disparity tables, *significant* is ✓ when the test of equal rates is significant after the correction, ' +
      `${DASH} when it is not, and empty when the disparity was not tested; *four-fifths* applies to ratios only. ` +
      `A ${DASH} value is undefined, with the reason in parentheses (for example noPositives: the group has no positive labels).`,
  );
  out.push('');
  return out.join('\n');
}
