// End to end: the operations pages (Overview, System health, Settings), in
// Debian's Chromium against the real local stack.
// Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminCall, ok, servicePost } from './api.mjs';
import { closeSite, openSite } from './browser.mjs';
import { webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots');

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof import('./browser.mjs').launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageErrors = /** @type {string[]} */ ([]);
const suffix = randomBytes(3).toString('hex');

/**
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body]
 */
const admin = (method, url, body) => adminCall(page, method, url, body);

async function shot(/** @type {string} */ name) {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

async function signIn() {
  await page.getByLabel('Email').fill(stack.email);
  await page.getByLabel('Password').fill(stack.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** What a stat card shows, as a number. */
async function stat(/** @type {string} */ label) {
  const text = (await page.locator(`[data-stat="${label}"]`).textContent()) ?? '';
  return Number(text.replace(/[^0-9]/g, ''));
}

describe('admin site: overview, system health, settings', { timeout: 300_000 }, () => {
  /** @type {any} */
  let before_;
  const created = { users: 3, inactive: 1, workspaces: 2, groups: 3, apps: 1, resources: 2 };

  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { pageErrors }));
  });

  after(() => closeSite({ stack, browser }));

  test('seed: users, workspaces, groups, an app and its resources', async () => {
    await page.goto(`${stack.adminURL}/sign-in`);
    await signIn();
    await page.waitForURL((u) => u.pathname === '/');
    before_ = ok(await admin('GET', '/admin/stats'));
    const ws = [];
    for (let i = 0; i < created.workspaces; i++) {
      ws.push(ok(await admin('POST', '/admin/workspaces', { name: `Ops ${suffix} ${i}`, slug: `ops-${suffix}-${i}` })).id);
    }
    const users = [];
    for (let i = 0; i < created.users; i++) {
      users.push(ok(await admin('POST', `/admin/workspaces/${ws[0]}/members`, { email: `ops-${suffix}-${i}@example.com`, role: 'viewer' })).user_id);
    }
    ok(await admin('PATCH', `/admin/users/${users[2]}`, { is_active: false }));
    for (const [w, name] of [[ws[0], 'Readers'], [ws[0], 'Writers'], [ws[1], 'Readers']]) {
      ok(await admin('POST', `/admin/workspaces/${w}/groups`, { name: `${name} ${suffix}` }));
    }
    const app = ok(await admin('POST', '/admin/service-apps', { name: `Ops ${suffix}`, service_name: `ops-${suffix}`, allowed_origins: [] }));
    for (let i = 0; i < created.resources; i++) {
      ok(await servicePost(stack.apiURL, app.api_key, '/permissions/register', {
        service_name: `ops-${suffix}`, resource_type: 'doc', resource_id: randomUUID(), workspace_id: ws[0], owner_id: users[0],
      }));
    }
  });

  test('signing in lands on the Overview with real numbers and a drawn chart', async () => {
    await browser.context.clearCookies();
    await page.goto(`${stack.adminURL}/`);
    await page.waitForURL(/\/sign-in/);
    await signIn();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.locator('[data-stat="Users"]').waitFor();

    assert.equal(await stat('Users'), before_.users + created.users);
    assert.equal(await stat('Workspaces'), before_.workspaces + created.workspaces);
    assert.equal(await stat('Groups'), before_.groups + created.groups);
    assert.equal(await stat('Service apps'), before_.service_apps + created.apps);
    assert.equal(await stat('Resources'), before_.resources + created.resources);
    await page
      .getByText(`${before_.users_active + created.users - created.inactive} active · ${before_.users_inactive + created.inactive} inactive`)
      .waitFor();

    // The chart drew: a canvas of nonzero size, 30 days, today's bar the
    // entries the log holds for today (UTC).
    const chart = page.locator('.chart__canvas');
    await chart.locator('canvas').waitFor();
    const box = await chart.locator('canvas').boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `canvas ${JSON.stringify(box)}`);
    assert.equal(await chart.getAttribute('data-days'), '30');
    const today = new Date().toISOString().slice(0, 10);
    const log = ok(await admin('GET', `/admin/activity?limit=100&from=${today}`));
    // Seeding made at least 2 + 3 + 1 + 3 + 1 entries, and two sign-ins.
    assert.ok(log.items.length >= 12, `${log.items.length} entries today`);
    assert.equal(await chart.getAttribute('data-today'), String(log.items.length));
    assert.match((await chart.getAttribute('aria-label')) ?? '', new RegExp(`${log.items.length} today`));
    await page.getByText('time zone: UTC').waitFor();

    // The numbers behind the chart, by keyboard.
    const numbers = page.getByText('Show the numbers');
    await numbers.focus();
    await page.keyboard.press('Enter');
    const todayRow = page.getByRole('row').filter({ hasText: today });
    await todayRow.waitFor();
    assert.match((await todayRow.textContent()) ?? '', new RegExp(`${today}\\s*${log.items.length}$`));

    // Recent activity: the latest entries, linked to their targets.
    const recent = page.getByRole('list', { name: 'Latest activity entries' }).getByRole('listitem');
    assert.equal(await recent.count(), 5);
    await shot('overview.png');
    assert.deepEqual(pageErrors, []);
  });

  test('a count opens its page; the latest entry opens its target', async () => {
    await page.getByRole('link', { name: /^Workspaces\s*\d/ }).click();
    await page.waitForURL(/\/workspaces$/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    // The sign-in opens the Admins page; the app's creation opens the app.
    const latest = page.getByRole('list', { name: 'Latest activity entries' });
    assert.equal(await latest.getByRole('link', { name: stack.email }).first().getAttribute('href'), '/admins');
    await latest.locator('a[href^="/service-apps/"]').first().click();
    await page.waitForURL(/\/service-apps\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: `Ops ${suffix}`, level: 1 }).waitFor();
  });

  test('system health: every table, both key rings and the dev IdP are OK, no key material', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System health' }).click();
    await page.waitForURL(/\/health$/);
    await page.getByRole('heading', { name: 'System health', level: 1 }).waitFor();
    await page.getByText('Every component is OK.').waitFor();
    const tables = page.getByRole('list', { name: 'Tables' }).getByRole('listitem');
    assert.equal(await tables.count(), 7);
    assert.equal(await tables.filter({ hasText: 'OK' }).count(), 7);
    for (const ring of ['user', 'admin']) {
      const keys = page.getByRole('list', { name: `${ring} ring keys` }).getByRole('listitem');
      assert.equal(await keys.filter({ hasText: 'Current' }).count(), 1, `${ring} ring: one current key`);
    }
    const idp = page.getByRole('list', { name: 'Identity providers' }).getByRole('listitem').filter({ hasText: 'dev' });
    await idp.getByText('OK').waitFor();
    assert.match((await idp.textContent()) ?? '', /[1-9]\d* keys? cached/);
    const html = await page.content();
    for (const secret of ['PRIVATE KEY', '-----BEGIN']) assert.ok(!html.includes(secret), `the page holds ${secret}`);
    // Keyboard: the check runs again from the button.
    await page.getByRole('button', { name: 'Check again' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Every component is OK.').waitFor();
    await shot('system-health.png');
  });

  test("settings: the stack's configuration, read-only", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/settings$/);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const settings = ok(await admin('GET', '/admin/settings'));
    await page.getByText(`${settings.authz_resolve_per_minute} requests a minute per client IP`).waitFor();
    await page.getByText(`${settings.auth_failures_per_minute} a minute per client IP`, { exact: true }).waitFor();
    await page.getByText(settings.issuer, { exact: true }).waitFor();
    const dev = page.getByRole('definition').filter({ hasText: 'sentinel-dev' });
    assert.equal(await dev.count(), 1, "the dev IdP's audience");
    await page.getByText("The admin site's own origin only").waitFor();
    assert.equal(await page.getByRole('textbox').count(), 0, 'nothing to edit');
    await shot('settings.png');
    assert.deepEqual(pageErrors, []);
  });
});
