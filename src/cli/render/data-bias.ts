/**
 * @module cli/render/data-bias
 * The terminal and Markdown renderings of a data-bias result (`aequa data-bias`): per sensitive
 * feature a group table (rows, share against the reference, base rate with its interval), the
 * label disparity, the top proxies, the most shifted features and uneven missingness, then the
 * balance over intersections and the findings. User strings are stripped of control characters.
 */
import type { DataBiasResult, SensitiveFeatureDataBias } from '../../bias/index.js';
import { DASH, fmtInterval, fmtNum, fmtP, mdEscape } from '../../report/index.js';
import { safeText } from './table.js';

/** Proxies, shifted features and missing columns listed per feature. */
const TOP = 5;

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? DASH : `${(100 * x).toFixed(1)}%`;
}

function signed(x: number | null | undefined): string {
  if (x === null || x === undefined) return DASH;
  return `${x >= 0 ? '+' : '−'}${fmtNum(Math.abs(x))}`;
}

interface Row {
  readonly cells: readonly string[];
}

function groupRows(
  fb: SensitiveFeatureDataBias,
  withLabel: boolean,
): { head: string[]; rows: Row[]; right: boolean[] } {
  const ref = fb.labels?.reference;
  const head = ['group', 'rows', 'share', 'ref. share', 'share/ref'];
  const right = [false, true, true, true, true];
  if (withLabel) {
    head.push('base rate [CI]', `vs ${ref ?? 'ref'}`, 'label KL');
    right.push(true, true, true);
  }
  const rows = fb.groups.map((g) => {
    const cells = [
      `${safeText(g.group)}${g.group === ref ? ' (ref)' : ''}`,
      String(g.count),
      pct(g.share),
      pct(g.referenceShare),
      fmtNum(g.representationRatio, 2),
    ];
    if (withLabel)
      cells.push(
        `${pct(g.baseRate)} ${g.baseRateCi ? fmtInterval(g.baseRateCi) : ''}`.trim(),
        fmtNum(g.baseRateRatio, 2),
        fmtNum(g.labelKl),
      );
    return { cells };
  });
  return { head, rows, right };
}

function box(head: readonly string[], rows: readonly Row[], right: readonly boolean[]): string[] {
  const w = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r.cells[i] ?? '')].length)));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, w[i]! - [...s].length));
    return right[i] ? fill + s : s + fill;
  };
  const line = (l: string, m: string, r: string) => `${l}${w.map((x) => '─'.repeat(x + 2)).join(m)}${r}`;
  return [
    line('┌', '┬', '┐'),
    `│ ${head.map(pad).join(' │ ')} │`,
    line('├', '┼', '┤'),
    ...rows.map((r) => `│ ${r.cells.map(pad).join(' │ ')} │`),
    line('└', '┴', '┘'),
  ];
}

function summaryLines(feature: string, fb: SensitiveFeatureDataBias): string[] {
  const out: string[] = [];
  const rep = fb.representation;
  out.push(
    `  representation vs ${rep.reference} reference: JS ${fmtNum(rep.js)}, TV ${fmtNum(rep.tv)}, KL ${fmtNum(rep.kl)}${rep.chiSquare ? `, χ² p ${fmtP(rep.chiSquare.pValue)}` : ''}`,
  );
  const lb = fb.labels;
  if (lb) {
    const [lo, hi] = lb.baseRateRatio.groups ?? [];
    const mark = lb.baseRateRatio.value !== null && lb.baseRateRatio.value < 0.8 ? ' ✗' : '';
    out.push(
      `  base rate: difference ${fmtNum(lb.baseRateDifference.value)}, ratio ${fmtNum(lb.baseRateRatio.value)}${mark}${lo !== undefined ? ` (${safeText(lo)} vs ${safeText(hi ?? '')})` : ''}${lb.chiSquare ? `, χ² p ${fmtP(lb.chiSquare.pValue)}` : ''}`,
    );
    if (lb.conditional) {
      const cdd = Object.entries(lb.conditional.conditionalDemographicDisparity)
        .map(([g, v]) => `${safeText(g)} ${signed(v)}`)
        .join(', ');
      out.push(`  conditional demographic disparity given ${lb.conditional.control.join(', ')}: ${cdd}`);
    }
  }
  const proxies = fb.proxies.slice(0, TOP);
  if (proxies.length > 0) {
    const list = proxies
      .map(
        (p) =>
          `${safeText(p.feature)}${p.flagged ? ' ✗' : ''} (${p.auc !== null ? `AUC ${fmtNum(p.auc, 2)}, ` : ''}V ${fmtNum(p.cramersV, 2)}, MI ${fmtNum(p.mutualInformation)})`,
      )
      .join('; ');
    out.push(`  proxies of ${safeText(feature)}: ${list}`);
  }
  const shifted = [...fb.featureDistances]
    .filter((d) => d.maxJs !== null)
    .sort((a, b) => b.maxJs! - a.maxJs!)
    .slice(0, TOP);
  if (shifted.length > 0)
    out.push(
      `  most shifted features (max JS): ${shifted.map((d) => `${safeText(d.feature)} ${fmtNum(d.maxJs)}`).join(', ')}`,
    );
  const missing = fb.missingness.filter((m) => m.missing > 0).slice(0, TOP);
  if (missing.length > 0)
    out.push(
      `  missing values: ${missing
        .map(
          (m) =>
            `${safeText(m.column)} ${pct(m.rate)} (spread ${pct(m.difference)}${m.pValue !== null ? `, p ${fmtP(m.pValue)}` : ''})`,
        )
        .join('; ')}`,
    );
  return out;
}

