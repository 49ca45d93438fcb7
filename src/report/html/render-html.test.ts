import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, FeatureResult, GroupResult } from '../../metrics/index.js';
import { chartGroups } from '../charts/group-rates.js';
import { renderHtml } from './render-html.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const fixture = JSON.parse(
  readFileSync(resolve(ROOT, 'test/fixtures/audit-result.json'), 'utf8'),
) as AuditResult;
const XSS = '<script>alert(1)</script>';

function withGroup(result: AuditResult, feature: string, name: string, g: GroupResult): AuditResult {
  const fr = result.byFeature[feature]!;
  return {
    ...result,
    byFeature: { ...result.byFeature, [feature]: { ...fr, groups: { ...fr.groups, [name]: g } } },
  };
}

describe('renderHtml on the COMPAS-like fixture', () => {
  let html: string;
  beforeAll(async () => {
    html = await renderHtml(
      withGroup(fixture, 'race', XSS, { ...fixture.byFeature.race!.groups.Asian!, key: { race: XSS } }),
    );
  });

  it('is one HTML document with a title, inline CSS and a policy that forbids scripts and loads', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.match(/<html/g)?.length).toBe(1);
    expect(html).toContain('<title>Fairness audit: examples/data/recidivism-synthetic.csv</title>');
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`,
    );
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
  });

  it('has no script, no external resource and no web font', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|@font-face|url\(\s*['"]?https?:/i);
  });

  it('escapes the hostile group name everywhere it appears', () => {
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('draws 10 accessible charts: rates and disparities per feature, ROC and calibration per scored feature', () => {
    const svgs = html.match(/<svg role="img" aria-label="[^"]+"[^>]*><title>[^<]+<\/title>/g) ?? [];
    expect(svgs.length).toBe(10);
    expect((html.match(/<svg\b/g) ?? []).length).toBe(10);
    expect((html.match(/<figure>/g) ?? []).length).toBe(10);
  });

  it('gives every SVG element id a page-unique value', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it('highlights significant gaps in the verdict and the disparity tables, and the failed policy rule', () => {
    expect(html).toContain('<section class="verdict has-sig"');
    expect(html).toContain('Verdict: Significant gaps found (9)');
    expect(html).toMatch(/<tr class="sig"><th scope="row">demographic parity difference<\/th>/);
    expect(html).toContain('<tr class="fail"><td><code>race: disparateImpact &gt;= 0.8</code>');
    expect(html).toContain('<span class="badge fail">failed</span>Policy: 1 of 3 rules fail');
  });

  it('marks small groups and shows undefined values as a dash with the reason', () => {
    expect(html).toContain(
      '<tr class="small"><th scope="row">Native American <span class="muted">(small)</span></th>',
    );
    expect(html).toContain('<td class="num">— <span class="reason">(noPositives)</span></td>');
  });

  it('shows group values with their intervals', () => {
    // Caucasian selection rate 0.339039 with interval [0.319117, 0.359549].
    expect(html).toContain('<td class="num">0.339 <span class="ci">[0.319, 0.360]</span></td>');
  });
});

describe('renderHtml limits', () => {
  it('draws at most maxCharts charts and says how many were left out', async () => {
    const html = await renderHtml(fixture, { maxCharts: 3 });
    expect((html.match(/<svg\b/g) ?? []).length).toBe(3);
    expect(html).toContain('7 more charts were left out to keep the report small (limit 3)');
  });

  it('caps a bar chart at maxGroups groups with a note, while the table keeps every group', async () => {
    const base = fixture.byFeature.sex!;
    const groups: Record<string, GroupResult> = {};
    for (let i = 0; i < 40; i++) {
      groups[`g${i}`] = {
        ...base.groups.Male!,
        count: 100 + i,
        key: { sex: `g${i}` },
        selectionRate: i / 40,
      };
    }
    const fr: FeatureResult = { ...base, reference: 'g0', groups };
    const doc: AuditResult = { ...fixture, byFeature: { many: fr }, curves: {} };
    const html = await renderHtml(doc, { maxGroups: 30 });
    expect(html).toContain('Showing the 30 largest of 40 groups; the table below lists all of them.');
    for (let i = 0; i < 40; i++) expect(html).toContain(`<th scope="row">g${i}`);
  });

  it('says no significant gap was found when no finding is significant', async () => {
    const doc: AuditResult = {
      ...fixture,
      verdict: { summary: 'No disparity is statistically significant.', findings: [] },
    };
    const { policy: _drop, ...withoutPolicy } = doc;
    const html = await renderHtml(withoutPolicy as AuditResult, { maxCharts: 0 });
    expect(html).toContain('<section class="verdict"');
    expect(html).toContain('Verdict: No significant gap found');
    expect(html).not.toContain('id="policy"');
    expect((html.match(/<svg\b/g) ?? []).length).toBe(0);
  });
});

describe('chartGroups', () => {
  it('keeps the largest groups and orders them by the first metric, highest first, undefined last', () => {
    const g = (count: number, selectionRate: number | null): GroupResult =>
      ({ count, small: false, key: {}, selectionRate }) as GroupResult;
    const fr = {
      features: ['f'],
      reference: 'a',
      groups: { a: g(10, 0.2), b: g(50, 0.9), c: g(40, null), d: g(5, 0.99), e: g(30, 0.5) },
      disparities: {},
      extremes: {},
    } as FeatureResult;
    // Largest 4 by count: b 50, c 40, e 30, a 10 (d, 5 rows, is dropped); then by rate: b .9, e .5, a .2, c null.
    expect(chartGroups(fr, 'selectionRate', 4)).toEqual({ shown: ['b', 'e', 'a', 'c'], total: 5 });
    expect(chartGroups(fr, 'selectionRate', 30).shown).toEqual(['d', 'b', 'e', 'a', 'c']);
  });
});
