/**
 * @module cli/render/table
 * The terminal rendering of an audit (`aequa audit`, `--format table`): a header line, per feature a
 * boxed table of groups × key metrics and the headline disparities with a ✗/✓/• marker, the verdict
 * and the policy lines. Colours are ANSI SGR codes (ECMA-48, https://ecma-international.org/publications-and-standards/standards/ecma-48/)
 * and only appear when asked for; user strings are stripped of control characters first.
 */
import type { AuditResult, DisparityResult, FeatureResult, MetricName } from '../../metrics/index.js';
import {
  correctionName,
  DASH,
  featureTitle,
  fmtInterval,
  fmtNum,
  fmtP,
  groupCell,
  groupColumns,
  KEY_DISPARITIES,
  metricLabel,
} from '../../report/index.js';

/** Options of {@link renderTerminal}. */
export interface TerminalOptions {
  /** Use ANSI colours: red for significant gaps and failed rules, green for passes, dim for small groups. */
  readonly color: boolean;
  /** Terminal width in columns; tables drop their rightmost metric columns to fit. @default 100 */
  readonly width?: number;
}

/** Shorter column heads where the report's labels are long (the terminal is narrow). */
const SHORT: Partial<Record<MetricName, string>> = {
  selectionRate: 'sel. rate',
  precision: 'prec.',
  accuracy: 'acc.',
};

/** At most this many group rows per feature in the terminal; the reports list all. */
const MAX_ROWS = 40;

