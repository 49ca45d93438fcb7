/**
 * @module accountability/datasheet/render
 * The datasheet as Markdown: the data facts first (file hash, columns with types and missingness,
 * groups and base rates), then the seven sections of Gebru et al. 2021
 * (https://arxiv.org/abs/1803.09010) question by question, then the open required questions.
 */
import type { Datasheet } from './build-datasheet.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
const f4 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(4));

/**
 * Renders a datasheet as Markdown.
 * @example renderDatasheetMarkdown(ds).split('\n')[0] // '# Datasheet: credit.csv'
 */
export function renderDatasheetMarkdown(ds: Datasheet): string {
  const p = ds.profile;
  const out: string[] = [`# Datasheet: ${ds.name}`, ''];
  if (ds.description) out.push(ds.description, '');
  if (ds.version) out.push(`Version: ${ds.version}`, '');
  if (ds.file)
    out.push(`File: \`${ds.file.path}\` · ${ds.file.bytes} bytes · SHA-256 \`${ds.file.sha256}\``, '');
  out.push(
    `Completeness: ${ds.completeness.answered} of ${ds.completeness.required} required questions answered (${Math.round(ds.completeness.score * 100)}%).`,
    '',
    '## The data',
    '',
    `${p.rows} rows, ${p.columns.length} columns.`,
    '',
    '| column | type | role | missing | missing rate | values |',
    '| --- | --- | --- | ---: | ---: | --- |',
  );
  for (const c of p.columns)
    out.push(
      `| ${cell(c.name)} | ${c.type} | ${c.role} | ${c.missing} | ${pct(c.missingRate)} | ${
        c.type === 'number'
          ? c.min === null || c.min === undefined
            ? '—'
            : `${c.min} … ${c.max}`
          : `${c.distinct ?? 0} distinct`
      } |`,
    );
  if (p.label)
    out.push(
      '',
      `Label \`${p.label.column}\` (positive: ${p.label.positive.join(', ')}): ${p.label.positives} positive, ${p.label.negatives} negative, ${p.label.missing} missing; positive rate ${pct(p.label.positiveRate)}.`,
    );
  for (const s of p.sensitive) {
    const withRates = s.groups.some((g) => g.baseRate !== undefined);
    out.push(
      '',
      `### Groups of ${s.feature}`,
      '',
      withRates ? '| group | rows | share | base rate | 95% CI |' : '| group | rows | share |',
      withRates ? '| --- | ---: | ---: | ---: | --- |' : '| --- | ---: | ---: |',
    );
    for (const g of s.groups)
      out.push(
        withRates
          ? `| ${cell(g.group)} | ${g.count} | ${pct(g.share)} | ${f4(g.baseRate)} | ${g.baseRateCi ? `[${f4(g.baseRateCi[0])}, ${f4(g.baseRateCi[1])}]` : '—'} |`
          : `| ${cell(g.group)} | ${g.count} | ${pct(g.share)} |`,
      );
    if (s.baseRateRatio !== undefined) out.push('', `Base-rate ratio (min / max): ${f4(s.baseRateRatio)}.`);
  }
  if (p.findings.length) out.push('', '### Findings', '', ...p.findings.map((f) => `- ${f}`));
  for (const s of ds.sections) {
    out.push('', `## ${s.title}`, '');
    for (const it of s.items) {
      const body: string[] = [];
      if (it.answer !== null) body.push(it.answer);
      if (it.fromData !== null) body.push(`*From the data:* ${it.fromData}`);
      if (body.length === 0) {
        if (!it.required) continue;
        body.push('**Not answered yet (required).**');
      }
      out.push(`**${it.question}**`, '', ...body.flatMap((b) => [b, '']));
    }
    while (out[out.length - 1] === '') out.pop();
  }
  if (ds.gaps.length) {
    out.push('', '## Open questions', '', `${ds.gaps.length} required question(s) have no answer yet:`, '');
    for (const g of ds.gaps) out.push(`- \`${g.key}\`: ${g.question}`);
  }
  return `${out.join('\n')}\n`;
}
