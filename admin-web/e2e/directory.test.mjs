// End to end: the directory pages (workspaces, members, groups, users) and
// the activity log, in Debian's Chromium against the real local stack.
// Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchBrowser } from './browser.mjs';
import { startStack, webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots');

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const consoleLines = /** @type {string[]} */ ([]);
const pageErrors = /** @type {string[]} */ ([]);


const shot = (/** @type {string} */ name) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });

describe('admin site: directory and activity', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startStack();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('sign in through a deep link to the activity page', async () => {
    await page.goto(`${stack.adminURL}/activity`);
    await page.waitForURL(/\/sign-in\?next=%2Factivity$/);
    await page.getByLabel('Email').fill(stack.email);
    await page.getByLabel('Password').fill(stack.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/activity$/);
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Admin signed in' }).first();
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(stack.email.replace('.', '\\.')));
  });

  test('activity: filter by action and target type, reload keeps the filter', async () => {
    await page.getByLabel('Action', { exact: true }).selectOption('admin.login');
    await page.waitForURL(/action=admin\.login$/);
    await page.getByRole('row').filter({ hasText: 'Admin signed in' }).first().waitFor();
    await page.reload();
    assert.equal(await page.getByLabel('Action', { exact: true }).inputValue(), 'admin.login');
    await page.getByLabel('Target type').selectOption('workspace');
    await page.getByText('Nothing matches these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/\/activity$/);
    await page.getByRole('row').filter({ hasText: 'Admin signed in' }).first().waitFor();
    await shot('activity.png');
  });

  test('the pages broke no CSP rule and threw nothing', () => {
    assert.deepEqual(
      consoleLines.filter((l) => /Content Security Policy|Refused to/i.test(l)),
      [],
      'Content-Security-Policy violations',
    );
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  });
});
