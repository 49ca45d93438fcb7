/**
 * The explanation pictures (src/explain/plots) in a real headless Chromium (Debian's /usr/bin/chromium
 * driven by playwright-core): an HTML page with every SVG inline loads with no console or page errors,
 * each SVG also parses as a standalone image/svg+xml document, the marks have real rendered boxes, and
 * a hostile feature name stays text. A screenshot goes to test/.artifacts/explain-plots.png.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  barSummarySvg,
  beeswarmSvg,
  dependenceSvg,
  forceSvg,
  meanAbsShap,
  type PartialDependence,
  partialDependenceSvg,
  textHighlightSvg,
  waterfallSvg,
} from '../../src/explain/index.js';
import { CHROMIUM, type ChromiumPage, haveChromium, openInChromium } from './chromium.fixture.js';

const ARTIFACTS = resolve(import.meta.dirname, '../.artifacts');
const XSS = '<script>alert(1)</script>';

const EXPL = {
  featureNames: ['income', 'debt', 'age', XSS],
  rows: Array.from({ length: 40 }, (_, i) => {
    const a = new Float64Array([
      Math.sin(i) * 0.3,
      -0.1 + (i % 5) * 0.03,
      Math.cos(i * 0.7) * 0.15,
      (i % 3) * 0.02 - 0.02,
    ]);
    return {
      row: i,
      prediction: 0.5 + a[0]! + a[1]! + a[2]! + a[3]!,
      baseValue: 0.5,
      attributions: a,
      values: [20000 + i * 1000, (i % 10) / 10, 20 + i, i % 2 ? XSS : 'b'],
    };
  }),
};

const PD: PartialDependence = {
  kind: 'partialDependence',
  feature: 'age',
  featureKind: 'number',
  grid: [20, 30, 40, 50],
  average: new Float64Array([0.2, 0.3, 0.45, 0.5]),
  rows: Uint32Array.of(0, 1),
  ice: new Float64Array([0.1, 0.2, 0.4, 0.45, 0.3, 0.4, 0.5, 0.55]),
  output: { scale: 'probability', classLabel: 'yes' },
};

function pictures(): string[] {
  return [
    waterfallSvg(EXPL, { row: 0 }),
    forceSvg(EXPL, { row: 1 }),
    barSummarySvg(meanAbsShap(EXPL).map((f) => ({ label: f.feature, value: f.meanAbs }))),
    beeswarmSvg(EXPL),
    dependenceSvg(EXPL, 'income'),
    partialDependenceSvg(PD),
    textHighlightSvg(['not', XSS, 'good'], [-0.4, 0.1, 0.3]),
  ];
}

describe.skipIf(!haveChromium)(`explanation pictures in headless Chromium (needs ${CHROMIUM})`, () => {
  let dir: string;
  let chrome: ChromiumPage;
  const svgs = pictures();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aequa-explain-'));
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>plots</title></head><body>${svgs
      .map((s, i) => `<figure id="p${i}">${s}</figure>`)
      .join('\n')}</body></html>`;
    const file = join(dir, 'plots.html');
    await writeFile(file, html, 'utf8');
    chrome = await openInChromium(dir, file, { width: 900, height: 900 });
  }, 60_000);

  afterAll(async () => {
    await chrome?.context.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads with no console errors, no page errors, no dialog and no injected script', async () => {
    expect(chrome.consoleErrors).toEqual([]);
    expect(chrome.pageErrors).toEqual([]);
    expect(chrome.dialogs).toEqual([]);
    const page = chrome.page;
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
  });

  it('parses every picture as a standalone SVG document without a parser error', async () => {
    const page = chrome.page;
    const errors = await page.evaluate((list) => {
      return list.map((s) => {
        const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
        const err = doc.getElementsByTagName('parsererror')[0];
        return err ? err.textContent : doc.documentElement.nodeName;
      });
    }, svgs);
    expect(errors).toEqual(Array(svgs.length).fill('svg'));
  });

  it('renders marks with real boxes, bar widths in proportion to their attributions', async () => {
    const page = chrome.page;
    const bars = await page.$$eval('#p0 rect.bar', (els) =>
      els.map((el) => ({
        w: (el as SVGGraphicsElement).getBBox().width,
        a: Number(el.getAttribute('data-attribution')),
      })),
    );
    expect(bars.length).toBe(4);
    const k = bars[0]!.w / Math.abs(bars[0]!.a);
    // Rendered boxes come from attributes rounded to 0.01 px.
    for (const b of bars) expect(Math.abs(b.w - k * Math.abs(b.a))).toBeLessThan(0.05);
    const figures = await page.$$eval('figure svg', (els) =>
      els.map((el) => el.getBoundingClientRect().height),
    );
    expect(figures.length).toBe(svgs.length);
    for (const h of figures) expect(h).toBeGreaterThan(50);
  });

  it('shows the hostile feature name as text', async () => {
    const page = chrome.page;
    const texts = await page.$$eval('#p0 text', (els) => els.map((e) => e.textContent));
    expect(texts.some((t) => t?.startsWith(XSS))).toBe(true);
  });

  it('saves a screenshot to test/.artifacts/explain-plots.png', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const png = await chrome.page.screenshot({ fullPage: true });
    await writeFile(join(ARTIFACTS, 'explain-plots.png'), png);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
