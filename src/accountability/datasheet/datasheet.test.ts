import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isAequaError } from '../../core/index.js';
import { fromArrays } from '../../data/index.js';
import { datasheetTemplate, parseDatasheetAnswers } from './answers.js';
import { buildDatasheet, datasheetDigest } from './build-datasheet.js';
import { profileDataset } from './profile.js';
import { DATASHEET_QUESTIONS, DATASHEET_SECTIONS } from './questions.js';
import { renderDatasheetMarkdown } from './render.js';

/*
 * Ten rows. sex: 4 F then 6 M. age missing in rows 1 (F) and 4 (M). income missing in row 9 (M).
 * y: F = 1,0,0,1 (2 of 4 = 0.5); M = 1,1,0,1,1,0 (4 of 6 = 2/3); overall 6 of 10.
 */
const data = () =>
  fromArrays({
    sex: ['F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M', 'M'],
    age: [20, null, 35, 40, null, 50, 22, 33, 44, 55],
    income: ['low', 'high', 'low', 'mid', 'low', 'high', 'low', 'mid', 'high', null],
    y: [1, 0, 0, 1, 1, 1, 0, 1, 1, 0],
  });

/** Wilson score interval written out from Wilson (1927), z for 95%. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = k / n;
  const den = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return [centre - half, centre + half];
}

const REQUIRED = DATASHEET_QUESTIONS.filter((q) => q.required).map((q) => `${q.section}.${q.key}`);

describe('profileDataset', () => {
  it('counts rows, column types, missing cells and distinct values as counted by hand', async () => {
    const p = await profileDataset(data(), { label: 'y', sensitive: ['sex'] });
    expect(p.rows).toBe(10);
    const by = Object.fromEntries(p.columns.map((c) => [c.name, c]));
    expect(by.sex).toMatchObject({
      type: 'category',
      role: 'sensitive',
      missing: 0,
      missingRate: 0,
      distinct: 2,
    });
    expect(by.age).toMatchObject({
      type: 'number',
      role: 'feature',
      missing: 2,
      missingRate: 0.2,
      min: 20,
      max: 55,
    });
    expect(by.income).toMatchObject({ type: 'category', missing: 1, missingRate: 0.1, distinct: 3 });
    expect(by.y).toMatchObject({ type: 'number', role: 'label', missing: 0 });
  });

  it('reports group counts, shares and base rates equal to the hand counts, with Wilson intervals', async () => {
    const p = await profileDataset(data(), { label: 'y', sensitive: ['sex'] });
    expect(p.label).toMatchObject({ column: 'y', positives: 6, negatives: 4, missing: 0, positiveRate: 0.6 });
    const s = p.sensitive[0]!;
    expect(s.feature).toBe('sex');
    const g = Object.fromEntries(s.groups.map((x) => [x.group, x]));
    expect(g.F).toMatchObject({ count: 4, share: 0.4, baseRate: 0.5 });
    expect(g.M!.count).toBe(6);
    expect(g.M!.share).toBe(0.6);
    // 4/6 computed by dataBias as a ratio of counts: equal to 2/3 up to one rounding (1e-12).
    expect(g.M!.baseRate).toBeCloseTo(2 / 3, 12);
    const [lo, hi] = wilson(2, 4);
    expect(g.F!.baseRateCi![0]).toBeCloseTo(lo, 9);
    expect(g.F!.baseRateCi![1]).toBeCloseTo(hi, 9);
    // min / max of base rates = 0.5 / (2/3) = 0.75.
    expect(s.baseRateRatio).toBeCloseTo(0.75, 12);
  });

  it('gives the missing rate of each column with missing cells per group', async () => {
    const p = await profileDataset(data(), { label: 'y', sensitive: ['sex'] });
    const m = Object.fromEntries(p.sensitive[0]!.missingByGroup.map((x) => [x.column, x.byGroup]));
    // age: F 1 of 4, M 1 of 6; income: F 0 of 4, M 1 of 6.
    expect(m.age!.F).toBeCloseTo(0.25, 12);
    expect(m.age!.M).toBeCloseTo(1 / 6, 12);
    expect(m.income!.F).toBe(0);
    expect(m.income!.M).toBeCloseTo(1 / 6, 12);
    expect(Object.keys(m).sort()).toEqual(['age', 'income']);
  });

  it('summarises a label without sensitive columns', async () => {
    const p = await profileDataset(data(), { label: 'y' });
    expect(p.label).toMatchObject({ positives: 6, negatives: 4, positiveRate: 0.6 });
    expect(p.sensitive).toEqual([]);
  });

  it('refuses a sensitive column that is not in the data, naming it', async () => {
    await expect(profileDataset(data(), { sensitive: ['gender'] })).rejects.toThrow(/gender/);
  });
});

describe('buildDatasheet', () => {
  it('merges the answers, prefills from the data and lists the open required questions as gaps', async () => {
    const profile = await profileDataset(data(), { label: 'y', sensitive: ['sex'] });
    const answers = parseDatasheetAnswers({
      name: 'Toy credit',
      motivation: { purpose: 'Testing', creators: ['Ana', 'Bo'] },
      maintenance: { contact: 'ana@example.com' },
    });
    const ds = buildDatasheet({
      profile,
      answers,
      license: 'CC-BY-4.0',
      file: { path: 'dir/toy.csv', sha256: 'ab'.repeat(32), bytes: 123 },
    });
    expect(ds.name).toBe('Toy credit');
    const item = (s: string, k: string) =>
      ds.sections.find((x) => x.id === s)!.items.find((x) => x.key === k)!;
    expect(item('motivation', 'purpose').answer).toBe('Testing');
    expect(item('motivation', 'creators').answer).toBe('- Ana\n- Bo');
    expect(item('composition', 'count').fromData).toBe('10 rows.');
    expect(item('composition', 'missing').fromData).toContain('age: 2 of 10 missing (20.0%)');
    expect(item('composition', 'subpopulations').fromData).toBe('sex: F 4 (40.0%), M 6 (60.0%).');
    expect(item('composition', 'labels').fromData).toContain('6 of 10 labelled rows positive (60.0%)');
    expect(item('composition', 'labels').fromData).toContain(
      'base rate by sex: F 0.5000, M 0.6667 (min/max 0.7500)',
    );
    expect(item('distribution', 'license').fromData).toBe('CC-BY-4.0');
    // Answered: purpose, creators, contact (user); missing, subpopulations, license (data).
    const answered = new Set([
      'motivation.purpose',
      'motivation.creators',
      'maintenance.contact',
      'composition.missing',
      'composition.subpopulations',
      'distribution.license',
    ]);
    expect(ds.gaps.map((g) => g.key)).toEqual(REQUIRED.filter((k) => !answered.has(k)));
    expect(ds.completeness).toEqual({
      answered: 6,
      required: REQUIRED.length,
      score: 6 / REQUIRED.length,
    });
    expect(ds.file).toEqual({ path: 'dir/toy.csv', sha256: 'ab'.repeat(32), bytes: 123 });
  });

  it('lists exactly the unanswered required questions for any set of answers (property)', async () => {
    const profile = await profileDataset(fromArrays({ x: [1, 2, 3] }));
    fc.assert(
      fc.property(fc.subarray(DATASHEET_QUESTIONS.map((q) => `${q.section}.${q.key}`)), (keys) => {
        const raw: Record<string, Record<string, string>> = {};
        for (const k of keys) {
          const [s, q] = k.split('.') as [string, string];
          (raw[s] ??= {})[q] = `answer ${k}`;
        }
        const ds = buildDatasheet({ profile, answers: parseDatasheetAnswers(raw) });
        // Without sensitive columns or licence the data answers only count, fields, missing, labels (none).
        const byData = new Set(['composition.missing']);
        const expected = REQUIRED.filter((k) => !keys.includes(k) && !byData.has(k));
        expect(ds.gaps.map((g) => g.key)).toEqual(expected);
        expect(ds.completeness.answered).toBe(REQUIRED.length - expected.length);
      }),
      { numRuns: 100 },
    );
  });

  it('has a digest that is stable for the same content and changes with any answer', async () => {
    const profile = await profileDataset(data(), { sensitive: ['sex'] });
    const a = buildDatasheet({ profile, answers: { motivation: { purpose: 'x' } } });
    const b = buildDatasheet({ profile, answers: { motivation: { purpose: 'x' } } });
    const c = buildDatasheet({ profile, answers: { motivation: { purpose: 'y' } } });
    expect(datasheetDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(datasheetDigest(a)).toBe(datasheetDigest(b));
    expect(datasheetDigest(a)).not.toBe(datasheetDigest(c));
  });

  it('renders Markdown with every section, the group table and the open questions', async () => {
    const profile = await profileDataset(data(), { label: 'y', sensitive: ['sex'] });
    const md = renderDatasheetMarkdown(buildDatasheet({ profile, name: 'toy.csv' }));
    expect(md.split('\n')[0]).toBe('# Datasheet: toy.csv');
    for (const title of Object.values(DATASHEET_SECTIONS)) expect(md).toContain(`## ${title}`);
    expect(md).toContain('| F | 4 | 40.0% | 0.5000 |');
    expect(md).toContain('| age | number | feature | 2 | 20.0% | 20 … 55 |');
    expect(md).toContain('- `motivation.purpose`: ');
  });
});

describe('answers file', () => {
  it('round-trips the template: it parses with no error, no answer, and holds every question', () => {
    const text = datasheetTemplate();
    const raw = parse(text) as Record<string, Record<string, unknown> | null>;
    expect(parseDatasheetAnswers(raw, 'template')).toEqual({});
    for (const q of DATASHEET_QUESTIONS) {
      expect(raw[q.section]).toHaveProperty(q.key, null);
      expect(text).toContain(`# ${q.question}`);
    }
    expect(Object.keys(raw)).toEqual(['name', 'description', 'version', ...Object.keys(DATASHEET_SECTIONS)]);
  });

  it('names a misspelt question key and suggests the closest one', () => {
    try {
      parseDatasheetAnswers({ motivation: { purpse: 'x' } }, 'a.yaml');
      expect.unreachable();
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_CARD_INVALID');
      expect((e as Error).message).toContain('"motivation.purpse"');
      expect((e as Error).message).toContain('a.yaml');
      expect((e as { hint: string }).hint).toBe('Did you mean "motivation.purpose"?');
    }
  });

  it('suggests the section for a misspelt section and for a question written at the top level', () => {
    expect(() => parseDatasheetAnswers({ motivaton: { purpose: 'x' } })).toThrow(/unknown key "motivaton"/);
    try {
      parseDatasheetAnswers({ motivaton: {} });
    } catch (e) {
      expect((e as { hint: string }).hint).toBe('Did you mean "motivation"?');
    }
    try {
      parseDatasheetAnswers({ purpose: 'x' });
      expect.unreachable();
    } catch (e) {
      expect((e as { hint: string }).hint).toContain('indent it under "motivation:"');
    }
  });

  it('refuses a nested mapping as an answer and a list as the whole file', () => {
    expect(() => parseDatasheetAnswers({ uses: { risks: { a: 1 } } })).toThrow(/"uses.risks" must be text/);
    expect(() => parseDatasheetAnswers(['a'])).toThrow(/must be a YAML mapping/);
  });
});