/**
 * The data-bias result for a terminal.
 * @example renderDataBiasTerminal(result) // 'Data bias: adult.csv · 32561 rows · label income …'
 */
export function renderDataBiasTerminal(r: DataBiasResult): string {
  const lines: string[] = [];
  const src = r.input.source ? `${safeText(r.input.source)} · ` : '';
  const lab = r.labels
    ? ` · label ${safeText(r.labels.column)} (${pct(r.labels.positiveRate)} ${safeText(r.labels.positive.join('/'))}; minority/majority ${fmtNum(r.labels.imbalanceRatio, 2)})`
    : '';
  lines.push(
    `Data bias: ${src}${r.input.rows} rows${lab} · sensitive ${r.input.sensitive.map(safeText).join(', ')}`,
  );
  for (const [feature, fb] of Object.entries(r.byFeature)) {
    lines.push('', safeText(feature));
    const t = groupRows(fb, r.labels !== null);
    lines.push(...box(t.head, t.rows, t.right));
    lines.push(...summaryLines(feature, fb));
  }
  if (r.balance) {
    const b = r.balance;
    lines.push(
      '',
      `Balance over ${b.features.map(safeText).join(' × ')}: ${b.cells} intersections (${b.emptyCells} empty), Theil ${fmtNum(b.theil)} of at most ${fmtNum(b.theilMax)}, Atkinson(ε=${b.atkinsonEpsilon}) ${fmtNum(b.atkinson)}; smallest ${safeText(b.smallest.group)} (${b.smallest.count}), largest ${safeText(b.largest.group)} (${b.largest.count})`,
    );
  }
  if (r.findings.length > 0) {
    lines.push('', 'Findings:');
    for (const f of r.findings) lines.push(`  ${f.severity === 'info' ? '•' : '✗'} ${safeText(f.message)}`);
  } else lines.push('', 'Findings: none above the thresholds.');
  return `${lines.join('\n')}\n`;
}

function mdTable(head: readonly string[], rows: readonly Row[], right: readonly boolean[]): string[] {
  return [
    `| ${head.map(mdEscape).join(' | ')} |`,
    `| ${right.map((r) => (r ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.cells.map(mdEscape).join(' | ')} |`),
  ];
}

/**
 * The data-bias result as GitHub-flavoured Markdown.
 * @example renderDataBiasMarkdown(result).split('\n')[0] // '# Data bias'
 */
export function renderDataBiasMarkdown(r: DataBiasResult): string {
  const out: string[] = ['# Data bias', ''];
  out.push(`- Source: ${mdEscape(r.input.source ?? '(in memory)')}, ${r.input.rows} rows`);
  if (r.labels)
    out.push(
      `- Label: ${mdEscape(r.labels.column)} (positive: ${mdEscape(r.labels.positive.join(', '))}; ${pct(r.labels.positiveRate)} positive, minority/majority ${fmtNum(r.labels.imbalanceRatio, 2)})`,
    );
  out.push(`- Sensitive: ${r.input.sensitive.map(mdEscape).join(', ')}`);
  if (r.input.control.length > 0) out.push(`- Control: ${r.input.control.map(mdEscape).join(', ')}`);
  out.push('', '## Findings', '');
  if (r.findings.length === 0) out.push('None above the thresholds.');
  for (const f of r.findings)
    out.push(`- ${f.severity === 'significant' ? '**significant** ' : ''}${mdEscape(f.message)}`);
  for (const [feature, fb] of Object.entries(r.byFeature)) {
    out.push('', `## ${mdEscape(feature)}`, '');
    const t = groupRows(fb, r.labels !== null);
    out.push(...mdTable(t.head, t.rows, t.right), '');
    for (const l of summaryLines(feature, fb)) out.push(`- ${mdEscape(l.trim())}`);
    if (fb.proxies.length > 0) {
      out.push('', `### Proxies of ${mdEscape(feature)}`, '');
      out.push(
        ...mdTable(
          ['rank', 'feature', 'AUC', "Cramér's V", 'MI', 'NMI', 'proxy'],
          fb.proxies.map((p) => ({
            cells: [
              String(p.rank),
              p.feature,
              fmtNum(p.auc),
              fmtNum(p.cramersV),
              fmtNum(p.mutualInformation),
              fmtNum(p.normalizedMutualInformation),
              p.flagged ? 'yes' : '',
            ],
          })),
          [true, false, true, true, true, true, false],
        ),
      );
    }
  }
  if (r.balance) {
    const b = r.balance;
    out.push(
      '',
      '## Balance over intersections',
      '',
      `${b.cells} intersections of ${b.features.map(mdEscape).join(' × ')} (${b.emptyCells} empty): Theil ${fmtNum(b.theil)} (at most ${fmtNum(b.theilMax)}), Atkinson (ε = ${b.atkinsonEpsilon}) ${fmtNum(b.atkinson)}; smallest ${mdEscape(b.smallest.group)} (${b.smallest.count}), largest ${mdEscape(b.largest.group)} (${b.largest.count}).`,
    );
  }
  return `${out.join('\n')}\n`;
}
