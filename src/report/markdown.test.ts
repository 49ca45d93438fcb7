import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult, GroupResult } from '../metrics/index.js';
import { mdEscape, renderMarkdown } from './markdown.js';

const ROOT = resolve(import.meta.dirname, '../..');
const fixture = JSON.parse(
  readFileSync(resolve(ROOT, 'test/fixtures/audit-result.json'), 'utf8'),
) as AuditResult;
const md = renderMarkdown(fixture);
const lines = md.split('\n');

/** The table row whose first cell starts with `name` in the section that follows `heading`. */
function rowAfter(heading: string, name: string): string[] {
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const line = lines.slice(start).find((l) => l.startsWith(`| ${name}`));
  expect(line, `${heading} / ${name}`).toBeDefined();
  // Cells sit between '| ' and ' |' and are separated by ' | ' (escaped pipes have no spaces around).
  return line!
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

describe('renderMarkdown', () => {
  it('opens with the title naming the data and ends with a newline', () => {
    expect(lines[0]).toBe('# Fairness audit: examples/data/recidivism-synthetic.csv');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('puts the verdict summary in bold under the Verdict heading, with every finding', () => {
    const i = lines.indexOf('## Verdict');
    expect(lines[i + 2]).toBe(`**${fixture.verdict.summary}**`);
    const findings = lines.filter((l) => l.startsWith('- **significant**: '));
    expect(findings.length).toBe(fixture.verdict.findings.filter((f) => f.severity === 'significant').length);
    expect(md).toContain('- policy: **failed** (1 of 3 rules)');
  });

  it('lists each group with count, and rates to 3 decimals with their intervals', () => {
    // Caucasian: selection rate 0.339039 in [0.319117, 0.359549]; TPR 0.523114 [0.489…, 0.557…] → 3 decimals.
    const row = rowAfter('## race', 'Caucasian');
    expect(row[0]).toBe('Caucasian *(reference)*');
    expect(row[1]).toBe('2103');
    expect(row[2]).toBe('0.339 [0.319, 0.360]');
    expect(row[3]?.startsWith('0.523 [')).toBe(true);
    // AUC has no interval in the fixture: 0.738122 → 0.738.
    expect(row[7]).toBe('0.738');
  });

  it('marks the small group and shows undefined metrics as a dash with the reason', () => {
    const row = rowAfter('## race', 'Native American');
    expect(row[0]).toBe('Native American *(small)*');
    expect(row[3]).toBe('— (noPositives)');
    expect(row[7]).toBe('— (singleClass)');
    // precision is 0, a defined value, not a dash.
    expect(row[5]).toBe('0.000 [0.000, 0.490]');
  });

  it('lists disparities with value, interval, adjusted p, significance and the four-fifths rule', () => {
    // demographicParityDifference: 0.35385 [0.31469, 0.499012], adjusted p 8.602e-99, significant.
    const dpd = rowAfter('### Disparities', 'demographic parity difference');
    expect(dpd).toEqual([
      'demographic parity difference (Other vs African-American)',
      '0.354',
      '[0.315, 0.499]',
      '8.6e-99',
      '✓',
      '',
    ]);
    // disparateImpact 0.687932 < 0.8: the four-fifths rule fails.
    const di = rowAfter('### Disparities', 'disparate impact');
    expect(di[1]).toBe('0.688');
    expect(di[5]).toBe('**fails**');
  });

  it('says — for a tested disparity that is not significant and leaves untested ones blank', () => {
    const start = lines.indexOf('## sex');
    const eo = lines.slice(start).find((l) => l.startsWith('| equal opportunity difference'))!;
    // sex equalOpportunityDifference: adjusted p 1 → not significant.
    expect(eo).toContain('| 1.000 | — |');
    const fnr = lines.slice(start).find((l) => l.startsWith('| false negative rate difference'))!;
    expect(fnr.endsWith('|  |  |  |')).toBe(true);
  });

  it('shows the policy rules with pass and fail, the warnings and the convention note', () => {
    expect(md).toContain('## Policy: policies/release-gate.yaml');
    expect(md).toContain('| `race: disparateImpact >= 0.8` | race | 0.688 | ✗ **fail** |');
    expect(md).toContain('| `overall.accuracy >= 0.6` | overall | 0.657 | ✓ pass |');
    expect(md).toContain('- `AEQ_W_SMALL_GROUP`: race=Native American has 11 rows');
    expect(md).toContain('## How to read this report');
    expect(md).toContain('Convention "aequa"');
    expect(md).toContain('Holm correction, α = 0.05');
  });

  it('escapes a hostile group name so that it is text, and a pipe cannot break the table', () => {
    const race = fixture.byFeature.race!;
    const hostile = { ...race.groups.Asian!, key: { race: 'x' } } as GroupResult;
    const name = '<script>alert(1)</script>|b';
    const doc: AuditResult = {
      ...fixture,
      byFeature: { race: { ...race, groups: { ...race.groups, [name]: hostile } } },
    };
    const out = renderMarkdown(doc);
    expect(out).not.toContain('<script>');
    expect(out).toContain('| &lt;script&gt;alert(1)&lt;/script&gt;\\|b | 31 |');
  });
});

describe('mdEscape', () => {
  it('escapes HTML brackets, Markdown markup and pipes, and joins lines', () => {
    expect(mdEscape('a|b <i> & c')).toBe('a\\|b &lt;i&gt; & c');
    expect(mdEscape('*bold* _x_ `code` [l](u)')).toBe('\\*bold\\* \\_x\\_ \\`code\\` \\[l\\](u)');
    expect(mdEscape('one\ntwo')).toBe('one two');
    expect(mdEscape('&amp;')).toBe('&amp;amp;');
  });
});
