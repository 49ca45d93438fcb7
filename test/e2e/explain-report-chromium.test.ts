/**
 * The explanation report (`aequa explain --out DIR` → report.html, src/report/explain-html.ts) in a
 * real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): the page made by the
 * CLI from a gradient-boosted model with --counterfactuals, --global and --disparity loads with no
 * console or page errors and no network request, every SVG has rendered marks, and a hostile column
 * name and category level stay text. A screenshot goes to test/.artifacts/explain-report.png.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExplain } from '../../src/cli/commands/explain.js';
import { captureIo } from '../../src/cli/test-io.fixture.js';
import { seededRng } from '../../src/core/index.js';
import { fromArrays } from '../../src/data/index.js';
import { formatCsv } from '../../src/data/io/index.js';
import { gradientBoosting, saveModelJSON } from '../../src/models/index.js';
import { CHROMIUM, type ChromiumPage, haveChromium, openInChromium } from './chromium.fixture.js';

const ARTIFACTS = resolve(import.meta.dirname, '../.artifacts');
const XSS = '<script>alert(1)</script>';
const XSS_COL = '<img src=x onerror=alert(2)>';

describe.skipIf(!haveChromium)(`explanation report in headless Chromium (needs ${CHROMIUM})`, () => {
  let dir: string;
  let chrome: ChromiumPage;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aequa-explain-report-'));
    const rng = seededRng(5);
    const n = 240;
    const age = new Float64Array(n);
    const hours = new Float64Array(n);
    const job: string[] = [];
    const sex: string[] = [];
    const y: string[] = [];
    for (let i = 0; i < n; i++) {
      age[i] = Math.round(20 + 45 * rng.nextFloat64());
      hours[i] = Math.round(10 + 50 * rng.nextFloat64());
      job.push(['clerk', XSS, 'pilot'][Math.floor(3 * rng.nextFloat64())]!);
      sex.push(i % 2 ? 'F' : 'M');
      const s =
        0.06 * (age[i]! - 42) +
        0.04 * (hours[i]! - 35) +
        (sex[i] === 'M' ? 0.8 : 0) +
        rng.nextFloat64() -
        0.5;
      y.push(s > 0 ? 'yes' : 'no');
    }
    const t = fromArrays({ age, hours, [XSS_COL]: job, sex, y });
    const csv = join(dir, 'data.csv');
    await writeFile(csv, formatCsv(t));
    const model = join(dir, 'gbdt.json');
    const features = ['age', 'hours', XSS_COL, 'sex'];
    await writeFile(
      model,
      saveModelJSON(await gradientBoosting({ nEstimators: 20, maxDepth: 3 }).fit(t, 'y', { features })),
    );
    const io = captureIo({ columns: 100 });
    const out = join(dir, 'out');
    const code = await runExplain(
      [
        model,
        csv,
        '--rows',
        '0,1,2',
        '--counterfactuals',
        '2',
        '--immutable',
        'sex',
        '--global',
        '--disparity',
        'sex',
        '--groups',
        'M,F',
        '--out',
        out,
        '--no-ledger',
      ],
      io,
    );
    expect(code).toBe(0);
    chrome = await openInChromium(dir, join(out, 'report.html'), { width: 1000, height: 900 });
  }, 90_000);

  afterAll(async () => {
    await chrome?.context.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads with no console errors, no page errors, no dialog, no script and no request but itself', async () => {
    expect(chrome.consoleErrors).toEqual([]);
    expect(chrome.pageErrors).toEqual([]);
    expect(chrome.dialogs).toEqual([]);
    expect(chrome.requests).toEqual([chrome.url]);
    const page = chrome.page;
    expect(await page.evaluate(() => document.querySelectorAll('script, img, iframe').length)).toBe(0);
  });

  it('has every section, and every SVG renders marks with real boxes', async () => {
    const page = chrome.page;
    for (const id of ['summary', 'row-0', 'row-1', 'row-2', 'global', 'disparity'])
      expect(await page.locator(`section#${id}`).count()).toBe(1);
    const svgs = await page.$$eval('figure svg', (els) =>
      els.map((el) => ({
        h: el.getBoundingClientRect().height,
        marks: el.querySelectorAll('rect, circle, path').length,
      })),
    );
    // 2 summary + 2 per row × 3 rows + importance + 3 partial dependence + disparity bar.
    expect(svgs.length).toBe(2 + 6 + 1 + 3 + 1);
    for (const s of svgs) {
      expect(s.h).toBeGreaterThan(50);
      expect(s.marks).toBeGreaterThan(0);
    }
    const cf = await page.$$eval('section#row-0 table', (els) => els.length);
    expect(cf).toBeGreaterThanOrEqual(2); // all attributions + counterfactuals
    expect(await page.locator('section#row-0 blockquote.narration').textContent()).toMatch(
      /^The application was predicted (yes|no)/,
    );
  });

  it('shows the hostile column name and category level as text', async () => {
    const page = chrome.page;
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(XSS_COL);
    expect(body).toContain(XSS);
  });

  it('saves a screenshot to test/.artifacts/explain-report.png', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const png = await chrome.page.screenshot({ fullPage: true });
    await writeFile(join(ARTIFACTS, 'explain-report.png'), png);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
