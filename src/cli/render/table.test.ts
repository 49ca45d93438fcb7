import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult, GroupResult } from '../../metrics/index.js';
import { renderTerminal, safeText } from './table.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const fixture = JSON.parse(
  readFileSync(resolve(ROOT, 'test/fixtures/audit-result.json'), 'utf8'),
) as AuditResult;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escape sequences
const ANSI = /\u001b\[/;
const plain = renderTerminal(fixture, { color: false, width: 120 });
const lines = plain.split('\n');

/** The cells of the box-table row that starts with `name` in the table after `heading`. */
function row(heading: string, name: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const line = lines.slice(start).find((l) => l.startsWith(`│ ${name}`));
  expect(line, `${heading} / ${name}`).toBeDefined();
  return line!
    .slice(1, -1)
    .split('│')
    .map((c) => c.trim());
}

describe('renderTerminal without colour', () => {
  it('has no ANSI escape codes at all', () => {
    expect(plain).not.toMatch(ANSI);
  });

  it('starts with a header naming the data, rows, label, threshold, engine and convention', () => {
    expect(lines[0]).toBe('aequa audit · examples/data/recidivism-synthetic.csv · 6172 rows (8 dropped)');
    expect(lines[1]).toBe(
      'label two_year_recid (positive: 1) · score risk_score ≥ 0.5 · engine memory · convention aequa · 95% CI · Holm correction, α = 0.05',
    );
  });

  it('shows each race group in its own row with the count and selection rate with its interval', () => {
    // selection rates and Wilson intervals from the fixture, to 3 decimals.
    const expected: Record<string, [string, string]> = {
      'African-American': ['3175', '0.587 [0.570, 0.604]'],
      'Caucasian (ref)': ['2103', '0.339 [0.319, 0.360]'],
      Hispanic: ['509', '0.271 [0.234, 0.311]'],
      Other: ['343', '0.233 [0.192, 0.281]'],
      Asian: ['31', '0.355 [0.211, 0.531]'],
      'Native American (small)': ['11', '0.364 [0.152, 0.646]'],
    };
    for (const [name, [count, rate]] of Object.entries(expected)) {
      const cells = row('race ', name);
      expect(cells[0]).toBe(name);
      expect(cells[1]).toBe(count);
      expect(cells[2]).toBe(rate);
    }
  });

  it('shows TPR, FPR, precision, accuracy and AUC without intervals, and undefined values as a dash', () => {
    // Caucasian: TPR 0.523114, FPR 0.220921, precision 0.603086, accuracy 0.67903, AUC 0.738122.
    expect(row('race ', 'Caucasian').slice(3)).toEqual(['0.523', '0.221', '0.603', '0.679', '0.738']);
    const na = row('race ', 'Native American');
    expect(na[3]).toBe('—');
    expect(na[7]).toBe('—');
    expect(plain).toContain('— undefined: Native American: TPR (noPositives), AUC (singleClass)');
  });

  it('lists the headline disparities with value, interval, adjusted p and a marker', () => {
    const start = lines.findIndex((l) => l.startsWith('race '));
    const after = lines.slice(start);
    const dpd = after.find((l) => l.includes('demographic parity difference'))!;
    expect(dpd).toMatch(
      /^ {2}✗ demographic parity difference +0\.354 +\[0\.315, 0\.499\] +p=8\.6e-99 +Other vs African-American$/,
    );
    const acc = after.find((l) => l.includes('accuracy difference'))!;
    expect(acc.startsWith('  ✓ accuracy difference')).toBe(true);
    const auc = after.find((l) => l.includes('ROC AUC difference'))!;
    expect(auc.startsWith('  • ROC AUC difference')).toBe(true);
  });

  it('prints the verdict and the policy pass and fail lines', () => {
    const v = lines.indexOf('Verdict');
    expect(lines[v + 1]).toBe(`  ${fixture.verdict.summary}`);
    expect(plain).toContain('Policy policies/release-gate.yaml: FAILED (1 of 3 rules)');
    expect(plain).toContain('  ✗ race: disparateImpact = 0.6879 violates >= 0.8');
    expect(plain).toContain('  ✓ overall.accuracy = 0.6567 satisfies >= 0.6');
  });

  it('keeps every table line within the width, hiding rightmost metric columns and saying so', () => {
    const out = renderTerminal(fixture, { color: false, width: 80 });
    for (const l of out.split('\n').filter((x) => /^[┌│├└]/.test(x)))
      expect([...l].length).toBeLessThanOrEqual(80);
    expect(out).toMatch(/\d metric columns? hidden to fit 80 columns/);
    // The group, count and selection-rate columns always stay.
    expect(out).toContain('│ Caucasian (ref)         │  2103 │ 0.339 [0.319, 0.360] │');
  });
});

describe('renderTerminal with colour', () => {
  const colored = renderTerminal(fixture, { color: true, width: 120 });

  it('paints significant gaps and failed rules red, passed rules green and small groups dim', () => {
    expect(colored).toMatch(ANSI);
    expect(colored).toContain('\u001b[31m✗\u001b[0m \u001b[31mdemographic parity difference');
    expect(colored).toContain('\u001b[31mFAILED (1 of 3 rules)\u001b[0m');
    expect(colored).toContain('\u001b[32m✓\u001b[0m overall.accuracy');
    expect(colored).toContain('\u001b[2mNative American (small)\u001b[0m');
  });

  it('has the same text as the plain output once the codes are removed', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing ANSI escape sequences
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});

describe('user text in the terminal', () => {
  it('replaces control characters in group names so they cannot drive the terminal', () => {
    expect(safeText('a\u001b[2Jb\u0007')).toBe('a?[2Jb?');
    const race = fixture.byFeature.race!;
    const evil = 'x\u001b[31mred';
    const doc: AuditResult = {
      ...fixture,
      byFeature: {
        race: {
          ...race,
          groups: { ...race.groups, [evil]: { ...race.groups.Asian!, key: { race: evil } } as GroupResult },
        },
      },
    };
    const out = renderTerminal(doc, { color: false });
    expect(out).not.toMatch(ANSI);
    expect(out).toContain('│ x?[31mred ');
  });
});
