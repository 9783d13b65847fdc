// End to end: the seed's "Creating a Service App" steps and the key
// lifecycle, in Debian's Chromium against the real local stack.
// Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminCall } from './api.mjs';
import { closeSite, openSite } from './browser.mjs';
import { webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots');
const KEY_PATTERN = /^sk_(test|live)_[A-Za-z0-9_-]{43}$/;
// Revocation reaches every running function within at most 5 s (api.md §3).
const PROPAGATION_MS = 8_000;

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof import('./browser.mjs').launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** Everything the page printed, to prove no key reaches the console. */
const consoleLines = /** @type {string[]} */ ([]);
const pageErrors = /** @type {string[]} */ ([]);
/** Every plaintext key seen in a one-time panel. */
const keys = /** @type {string[]} */ ([]);

const suffix = randomBytes(3).toString('hex');
const app = { name: `Docu Store ${suffix}`, serviceName: `docu-store-${suffix}`, id: '' };

/**
 * @param {string | null} key
 * @returns {Promise<{status: number, body: any}>}
 */
async function whoami(key) {
  const res = await fetch(`${stack.apiURL}/service/whoami`, { headers: key ? { 'X-Service-Key': key } : {} });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Polls whoami until it answers status (revocations may take a few seconds). */
async function expectWhoami(/** @type {string} */ key, /** @type {number} */ status) {
  const deadline = Date.now() + PROPAGATION_MS;
  let got = await whoami(key);
  while (got.status !== status && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    got = await whoami(key);
  }
  assert.equal(got.status, status, `whoami with ${key.slice(0, 12)}…: got ${got.status} ${JSON.stringify(got.body)}, want ${status}`);
  return got.body;
}

/** Reads the key from the open one-time panel, checks it cannot be dismissed unacknowledged, then closes it. */
async function takeKeyFromPanel(/** @type {string | null} */ screenshot) {
  const dialog = page.getByRole('dialog', { name: /copy (its|the new) API key/ });
  await dialog.waitFor();
  const key = (await dialog.getByLabel(/API key for/).textContent())?.trim() ?? '';
  assert.match(key, KEY_PATTERN);
  keys.push(key);
  await dialog.getByText('You will not see this key again.').waitFor();
  if (screenshot) await page.screenshot({ path: path.join(SCREENSHOTS, screenshot) });

  // Neither Escape nor Done closes it before the admin acknowledges.
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.getByText('Confirm that you have stored the key').waitFor();
  assert.equal(await dialog.isVisible(), true);

  await dialog.getByLabel('I have copied this key and stored it somewhere safe.').check();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  // Gone from the page, and never kept by the browser.
  assert.equal((await page.content()).includes(key), false, 'the key is still in the page');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.equal(stored.includes(key), false, 'the key is in web storage');
  assert.equal(page.url().includes(key), false, 'the key is in the URL');
  return key;
}

describe('admin site: service apps', { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { pageErrors, consoleLines }));
  });

  after(() => closeSite({ stack, browser }));

  test('a deep link asks for sign-in, refuses a wrong password, then returns to the page', async () => {
    await page.goto(`${stack.adminURL}/service-apps`);
    await page.waitForURL(/\/sign-in\?next=%2Fservice-apps$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in.png') });
    await page.getByLabel('Email').fill(stack.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();

    await page.getByLabel('Password').fill(stack.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/service-apps$/);
    await page.getByRole('heading', { name: 'Service apps', level: 1 }).waitFor();
  });

  test('create: validation in place, then the key is shown once and works', async () => {
    await page.getByRole('button', { name: 'Create service app' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create service app' });
    await dialog.getByLabel('Display name').fill(app.name);
    await dialog.getByLabel('Service name').fill('Docu_Store');
    await dialog.getByLabel('Allowed origins (optional)').fill('https://docs.example.com/');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Use lowercase letters, digits and hyphens').waitFor();
    await dialog.getByText('Remove the trailing slash').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'create-dialog-errors.png') });

    await dialog.getByLabel('Service name').fill(app.serviceName);
    await dialog.getByLabel('Allowed origins (optional)').fill(`https://docs-${suffix}.example.com\nhttp://localhost:3000`);
    await dialog.getByRole('button', { name: 'Create' }).click();

    const key = await takeKeyFromPanel('one-time-key-panel.png');
    const me = await expectWhoami(key, 200);
    assert.equal(me.service_name, app.serviceName);

    const row = page.getByRole('row').filter({ hasText: app.serviceName });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Active/);
    assert.match((await row.textContent()) ?? '', new RegExp(key.slice(0, 12)));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'service-apps-list.png'), fullPage: true });
  });

  test('create by keyboard alone: a taken service name is reported next to the field', async () => {
    const opener = page.getByRole('button', { name: 'Create service app' }).first();
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create service app' });
    const field = dialog.getByLabel('Service name');
    // Focus starts in the first field; Tab moves on; Enter submits.
    await page.keyboard.type('Duplicate');
    await page.keyboard.press('Tab');
    assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'Tab reaches the service name');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(app.serviceName);
    await page.keyboard.press('Enter');
    await page.waitForFunction((el) => el?.getAttribute('aria-invalid') === 'true', await field.elementHandle());
    assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'focus moves to the field in error');
    const described = await field.getAttribute('aria-describedby');
    const message = await page.locator(`[id="${described?.split(' ').pop()}"]`).textContent();
    assert.match(message ?? '', /taken|exists|already/i, 'the conflict is explained next to the service name');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'create-conflict.png') });
    // Tab stays inside the dialog; Escape closes it and focus returns to the opener.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      assert.equal(await dialog.evaluate((el) => el.contains(document.activeElement)), true, 'focus left the dialog');
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await opener.evaluate((el) => el === document.activeElement), true, 'focus returns to the Create button');
  });

  test('search: the start of a name or service name finds an app, on the server', async () => {
    const other = { name: `Billing ${suffix}`, service_name: `billing-${suffix}` };
    const created = await adminCall(page, 'POST', '/admin/service-apps', other);
    assert.equal(created.status, 201);
    const search = page.getByRole('searchbox', { name: 'Search service apps' });
    const submit = page.getByRole('button', { name: 'Search', exact: true });
    const rows = page.getByRole('table', { name: 'Service apps' }).getByRole('row');

    // The start of a name (any case): only that app; the URL keeps the search.
    await search.fill(`DOCU STORE ${suffix}`);
    await submit.click();
    await page.waitForURL(/\?q=DOCU/);
    await rows.filter({ hasText: app.serviceName }).waitFor();
    assert.equal(await rows.filter({ hasText: other.service_name }).count(), 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'service-apps-search.png') });

    // The start of a service name.
    await search.fill(`billing-${suffix}`);
    await submit.click();
    await rows.filter({ hasText: other.service_name }).waitFor();
    assert.equal(await rows.filter({ hasText: app.serviceName }).count(), 0);

    // Nothing found says so; Clear shows every app again.
    await search.fill(`nothing-${suffix}`);
    await submit.click();
    await page.getByRole('heading', { name: `No service app matches “nothing-${suffix}”` }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL(/\/service-apps$/);
    await rows.filter({ hasText: other.service_name }).waitFor();
    await rows.filter({ hasText: app.serviceName }).waitFor();
  });

  test('detail: a deep link reloads, and rename works', async () => {
    await page.getByRole('link', { name: app.name }).click();
    await page.waitForURL(/\/service-apps\/[0-9a-f-]{36}$/);
    app.id = page.url().split('/').pop() ?? '';
    await page.reload();
    await page.getByRole('heading', { name: app.name, level: 1 }).waitFor();

    const renamed = `${app.name} (renamed)`;
    await page.getByLabel('Display name').fill(renamed);
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: renamed, level: 1 }).waitFor();
    app.name = renamed;
  });

  test('detail: allowed origins are validated, saved, and a taken origin is reported in place', async () => {
    const origins = page.getByRole('region', { name: 'Allowed origins' });
    const input = origins.getByLabel('Add an origin');
    const add = origins.getByRole('button', { name: 'Add', exact: true });
    await input.fill('https://app.example.com/path');
    await add.click();
    await origins.getByText('Remove the path').waitFor();

    const mine = `https://admin-${suffix}.example.com`;
    await input.fill(mine);
    await add.click();
    await origins.getByRole('button', { name: 'Remove http://localhost:3000' }).click();
    await origins.getByRole('button', { name: 'Save origins' }).click();
    await origins.getByText('Allowed origins saved.').waitFor();
    await page.reload();
    const saved = origins.getByRole('list', { name: 'Allowed origins' }).getByRole('listitem');
    await saved.filter({ hasText: mine }).waitFor();
    assert.equal(await saved.filter({ hasText: 'http://localhost:3000' }).count(), 0);

    // An origin belongs to one app only: another app holds this one.
    const taken = `https://taken-${suffix}.example.com`;
    const other = await page.evaluate(async (/** @type {string} */ origin) => {
      const res = await fetch('/admin/service-apps', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        body: JSON.stringify({ name: 'Other', service_name: `other-${origin.slice(14, 20)}`, allowed_origins: [origin] }),
      });
      const body = /** @type {{ id: string }} */ (await res.json());
      return { status: res.status, id: body.id };
    }, taken);
    assert.equal(other.status, 201);
    await input.fill(taken);
    await add.click();
    await origins.getByRole('button', { name: 'Save origins' }).click();
    await origins.getByRole('alert').filter({ hasText: /origin/i }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'origin-conflict.png'), fullPage: true });
    await origins.getByRole('button', { name: 'Discard changes' }).click();
    const deleted = await page.evaluate(async (/** @type {string} */ id) => {
      const res = await fetch(`/admin/service-apps/${id}`, { method: 'DELETE', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      return res.status;
    }, other.id);
    assert.equal(deleted, 204);
  });

  test('detail: an app without client ids is flagged; client ids are validated, saved, and a taken one is reported in place', async () => {
    const header = page.locator('.page-header');
    const section = page.getByRole('region', { name: 'Identity provider client ids' });
    await header.getByText('Not bound to a client id').waitFor();
    await section.getByText('Not bound to a client id.').waitFor();

    const add = section.getByRole('button', { name: 'Add client id' });
    await section.getByLabel('Provider').fill('Google');
    await section.getByLabel('Client id', { exact: true }).fill('has space');
    await add.click();
    await section.getByText('lowercase letters, digits, _ and -', { exact: false }).waitFor();
    await section.getByText('A client id cannot contain spaces or control characters.').waitFor();

    const web = `web-${suffix}.apps.googleusercontent.com`;
    await section.getByLabel('Provider').fill('google');
    await section.getByLabel('Client id', { exact: true }).fill(web);
    await add.click();
    await section.getByLabel('Client id', { exact: true }).fill(`mobile-${suffix}`);
    await add.click();
    await section.getByRole('button', { name: `Remove mobile-${suffix} (google)` }).click();
    await section.getByRole('button', { name: 'Save client ids' }).click();
    await section.getByText('Client ids saved.').waitFor();
    await header.getByText('Not bound to a client id').waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'client-ids.png'), fullPage: true });

    // Stored as the API shows it, after a reload too.
    await page.reload();
    await section.getByRole('list', { name: 'Client ids' }).getByText(web).waitFor();
    assert.equal(await header.getByText('Not bound to a client id').count(), 0);
    const stored = await page.evaluate(async (/** @type {string} */ id) => {
      const res = await fetch(`/admin/service-apps/${id}`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      return (await res.json()).idp_client_ids;
    }, app.id);
    assert.deepEqual(stored, { google: [web] });

    // A client id belongs to one app: another app lists this one.
    const taken = `taken-${suffix}.apps.googleusercontent.com`;
    const other = await page.evaluate(async (/** @type {string[]} */ [clientId, name]) => {
      const res = await fetch('/admin/service-apps', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        body: JSON.stringify({ name: 'Bound', service_name: name, idp_client_ids: { google: [clientId] } }),
      });
      const body = /** @type {{ id: string }} */ (await res.json());
      return { status: res.status, id: body.id };
    }, [taken, `bound-${suffix}`]);
    assert.equal(other.status, 201);
    await section.getByLabel('Provider').fill('google');
    await section.getByLabel('Client id', { exact: true }).fill(taken);
    await add.click();
    await section.getByRole('button', { name: 'Save client ids' }).click();
    await section.getByRole('alert').filter({ hasText: `Client id '${taken}' of provider 'google' is already used by another service app` }).waitFor();
    await section.getByRole('button', { name: 'Discard changes' }).click();

    // The list flags an unbound app and counts the client ids of bound ones.
    const plain = await page.evaluate(async (/** @type {string} */ name) => {
      const res = await fetch('/admin/service-apps', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        body: JSON.stringify({ name: 'Plain', service_name: name }),
      });
      return /** @type {{ id: string }} */ (await res.json()).id;
    }, `plain-${suffix}`);
    await page.getByRole('link', { name: 'Service apps' }).first().click();
    const row = page.getByRole('row').filter({ hasText: app.serviceName });
    await row.waitFor();
    assert.equal(await row.getByText('Not bound to a client id').count(), 0);
    assert.equal((await row.getByRole('cell').nth(5).textContent())?.trim(), '1');
    await page.getByRole('row').filter({ hasText: `plain-${suffix}` }).getByText('Not bound to a client id').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'service-apps-unbound.png'), fullPage: true });
    for (const id of [other.id, plain]) {
      const deleted = await page.evaluate(async (/** @type {string} */ id) => {
        const res = await fetch(`/admin/service-apps/${id}`, { method: 'DELETE', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
        return res.status;
      }, id);
      assert.equal(deleted, 204);
    }
    await page.getByRole('link', { name: app.name }).click();
    await page.getByRole('heading', { name: app.name, level: 1 }).waitFor();
  });

  test('regenerate with a 1 hour grace: both keys work until the grace is ended early', async () => {
    const [oldKey] = keys.slice(-1);
    assert.ok(oldKey);
    await page.getByRole('button', { name: 'Regenerate key' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate API key' });
    await dialog.getByLabel('1 hour').check();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'regenerate-dialog.png') });
    await dialog.getByRole('button', { name: 'Regenerate key' }).click();
    await page.getByText('The previous key keeps working until').waitFor();
    const newKey = await takeKeyFromPanel(null);

    await expectWhoami(newKey, 200);
    await expectWhoami(oldKey, 200);
    await page.getByText(/Previous · stops in/).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'service-app-grace.png') });

    await page.getByRole('button', { name: 'End grace period now' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'End the grace period now?' });
    await confirm.getByRole('button', { name: 'End grace period' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByText('no longer works').waitFor();
    await expectWhoami(oldKey, 401);
    await expectWhoami(newKey, 200);
  });

  test('regenerate without grace: the old key is refused at once', async () => {
    const [oldKey] = keys.slice(-1);
    assert.ok(oldKey);
    await page.getByRole('button', { name: 'Regenerate key' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate API key' });
    assert.equal(await dialog.getByLabel(/^None/).isChecked(), true, 'no grace is the default');
    await dialog.getByRole('button', { name: 'Regenerate key' }).click();
    await page.getByText('The previous key has stopped working.').waitFor();
    const newKey = await takeKeyFromPanel(null);
    await expectWhoami(oldKey, 401);
    await expectWhoami(newKey, 200);
  });

  test('deactivate (confirmed) refuses the key; activate accepts it again', async () => {
    const [key] = keys.slice(-1);
    assert.ok(key);
    await page.getByRole('button', { name: 'Deactivate' }).click();
    const confirm = page.getByRole('alertdialog', { name: /^Deactivate/ });
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByText('This app is inactive.').waitFor();
    await expectWhoami(key, 401);

    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('alertdialog', { name: /^Activate/ }).getByRole('button', { name: 'Activate' }).click();
    await page.getByText('This app is inactive.').waitFor({ state: 'detached' });
    await expectWhoami(key, 200);

    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('alertdialog', { name: /^Deactivate/ }).getByRole('button', { name: 'Deactivate' }).click();
    await page.getByText('This app is inactive.').waitFor();
    await expectWhoami(key, 401);
  });

  test('an expired session returns to sign-in with a message, then back to the page', async () => {
    await browser.context.clearCookies();
    await page.getByRole('link', { name: 'Service apps' }).first().click();
    await page.waitForURL(/\/sign-in/);
    await page.getByText('Your session has expired.').waitFor();
    await page.getByLabel('Email').fill(stack.email);
    await page.getByLabel('Password').fill(stack.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/service-apps$/);
    await page.getByRole('row').filter({ hasText: app.serviceName }).waitFor();
  });

  test('delete requires typing the service name', async () => {
    const [key] = keys.slice(-1);
    assert.ok(key);
    await page.goto(`${stack.adminURL}/service-apps/${app.id}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: /^Delete/ });
    const confirm = dialog.getByRole('button', { name: 'Delete service app' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByText('is purged with it', { exact: false }).waitFor();
    await dialog.getByLabel(`Type ${app.serviceName} to confirm`).fill(app.serviceName);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'delete-dialog.png') });
    await confirm.click();
    await page.waitForURL(/\/service-apps$/);
    await page.getByText(`Service app ${app.name} (${app.serviceName}) was deleted.`).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: app.serviceName }).count(), 0);
    await expectWhoami(key, 401);
  });

  test('sign out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByText('You have signed out.').waitFor();
    const me = await page.evaluate(async () => (await fetch('/admin/auth/me', { headers: { 'X-Requested-With': 'XMLHttpRequest' } })).status);
    assert.equal(me, 401);
  });

  test('no key reached the console, and the page broke no CSP rule', () => {
    const all = consoleLines.join('\n');
    for (const key of keys) assert.equal(all.includes(key), false, 'a key was printed to the console');
    assert.deepEqual(
      consoleLines.filter((l) => /Content Security Policy|Refused to/i.test(l)),
      [],
      'Content-Security-Policy violations',
    );
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  });
});
