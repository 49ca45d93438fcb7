/**
 * End-to-end check of the data-bias and mitigation HTML reports in a real headless Chromium (Debian's
 * /usr/bin/chromium driven by playwright-core; install it with scripts/system-deps.sh): each page
 * comes from the CLI command with --out, loads nothing, logs no errors, draws every chart with marks,
 * and shows a hostile group name as text. Screenshots go to test/.artifacts/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDataBias } from '../../src/cli/commands/data-bias.js';
import { runMitigate } from '../../src/cli/commands/mitigate.js';
import type { CliIo } from '../../src/cli/io.js';
import { captureIo } from '../../src/cli/test-io.fixture.js';
import { seededRng } from '../../src/core/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = resolve(ROOT, 'test/.artifacts');
const XSS = '<img src=x onerror=alert(1)>';
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing on CI; run scripts/system-deps.sh before the tests.`);
}

const io = (): CliIo => captureIo({ columns: 100 });

/** 500 rows: group "a" or the hostile name, x shifted by group, y depends on x, z is a pure proxy. */
function synth(n: number, seed: number): string {
  const rng = seededRng(seed);
  const lines = ['g,x,z,colour,y'];
  for (let i = 0; i < n; i++) {
    const b = rng.nextFloat64() < 0.35;
    const x = rng.nextFloat64() * 2 + (b ? 0.7 : 0);
    const z = (b ? 1 : 0) + 0.3 * rng.nextFloat64();
    const colour = rng.nextFloat64() < 0.5 ? 'red' : 'blue';
    const y = x + 0.8 * rng.nextFloat64() > 1.6 ? 'yes' : 'no';
    lines.push(`${b ? XSS : 'a'},${x.toFixed(4)},${z.toFixed(4)},${colour},${y}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Seen {
  console: string[];
  errors: string[];
  dialogs: string[];
  requests: string[];
}

async function open(context: BrowserContext, file: string): Promise<{ page: Page; seen: Seen }> {
  const url = pathToFileURL(file).href;
  const seen: Seen = { console: [], errors: [], dialogs: [], requests: [] };
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') seen.console.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('dialog', async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url() !== url) seen.requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, seen };
}

async function charts(page: Page) {
  return page.$$eval('figure svg[role="img"]', (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return {
        label: el.getAttribute('aria-label') ?? '',
        width: r.width,
        height: r.height,
        plotted: el.querySelectorAll(
          '.mark-rect path, .mark-line path, .mark-symbol path, .mark-rule line, .mark-text text',
        ).length,
      };
    }),
  );
}

describe.skipIf(!haveChromium)(
  `the data-bias and mitigation reports in headless Chromium (needs ${CHROMIUM})`,
  () => {
    let dir: string;
    let context: BrowserContext;
    let bias: { page: Page; seen: Seen };
    let mitig: { page: Page; seen: Seen };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'aequa-bm-reports-'));
      const train = join(dir, 'train.csv');
      const test = join(dir, 'test.csv');
      await writeFile(train, synth(500, 1));
      await writeFile(test, synth(400, 2));
      expect(
        await runDataBias(
          [
            train,
            '--label',
            'y',
            '--sensitive',
            'g',
            '--folds',
            '2',
            '--out',
            join(dir, 'bias'),
            '--no-ledger',
          ],
          io(),
        ),
      ).toBe(0);
      expect(
        await runMitigate(
          [
            train,
            '--test',
            test,
            '--label',
            'y',
            '--sensitive',
            'g',
            '--method',
            'reweighing,threshold-optimizer,exponentiated-gradient',
            '--eps',
            '0.02,0.08',
            '--choose',
            'pareto-knee',
            '--out',
            join(dir, 'mitig'),
            '--no-ledger',
          ],
          io(),
        ),
      ).toBe(0);
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
        viewport: { width: 1366, height: 900 },
        javaScriptEnabled: true,
      });
      bias = await open(context, join(dir, 'bias', 'report.html'));
      mitig = await open(context, join(dir, 'mitig', 'report.html'));
    }, 90_000);

    afterAll(async () => {
      await context?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('loads both reports with no console error, page error, dialog or request', () => {
      for (const s of [bias.seen, mitig.seen]) {
        expect(s.console).toEqual([]);
        expect(s.errors).toEqual([]);
        expect(s.dialogs).toEqual([]);
        expect(s.requests).toEqual([]);
      }
    });

    it('draws the four data-bias charts (representation, base rates, proxies, divergences) with marks', async () => {
      const c = await charts(bias.page);
      expect(c.map((x) => x.label.split(' ')[0])).toEqual(['Share', 'Label', 'Features', 'Largest']);
      for (const x of c) {
        expect(x.width, x.label).toBeGreaterThan(100);
        expect(x.height, x.label).toBeGreaterThan(40);
        expect(x.plotted, x.label).toBeGreaterThan(0);
      }
      // Two groups: two share bars and two reference ticks at 50% (uniform reference).
      const shareMarks = await bias.page.$$eval(
        'figure svg[role="img"]',
        (svgs) => svgs[0]!.querySelectorAll('.mark-rect.role-mark path').length,
      );
      expect(shareMarks).toBe(4);
    });

    it('ranks the pure proxy z first in the data-bias proxy table', async () => {
      const first = await bias.page
        .locator('#feature-0 table')
        .nth(1)
        .locator('tbody tr')
        .first()
        .locator('th')
        .textContent();
      expect(first).toBe('z');
    });

    it('draws the mitigation trade-off chart with one point per run and the chosen ring', async () => {
      const c = await charts(mitig.page);
      expect(c).toHaveLength(1);
      expect(c[0]!.label).toContain('Pareto-optimal');
      // Baseline + reweighing + threshold optimizer + EG at two slacks = 5 filled points, + 1 ring.
      const symbols = await mitig.page.$$eval('figure svg .mark-symbol.role-mark path', (e) => e.length);
      expect(symbols).toBe(6);
      const runs = await mitig.page.locator('#runs tbody tr').count();
      expect(runs).toBe(5);
    });

    it('shows the hostile group name as text and runs no script from it', async () => {
      const cell = bias.page.locator('#feature-0 table th[scope="row"]', { hasText: XSS });
      expect(await cell.count()).toBeGreaterThan(0);
      expect(await bias.page.evaluate(() => document.querySelectorAll('script, img').length)).toBe(0);
    });

    it('saves screenshots to test/.artifacts/', async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      for (const [name, p] of [
        ['data-bias-report.png', bias.page],
        ['mitigation-report.png', mitig.page],
      ] as const) {
        const png = await p.screenshot({ fullPage: true });
        await writeFile(join(ARTIFACTS, name), png);
        expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      }
      expect((await readFile(join(ARTIFACTS, 'mitigation-report.png'))).length).toBeGreaterThan(20_000);
    });
  },
);
