/**
 * Shared setup for the explanation e2e tests that drive Debian's /usr/bin/chromium through
 * playwright-core: launch a headless persistent context, record console errors, page errors,
 * dialogs and requests on its first page, then open a file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Path of the system Chromium the e2e tests drive. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether {@link CHROMIUM} exists; on CI its absence is an error rather than a skip. */
export const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing on CI; run scripts/system-deps.sh before the tests.`);
}

/** A page opened in headless Chromium with what it reported while loading. */
export interface ChromiumPage {
  context: BrowserContext;
  page: Page;
  /** The file:// URL that was opened. */
  url: string;
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  requests: string[];
}

/**
 * Launches headless Chromium with its profile under `dir`, listens for console errors, page errors,
 * dialogs (dismissed) and requests, and loads `file`.
 *
 * @example
 * const { page, consoleErrors } = await openInChromium(dir, join(dir, 'plots.html'), { width: 900, height: 900 });
 * // consoleErrors → [] for a clean page
 */
export async function openInChromium(
  dir: string,
  file: string,
  viewport: { width: number; height: number },
): Promise<ChromiumPage> {
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const opened: ChromiumPage = {
    context,
    page,
    url: pathToFileURL(file).href,
    consoleErrors: [],
    pageErrors: [],
    dialogs: [],
    requests: [],
  };
  page.on('console', (m) => {
    if (m.type() === 'error') opened.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => opened.pageErrors.push(e.message));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', async (d) => {
    opened.dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(opened.url, { waitUntil: 'load' });
  return opened;
}