const SGR = {
  red: '\u001b[31m',
  green: '\u001b[32m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  reset: '\u001b[0m',
} as const;
type Style = keyof typeof SGR | null;

/**
 * Replaces control characters (C0, DEL, C1) in user text with `?`, so that a group name cannot move
 * the cursor, clear the screen or inject colours.
 * @example safeText('a\u001b[2Jb') // 'a?[2Jb'
 */
export function safeText(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Display width: code points (the report uses ASCII plus single-width symbols such as — ✓ ✗ • │). */
function width(s: string): number {
  return [...s].length;
}

function truncate(s: string, max: number): string {
  return width(s) <= max ? s : `${[...s].slice(0, Math.max(1, max - 1)).join('')}…`;
}

function pad(s: string, w: number, align: 'l' | 'r'): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'r' ? fill + s : s + fill;
}

type Painter = (style: Style, s: string) => string;

function painter(color: boolean): Painter {
  return (style, s) => (color && style !== null && s.length > 0 ? `${SGR[style]}${s}${SGR.reset}` : s);
}

interface Column {
  readonly head: string;
  readonly align: 'l' | 'r';
  readonly cells: string[];
}

/** A box-drawn table; `rowStyle` styles a whole row after padding, so widths stay right. */
function box(cols: readonly Column[], rowStyle: readonly Style[], paint: Painter): string[] {
  const w = cols.map((c) => Math.max(width(c.head), ...c.cells.map(width)));
  const line = (l: string, m: string, r: string) => `${l}${w.map((x) => '─'.repeat(x + 2)).join(m)}${r}`;
  const out = [line('┌', '┬', '┐')];
  out.push(`│ ${cols.map((c, i) => paint('bold', pad(c.head, w[i]!, c.align))).join(' │ ')} │`);
  out.push(line('├', '┼', '┤'));
  const n = cols[0]?.cells.length ?? 0;
  for (let r = 0; r < n; r++) {
    const cells = cols.map((c, i) => paint(rowStyle[r] ?? null, pad(c.cells[r] ?? '', w[i]!, c.align)));
    out.push(`│ ${cells.join(' │ ')} │`);
  }
  out.push(line('└', '┴', '┘'));
  return out;
}

function tableWidth(cols: readonly Column[]): number {
  return cols.reduce((a, c) => a + Math.max(width(c.head), ...c.cells.map(width)) + 3, 1);
}

function groupTable(result: AuditResult, fr: FeatureResult, maxWidth: number, paint: Painter): string[] {
  const metrics = groupColumns(result, fr);
  const entries = Object.entries(fr.groups);
  const shown = entries.slice(0, MAX_ROWS);
  const ciMetric: MetricName = result.input.task === 'regression' ? 'meanPrediction' : 'selectionRate';
  const nameCol: Column = {
    head: 'group',
    align: 'l',
    cells: shown.map(([g, gr]) => {
      const marks = `${g === fr.reference ? ' (ref)' : ''}${gr.small ? ' (small)' : ''}`;
      return `${truncate(safeText(g), 32)}${marks}`;
    }),
  };
  let cols: Column[] = [
    nameCol,
    ...metrics.map<Column>((m) => ({
      head: SHORT[m] ?? metricLabel(m),
      align: 'r',
      cells: shown.map(([, gr]) => groupCell(gr, m, m === ciMetric).text),
    })),
  ];
  let hidden = 0;
  while (cols.length > 3 && tableWidth(cols) > maxWidth) {
    cols = cols.slice(0, -1);
    hidden++;
  }
  const styles = shown.map<Style>(([, gr]) => (gr.small ? 'dim' : null));
  const out = box(cols, styles, paint);
  // Reasons go under the table, so that one long reason does not widen a whole column.
  const reasons: string[] = [];
  for (const [g, gr] of shown) {
    const why = metrics
      .map((m) => [m, groupCell(gr, m).reason] as const)
      .filter(([, r]) => r !== undefined)
      .map(([m, r]) => `${SHORT[m] ?? metricLabel(m)} (${r})`);
    if (why.length > 0) reasons.push(`${truncate(safeText(g), 32)}: ${why.join(', ')}`);
  }
  if (reasons.length > 0) out.push(paint('dim', `${DASH} undefined: ${reasons.join('; ')}`));
  if (entries.length > shown.length) {
    out.push(
      paint(
        'dim',
        `…and ${entries.length - shown.length} more groups (all of them are in --format markdown and the HTML report)`,
      ),
    );
  }
  if (hidden > 0) {
    out.push(
      paint(
        'dim',
        `${hidden} metric column${hidden === 1 ? '' : 's'} hidden to fit ${maxWidth} columns; widen the terminal or use --format markdown`,
      ),
    );
  }
  return out;
}

function marker(d: DisparityResult): { mark: string; style: Style } {
  if (d.significant === true) return { mark: '✗', style: 'red' };
  if (d.significant === false) return { mark: '✓', style: 'green' };
  return { mark: '•', style: 'dim' };
}

function disparityLines(fr: FeatureResult, paint: Painter): string[] {
  const list = KEY_DISPARITIES.filter((n) => fr.disparities[n] !== undefined).map(
    (n) => [n, fr.disparities[n]!] as const,
  );
  const extra = Object.keys(fr.disparities).length - list.length;
  if (list.length === 0) return [];
  const rows = list.map(([n, d]) => {
    const value =
      d.value === null ? `${DASH}${d.undefinedBecause ? ` (${d.undefinedBecause})` : ''}` : fmtNum(d.value);
    return {
      d,
      name: metricLabel(n),
      value,
      ci: fmtInterval(d.ci),
      p: d.adjustedPValue === undefined ? '' : `p=${fmtP(d.adjustedPValue)}`,
      between:
        d.groups && d.groups.length > 0 ? d.groups.map((g) => truncate(safeText(g), 32)).join(' vs ') : '',
    };
  });
  const wName = Math.max(...rows.map((r) => width(r.name)));
  const wValue = Math.max(...rows.map((r) => width(r.value)));
  const wCi = Math.max(...rows.map((r) => width(r.ci)));
  const wP = Math.max(...rows.map((r) => width(r.p)));
  const out = ['  disparities (✗ significant gap · ✓ tested, not significant · • not tested)'];
  for (const r of rows) {
    const { mark, style } = marker(r.d);
    const text =
      `${pad(r.name, wName, 'l')}  ${pad(r.value, wValue, 'r')}  ${pad(r.ci, wCi, 'l')}  ${pad(r.p, wP, 'l')}  ${r.between}`.trimEnd();
    out.push(`  ${paint(style, mark)} ${style === 'red' ? paint('red', text) : text}`);
  }
  if (extra > 0)
    out.push(paint('dim', `  ${extra} more disparities in --format json/markdown and the HTML report`));
  return out;
}

/**
 * Renders an audit for the terminal: a header line (rows, label and positive value, threshold or
 * prediction column, engine, convention, interval and test settings); for each feature a box table
 * of groups × count, selection rate with its interval, TPR, FPR, precision, accuracy and AUC (small
 * groups dimmed and marked, undefined values as `— (reason)`), then its headline disparities with value,
 * interval, adjusted p and a marker (✗ significant gap, ✓ tested and not significant, • not tested);
 * then the plain-language verdict, the policy's pass/fail lines and the warnings. Without `color` the
 * text has no escape codes at all.
 *
 * @param result - the audit result.
 * @param opts - colours on or off, terminal width.
 * @returns the text, ending in "\n".
 * @example
 * renderTerminal(result, { color: false }).split('\n')[0]
 * // 'aequa audit · examples/data/compas.csv · 6172 rows'
 */
export function renderTerminal(result: AuditResult, opts: TerminalOptions): string {
  const paint = painter(opts.color);
  const maxWidth = Math.max(60, opts.width ?? 100);
  const i = result.input;
  const o = result.options;
  const out: string[] = [];
  const dropped = i.rowsDropped > 0 ? ` (${i.rowsDropped} dropped)` : '';
  out.push(paint('bold', `aequa audit · ${safeText(i.source)} · ${result.rows} rows${dropped}`));
  const how =
    i.prediction !== null
      ? `prediction ${safeText(i.prediction)}`
      : i.score !== null
        ? `score ${safeText(i.score)}${i.threshold !== null ? ` ≥ ${i.threshold}` : ''}`
        : '';
  const header = [
    `label ${safeText(i.label)}${i.positive && i.positive.length > 0 ? ` (positive: ${i.positive.map(safeText).join(', ')})` : ''}`,
    how,
    `engine ${i.engine}`,
    `convention ${result.convention.name}`,
    o.ci !== null ? `${+(o.ci * 100).toFixed(1)}% CI` : 'no CI',
    `${correctionName(result.significance.correction)} correction, α = ${result.significance.alpha}`,
  ].filter(Boolean);
  out.push(paint('dim', header.join(' · ')));
  for (const [name, fr] of Object.entries(result.byFeature)) {
    out.push('');
    out.push(
      `${paint('bold', safeText(featureTitle(name)))}  ${paint('dim', `reference: ${truncate(safeText(fr.reference), 40)}`)}`,
    );
    out.push(...groupTable(result, fr, maxWidth, paint));
    out.push(...disparityLines(fr, paint));
  }
  out.push('');
  out.push(paint('bold', 'Verdict'));
  const anySig = result.verdict.findings.some((f) => f.severity === 'significant');
  out.push(`  ${paint(anySig ? 'red' : 'green', safeText(result.verdict.summary))}`);
  for (const f of result.verdict.findings) {
    const mark =
      f.severity === 'significant' ? paint('red', '✗') : f.severity === 'warning' ? '!' : paint('dim', '•');
    const text = safeText(f.message);
    out.push(`  ${mark} ${f.severity === 'info' ? paint('dim', text) : text}`);
  }
  if (result.policy) {
    const p = result.policy;
    const failed = p.rules.filter((r) => !r.passed).length;
    out.push('');
    out.push(
      `${paint('bold', `Policy${p.source ? ` ${safeText(p.source)}` : ''}:`)} ${
        p.passed ? paint('green', 'passed') : paint('red', `FAILED (${failed} of ${p.rules.length} rules)`)
      }`,
    );
    for (const r of p.rules) {
      out.push(
        `  ${r.passed ? paint('green', '✓') : paint('red', '✗')} ${r.passed ? safeText(r.message) : paint('red', safeText(r.message))}`,
      );
    }
  }
  if (result.warnings.length > 0) {
    out.push('');
    out.push(paint('bold', 'Warnings'));
    for (const w of result.warnings) out.push(`  ${paint('dim', w.code)} ${safeText(w.message)}`);
  }
  return `${out.join('\n')}\n`;
}
