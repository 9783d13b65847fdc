// Debian's Chromium driven by playwright-core (a browser download is not
// possible here), with the flags this machine needs and a fresh profile.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack } from './stack.mjs';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @returns {Promise<{ context: import('playwright-core').BrowserContext, close: () => Promise<void> }>} */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'sentinel-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * openSite starts what an e2e file drives: a local stack and a browser page
 * on its admin site, with screenshots going to dir. The page's uncaught
 * errors and console lines go to the arrays given.
 * @param {string} dir
 * @param {{ timeout?: number, permissions?: string[], pageErrors?: string[], consoleLines?: string[] }} [options]
 */
export async function openSite(dir, { timeout = 15_000, permissions, pageErrors, consoleLines } = {}) {
  mkdirSync(dir, { recursive: true });
  const stack = await startStack();
  const browser = await launchBrowser();
  if (permissions) await browser.context.grantPermissions(permissions, { origin: stack.adminURL });
  const page = await browser.context.newPage();
  page.setDefaultTimeout(timeout);
  if (pageErrors) page.on('pageerror', (e) => pageErrors.push(String(e)));
  if (consoleLines) page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  return { stack, browser, page };
}

/**
 * closeSite ends what openSite started (either may be missing when it failed).
 * @param {{ stack?: { stop: () => Promise<void> }, browser?: { close: () => Promise<void> } }} site
 */
export async function closeSite({ stack, browser }) {
  await browser?.close();
  await stack?.stop();
}
