// End to end: every page of the admin site at 390×844 (a phone), with data
// that makes pages wide (long names, long emails, many columns), in Debian's
// Chromium against the real local stack. No page may scroll sideways, and no
// part of a page may hide a sideways scroll of its own (a table that only
// scrolls inside its card is not a phone layout).
//
// The pages come from the route table (src/config/paths.ts), so a page added
// there is visited here without editing this file; a page whose path has
// parameters needs its ids in PARAMS below, and the test fails until it has.
// Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminCall, ok, servicePost } from './api.mjs';
import { closeSite, openSite } from './browser.mjs';
import { webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots', 'phone');
const PHONE = { width: 390, height: 844 };

/**
 * Every client path pattern: those of src/config/paths.ts and any written as a
 * literal into the route table (src/app/router.tsx), in their order.
 */
export function routePatterns() {
  const files = [path.join('config', 'paths.ts'), path.join('app', 'router.tsx')];
  const patterns = files.flatMap((f) =>
    [...readFileSync(path.join(webRoot, 'src', f), 'utf8').matchAll(/\bpath:\s*'([^']+)'/g)].map((m) => m[1] ?? ''),
  );
  return [...new Set(patterns)];
}

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof import('./browser.mjs').launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageErrors = /** @type {string[]} */ ([]);

const suffix = randomBytes(3).toString('hex');
const ids = { workspace: '', role: '', group: '', serviceApp: '', user: '', permission: '' };

/**
 * Calls the admin API from the signed-in page (cookie session).
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body]
 */
const admin = (method, url, body) => adminCall(page, method, url, body);

/** Calls the API port as a backend, with a service key. */
const asService = (/** @type {string} */ key, /** @type {string} */ url, /** @type {unknown} */ body) =>
  servicePost(stack.apiURL, key, url, body);

/**
 * The concrete URL to visit for a path pattern, or null when the pattern has
 * parameters this test does not know.
 * @param {string} pattern
 */
function concrete(pattern) {
  /** @type {Record<string, string>} */
  const PARAMS = {
    '/service-apps/:id': `/service-apps/${ids.serviceApp}`,
    '/workspaces/:id': `/workspaces/${ids.workspace}`,
    '/workspaces/:id/roles/:rid': `/workspaces/${ids.workspace}/roles/${ids.role}`,
    '/workspaces/:id/groups/:gid': `/workspaces/${ids.workspace}/groups/${ids.group}`,
    '/permissions/:id': `/permissions/${ids.permission}`,
    '/users/:id': `/users/${ids.user}`,
  };
  if (!pattern.includes(':') && !pattern.includes('*')) return pattern;
  return PARAMS[pattern] ?? null;
}

/**
 * What overflows sideways: the document's scroll width, and every element that
 * scrolls (or clips) its content sideways, e.g. a table inside a scrolling card.
 */
async function measure() {
  return page.evaluate(() => {
    // Folded details count as unfolded: opening one must not widen the page.
    for (const d of document.querySelectorAll('details')) d.open = true;
    const hidden = [];
    for (const el of document.querySelectorAll('body *')) {
      if (!(el instanceof HTMLElement)) continue;
      if (el.matches('input, textarea, select, .visually-hidden, .visually-hidden *, .skip-link')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.position === 'fixed' || el.clientWidth <= 1) continue;
      if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') {
        // Text cut with an ellipsis on purpose is fine; a box wider than its frame is not.
        if (style.textOverflow === 'ellipsis' && el.children.length === 0) continue;
        hidden.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${el.scrollWidth}>${el.clientWidth}`);
      }
    }
    // The innermost elements that stick out on the right, to name the culprit.
    const limit = document.documentElement.clientWidth + 1;
    const wide = document.documentElement.scrollWidth > document.documentElement.clientWidth;
    const out = [...(wide ? document.querySelectorAll('body *') : [])]
      .filter((el) => el.getBoundingClientRect().right > limit && ![...el.children].some((c) => c.getBoundingClientRect().right > limit))
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} to ${Math.round(el.getBoundingClientRect().right)}`);
    return { width: document.documentElement.scrollWidth, hidden: [...hidden, ...out].slice(0, 5) };
  });
}

/** Waits until the page has rendered its content (no loading spinner left). */
async function settle() {
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('.spinner').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
  await page.waitForTimeout(100);
}

/** A screenshot for people to look at (not an assertion): a page whose web fonts never settle (the /docs page's Swagger UI) is skipped. */
async function shot(/** @type {string} */ name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true, timeout: 8_000 }).catch(() => {});
}

