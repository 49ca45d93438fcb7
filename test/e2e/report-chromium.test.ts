/**
 * End-to-end check of the HTML report in a real headless Chromium (Debian's /usr/bin/chromium driven
 * by playwright-core; install it with scripts/system-deps.sh): the page loads nothing, logs no
 * errors, draws every chart with marks, shows the verdict, and renders a hostile group name as text.
 * A screenshot goes to test/.artifacts/report.png (git-ignored) for a human look.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, GroupResult } from '../../src/metrics/index.js';
import { renderHtml } from '../../src/report/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = resolve(ROOT, 'test/.artifacts');
const XSS = '<script>alert(1)</script>';
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing on CI; run scripts/system-deps.sh before the tests.`);
}

/** The fixture with one more race group whose name is a script tag (user data must stay text). */
async function hostileFixture(): Promise<AuditResult> {
  const base = JSON.parse(
    await readFile(resolve(ROOT, 'test/fixtures/audit-result.json'), 'utf8'),
  ) as AuditResult;
  const race = base.byFeature.race!;
  const native = race.groups['Native American']!;
  const hostile: GroupResult = { ...native, key: { race: XSS } };
  const curves = base.curves?.race;
  return {
    ...base,
    byFeature: { ...base.byFeature, race: { ...race, groups: { ...race.groups, [XSS]: hostile } } },
    ...(base.curves && curves
      ? { curves: { ...base.curves, race: { ...curves, [XSS]: curves.Asian! } } }
      : {}),
  };
}

describe.skipIf(!haveChromium)(
  `the HTML report in headless Chromium (needs ${CHROMIUM}; see scripts/system-deps.sh)`,
  () => {
    let dir: string;
    let context: BrowserContext;
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    let fileUrl: string;
    let chartCount = 0;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'aequa-report-'));
      const html = await renderHtml(await hostileFixture());
      chartCount = (html.match(/<svg role="img"/g) ?? []).length;
      const file = join(dir, 'report.html');
      await writeFile(file, html, 'utf8');
      fileUrl = pathToFileURL(file).href;
      context = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
        viewport: { width: 1366, height: 900 },
        javaScriptEnabled: true,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      context.on('request', (r) => {
        if (r.url() !== fileUrl) requests.push(r.url());
      });
      await page.goto(fileUrl, { waitUntil: 'load' });
    });

    afterAll(async () => {
      await context?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    function page() {
      return context.pages()[0]!;
    }

    it('loads with no console errors, no page errors and no dialog', () => {
      expect(consoleErrors).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(dialogs).toEqual([]);
    });

    it('requests nothing besides the file itself', () => {
      expect(requests).toEqual([]);
    });

    it('draws every chart as an SVG with a non-zero box and marks inside', async () => {
      const charts = await page().$$eval('figure svg[role="img"]', (els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return {
            label: el.getAttribute('aria-label') ?? '',
            width: r.width,
            height: r.height,
            marks: el.querySelectorAll('path, rect, line').length,
            plotted: el.querySelectorAll(
              '.mark-rect path, .mark-line path, .mark-symbol path, .mark-rule line',
            ).length,
          };
        }),
      );
      // 3 features × (rates + disparities) + 2 single features × (ROC + calibration) = 10 (≤ 12 by default).
      expect(charts.length).toBe(10);
      expect(charts.length).toBe(chartCount);
      for (const c of charts) {
        expect(c.label.length, 'aria-label').toBeGreaterThan(10);
        expect(c.width, c.label).toBeGreaterThan(100);
        expect(c.height, c.label).toBeGreaterThan(50);
        expect(c.plotted, c.label).toBeGreaterThan(0);
      }
    });

    it('shows the verdict text', async () => {
      const verdict = page().locator('#verdict .summary');
      await expect.poll(() => verdict.isVisible()).toBe(true);
      const text = await verdict.textContent();
      expect(text).toContain('statistically significant');
    });

    it('shows the hostile group name as text in the group table and runs no script from it', async () => {
      const cell = page().locator('#feature-0 table th[scope="row"]', { hasText: XSS });
      expect(await cell.count()).toBe(1);
      expect(await cell.first().isVisible()).toBe(true);
      const injected = await page().evaluate(() => document.querySelectorAll('script').length);
      expect(injected).toBe(0);
    });

    it('saves a full-page screenshot to test/.artifacts/report.png', async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      const png = await page().screenshot({ fullPage: true });
      await writeFile(join(ARTIFACTS, 'report.png'), png);
      // A PNG starts with the 8-byte signature 89 50 4E 47 0D 0A 1A 0A.
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      expect(png.length).toBeGreaterThan(50_000);
    });
  },
);
