/**
 * The explanation report (`aequa explain --out DIR` → report.html, src/report/explain-html.ts) in a
 * real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): the page made by the
 * CLI from a gradient-boosted model with --counterfactuals, --global and --disparity loads with no
 * console or page errors and no network request, every SVG has rendered marks, and a hostile column
 * name and category level stay text. A screenshot goes to test/.artifacts/explain-report.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExplain } from '../../src/cli/commands/explain.js';
import { captureIo } from '../../src/cli/test-io.fixture.js';
import { seededRng } from '../../src/core/index.js';
import { fromArrays } from '../../src/data/index.js';
import { formatCsv } from '../../src/data/io/index.js';
import { gradientBoosting, saveModelJSON } from '../../src/models/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../.artifacts');
const XSS = '<script>alert(1)</script>';
const XSS_COL = '<img src=x onerror=alert(2)>';
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing on CI; run scripts/system-deps.sh before the tests.`);
}

describe.skipIf(!haveChromium)(`explanation report in headless Chromium (needs ${CHROMIUM})`, () => {
  let dir: string;
  let context: BrowserContext;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];
  let pageUrl = '';

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
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
      viewport: { width: 1000, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    pageUrl = pathToFileURL(join(out, 'report.html')).href;
    await page.goto(pageUrl, { waitUntil: 'load' });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads with no console errors, no page errors, no dialog, no script and no request but itself', async () => {
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pageUrl]);
    const page = context.pages()[0]!;
    expect(await page.evaluate(() => document.querySelectorAll('script, img, iframe').length)).toBe(0);
  });

  it('has every section, and every SVG renders marks with real boxes', async () => {
    const page = context.pages()[0]!;
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
    const page = context.pages()[0]!;
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(XSS_COL);
    expect(body).toContain(XSS);
  });

  it('saves a screenshot to test/.artifacts/explain-report.png', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const png = await context.pages()[0]!.screenshot({ fullPage: true });
    await writeFile(join(ARTIFACTS, 'explain-report.png'), png);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