/** @param {string} pattern */
function fileName(pattern) {
  return `${pattern.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || 'home'}.png`;
}

describe('admin site on a phone (390×844)', { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { pageErrors }));
    await page.setViewportSize(PHONE);
  });

  after(() => closeSite({ stack, browser }));

  test('the route table lists the pages this test knows', () => {
    const patterns = routePatterns();
    for (const p of ['/', '/health', '/settings', '/sign-in', '/service-apps', '/workspaces/:id', '/workspaces/:id/roles/:rid', '/workspaces/:id/groups/:gid', '/activity']) {
      assert.ok(patterns.includes(p), `${p} missing from ${patterns.join(', ')}`);
    }
  });

  test('sign-in fits and works at 390 px', async () => {
    await page.goto(`${stack.adminURL}/sign-in`);
    await page.getByLabel('Email').waitFor();
    const m = await measure();
    assert.ok(m.width <= PHONE.width, `sign-in is ${m.width}px wide`);
    await shot('sign-in.png');
    await page.getByLabel('Email').fill(stack.email);
    await page.getByLabel('Password').fill(stack.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  });

  test('seed data that makes pages wide', async () => {
    const long = `Northwind Traders International Holdings ${suffix}`;
    const ws = ok(await admin('POST', '/admin/workspaces', { name: long, slug: `northwind-traders-international-${suffix}`, description: 'A workspace with a long name and a long description that wraps over several lines on a phone.' }));
    ids.workspace = ws.id;
    const app = ok(await admin('POST', '/admin/service-apps', { name: `Document Management Service ${suffix}`, service_name: `document-management-service-${suffix}`, allowed_origins: ['https://documents.northwind-traders.example.com'] }));
    ids.serviceApp = app.id;
    ok(
      await asService(app.api_key, '/roles/actions/register', {
        service_name: `document-management-service-${suffix}`,
        actions: [
          { action: 'document.attachment.download-original', description: 'Download the original file of an attachment, as it was uploaded' },
          { action: 'document.read' },
        ],
      }),
    );
    const people = [];
    for (const [i, name] of ['Maximilian Alexander von Hohenberg-Ostersund', ''].entries()) {
      const email = `maximilian.alexander.von.hohenberg-ostersund.${i}.${suffix}@northwind-traders.example.com`;
      const m = ok(await admin('POST', `/admin/workspaces/${ws.id}/members`, { email, role: i === 0 ? 'admin' : 'viewer' }));
      if (name) ok(await admin('PATCH', `/admin/users/${m.user_id}`, { name }));
      people.push(m.user_id);
    }
    ids.user = people[0] ?? '';
    const group = ok(await admin('POST', `/admin/workspaces/${ws.id}/groups`, { name: `Regional sales managers EMEA ${suffix}`, description: 'Everyone who signs off on regional contracts' }));
    ok(await admin('POST', `/admin/groups/${group.id}/members/${ids.user}`));
    ids.group = group.id;
    const role = ok(await admin('POST', `/admin/workspaces/${ws.id}/roles`, { name: `Contract reviewers and approvers ${suffix}`, description: 'May read and download every contract' }));
    ids.role = role.id;
    const actions = ok(await admin('GET', `/admin/service-actions?service_name=document-management-service-${suffix}`));
    ok(await admin('POST', `/admin/roles/${role.id}/actions`, { service_action_ids: actions.items.map((/** @type {{id: string}} */ a) => a.id) }));
    ok(await admin('POST', `/admin/roles/${role.id}/members/${ids.user}`));
    const resourceId = randomUUID();
    ok(
      await asService(app.api_key, '/permissions/register', {
        service_name: `document-management-service-${suffix}`,
        resource_type: 'contract-attachment',
        resource_id: resourceId,
        workspace_id: ws.id,
        owner_id: ids.user,
        visibility: 'private',
      }),
    );
    const records = ok(await admin('GET', `/admin/permissions?workspace_id=${ws.id}`));
    ids.permission = records.items[0]?.id ?? '';
    assert.ok(ids.permission, 'the registered resource is listed');
  });

  test('every page of the route table fits 390 px', async () => {
    assert.ok(Object.values(ids).every(Boolean), `seeded ids: ${JSON.stringify(ids)}`);
    const patterns = routePatterns().filter((p) => p !== '/sign-in');
    const unknown = patterns.filter((p) => concrete(p) === null && p !== '*');
    assert.deepEqual(unknown, [], 'pages with path parameters this test cannot fill: add them to PARAMS');
    const pages = [...patterns.filter((p) => p !== '*').map((p) => ({ pattern: p, url: concrete(p) ?? '' })), { pattern: 'not-found', url: '/no-such-page' }];
    /** @type {string[]} */
    const failures = [];
    const check = async (/** @type {string} */ url, /** @type {string} */ name) => {
      await page.goto(`${stack.adminURL}${url}`);
      await settle();
      assert.ok(!page.url().includes('/sign-in'), `${url} sent us to sign in`);
      const m = await measure();
      await shot(name);
      if (m.width > PHONE.width || m.hidden.length > 0) failures.push(`${url}: ${m.width}px ${m.hidden.join(', ')}`);
    };
    let tabsSeen = 0;
    for (const { pattern, url } of pages) {
      await check(url, fileName(pattern));
      // A page in sections (tabs as links) is visited section by section.
      const tabs = await page.locator('nav.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      for (const href of tabs.filter((h) => h.includes('?'))) {
        tabsSeen++;
        await check(href, fileName(`${pattern}-${href.split('?')[1]}`));
      }
    }
    assert.ok(tabsSeen >= 4, `the workspace page's sections were visited (${tabsSeen})`);
    assert.deepEqual(failures, [], 'pages wider than a phone');
    assert.deepEqual(pageErrors, []);
  });

  test('an open picker, a selection with its bulk bar and the bulk confirmation fit 390 px', async () => {
    /** @type {string[]} */
    const failures = [];
    const check = async (/** @type {string} */ state) => {
      const m = await measure();
      await shot(`${state}.png`);
      if (m.width > PHONE.width || m.hidden.length > 0) failures.push(`${state}: ${m.width}px ${m.hidden.join(', ')}`);
    };
    await page.goto(`${stack.adminURL}/workspaces/${ids.workspace}?tab=members`);
    await settle();
    const members = page.getByRole('region', { name: /^Members/ });
    // The users picker, open on long names and emails.
    const combo = members.getByRole('combobox', { name: 'Email' });
    await combo.fill('maximilian');
    await page.getByRole('listbox', { name: 'Matches' }).getByRole('option').nth(1).waitFor();
    await check('picker-open');
    await combo.press('Escape');
    // Two rows selected: the bulk bar, then its confirmation naming them.
    const boxes = members.getByRole('checkbox', { name: /^Select maximilian/ });
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    const bar = members.getByRole('region', { name: 'Selected members' });
    await bar.waitFor();
    await check('bulk-bar');
    await bar.getByRole('button', { name: 'Remove 2 members…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Remove 2 members?' });
    await confirm.waitFor();
    await check('bulk-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    // The group page's picker (workspace members).
    await page.goto(`${stack.adminURL}/workspaces/${ids.workspace}/groups/${ids.group}`);
    await settle();
    await page.getByRole('combobox', { name: 'Workspace member to add' }).fill('maximilian');
    await page.getByRole('listbox', { name: 'Matches' }).getByRole('option').nth(1).waitFor();
    await check('group-picker-open');
    assert.deepEqual(failures, [], 'states wider than a phone');
  });

  test('navigation sits behind a menu button and reaches every section', async () => {
    await page.goto(`${stack.adminURL}/workspaces`);
    await settle();
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.equal(await nav.isVisible(), false, 'the navigation is folded away on a phone');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await nav.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(/\/users$/);
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    assert.equal(await nav.isVisible(), false, 'following a link folds the menu again');
    await menu.click();
    await page.keyboard.press('Escape');
    assert.equal(await nav.isVisible(), false, 'Escape folds the menu');
    assert.equal(await menu.evaluate((el) => el === document.activeElement), true, 'focus returns to the menu button');
  });

  test('the colours follow the system dark scheme', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const luminance = (/** @type {string} */ rgb) => {
      const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${stack.adminURL}/workspaces/${ids.workspace}?tab=members`);
    await settle();
    assert.ok(luminance(await background()) > 200, `light background ${await background()}`);
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.ok(luminance(await background()) < 40, `dark background ${await background()}`);
    const text = await page.evaluate(() => getComputedStyle(document.querySelector('h1') ?? document.body).color);
    assert.ok(luminance(text) > 200, `light text on dark: ${text}`);
    await shot('dark-workspace-members.png');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('at desktop width the navigation is always shown', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${stack.adminURL}/workspaces`);
    await settle();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), true);
    assert.equal(await page.getByRole('button', { name: 'Menu' }).isVisible(), false);
    await page.setViewportSize(PHONE);
  });
});
