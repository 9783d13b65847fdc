// End to end: the Permissions list (issue 15, item 5) in Debian's Chromium
// against the real local stack: a list on arrival (the first workspace
// chosen), owners by name, short ids with a copy button, filters applied as
// they change and kept in the URL, and the page at 390×844.
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
/** The admin list requests the page made, by their query. */
const listRequests = /** @type {string[]} */ ([]);

const suffix = randomBytes(3).toString('hex');
const service = `docs-${suffix}`;
const ada = { email: `ada-${suffix}@example.com`, name: `Ada Lovelace ${suffix}`, id: '' };
const nameless = { email: `nameless-${suffix}@example.com`, id: '' };
const stranger = randomUUID(); // an owner the directory does not know
/** @type {{ id: string, name: string }[]} */
const workspaces = [];
const resources = { adas: randomUUID(), namelesss: randomUUID(), strangers: randomUUID(), sheet: randomUUID(), other: randomUUID() };

/**
 * Calls the admin API from the signed-in page (cookie session).
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body]
 */
const admin = (method, url, body) => adminCall(page, method, url, body);

const rowOf = (/** @type {string} */ resourceId) => page.getByRole('row').filter({ hasText: resourceId });

describe('admin site: the Permissions list', { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { permissions: ['clipboard-read', 'clipboard-write'], pageErrors }));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/admin/permissions') listRequests.push(u.search);
    });
  });

  after(() => closeSite({ stack, browser }));

  test('sign in and seed two workspaces with resources', async () => {
    await page.goto(`${stack.adminURL}/sign-in`);
    await page.getByLabel('Email').fill(stack.email);
    await page.getByLabel('Password').fill(stack.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));

    for (const n of ['Alpha', 'Beta']) ok(await admin('POST', '/admin/workspaces', { name: `${n} ${suffix}`, slug: `${n.toLowerCase()}-${suffix}` }));
    // The site's "first workspace" is the first the admin list answers.
    for (const w of ok(await admin('GET', '/admin/workspaces')).items) workspaces.push({ id: w.id, name: w.name });
    const [first, second] = workspaces;
    assert.ok(first && second);
    ada.id = ok(await admin('POST', `/admin/workspaces/${first.id}/members`, { email: ada.email, role: 'editor' })).user_id;
    ok(await admin('PATCH', `/admin/users/${ada.id}`, { name: ada.name }));
    nameless.id = ok(await admin('POST', `/admin/workspaces/${first.id}/members`, { email: nameless.email, role: 'viewer' })).user_id;
    const app = ok(await admin('POST', '/admin/service-apps', { name: `Docs ${suffix}`, service_name: service }));
    const register = async (/** @type {string} */ resourceId, /** @type {string} */ type, /** @type {string} */ ws, /** @type {string} */ owner) =>
      ok(
        await servicePost(stack.apiURL, app.api_key, '/permissions/register', {
          service_name: service,
          resource_type: type,
          resource_id: resourceId,
          workspace_id: ws,
          owner_id: owner,
          visibility: 'private',
        }),
      );
    await register(resources.adas, 'document', first.id, ada.id);
    await register(resources.namelesss, 'document', first.id, nameless.id);
    await register(resources.strangers, 'document', first.id, stranger);
    await register(resources.sheet, 'sheet', first.id, ada.id);
    await register(resources.other, 'document', second.id, ada.id);
  });

  test('on arrival the first workspace is chosen and its resources listed, with no Apply button', async () => {
    const [first] = workspaces;
    assert.ok(first);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('heading', { name: /^Permissions/, level: 1 }).waitFor();
    await rowOf(resources.adas).waitFor();
    assert.match(page.url(), new RegExp(`/permissions\\?workspace_id=${first.id}$`));
    assert.equal(await page.getByLabel('Workspace').inputValue(), first.id);
    for (const r of [resources.namelesss, resources.strangers, resources.sheet]) assert.equal(await rowOf(r).count(), 1, r);
    assert.equal(await rowOf(resources.other).count(), 0, 'the other workspace’s resource is not listed');
    assert.equal(await page.getByRole('button', { name: /Show permissions|Apply/ }).count(), 0);
    // Back leaves the page: the chosen workspace replaced the bare URL.
    await page.goBack();
    await page.waitForURL((u) => !u.pathname.startsWith('/permissions'));
    await page.goForward();
    await rowOf(resources.adas).waitFor();
  });

  test('the Owner column names owners: name (and email), the email when nameless, a short id when unknown', async () => {
    const headers = await page.getByRole('columnheader').allTextContents();
    assert.ok(headers.some((h) => h.startsWith('Owner')), headers.join('|'));
    const owner = (/** @type {string} */ r) => rowOf(r).locator('td[data-label="Owner"]');
    assert.equal(await owner(resources.adas).getByRole('link', { name: ada.name }).getAttribute('href'), `/users/${ada.id}`);
    assert.match((await owner(resources.adas).textContent()) ?? '', new RegExp(ada.email));
    await owner(resources.namelesss).getByRole('link', { name: nameless.email }).waitFor();
    assert.equal(((await owner(resources.strangers).innerText()) ?? '').trim().split('\n')[0], `${stranger.slice(0, 8)}…`);
    for (const r of [resources.adas, resources.namelesss]) assert.doesNotMatch((await owner(r).innerText()) ?? '', /[0-9a-f]{8}-[0-9a-f]{4}/, 'no raw ids');
  });

  test('resource ids are short, with a copy button that copies the whole id and says so', async () => {
    const cell = rowOf(resources.adas).locator('td').first();
    assert.equal((await cell.getByRole('link').innerText()).trim(), `${resources.adas.slice(0, 8)}…`);
    // The whole id is in the page only for the copy's fallback, not on screen.
    const onScreen = await cell.evaluate((td) =>
      [...td.querySelectorAll('*')]
        .filter((el) => el.children.length === 0 && el.getBoundingClientRect().width > 1)
        .map((el) => el.textContent)
        .join(' '),
    );
    assert.doesNotMatch(onScreen, new RegExp(resources.adas), 'the whole id is not shown');
    const copy = cell.getByRole('button', { name: `Copy resource id ${resources.adas}` });
    await copy.click();
    await copy.getByText('Copied').waitFor();
    await page.getByRole('status').filter({ hasText: 'Resource id copied to the clipboard.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), resources.adas);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'permissions-list.png') });
    // The unknown owner's id copies whole too.
    await rowOf(resources.strangers).getByRole('button', { name: `Copy owner id ${stranger}` }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), stranger);
  });

  test('filters apply as they change (text once typing pauses), live in the URL, and reload and Back keep them', async () => {
    const [first, second] = workspaces;
    assert.ok(first && second);
    listRequests.length = 0;
    await page.getByLabel('Service name').pressSequentially(service, { delay: 40 });
    await page.waitForURL(new RegExp(`workspace_id=${first.id}&service_name=${service}$`));
    await rowOf(resources.adas).waitFor();
    assert.deepEqual(
      listRequests.filter((q) => q.includes('service_name=')).map((q) => new URLSearchParams(q).get('service_name')),
      [service],
      'one request, for the whole name: none while typing',
    );

    await page.getByLabel('Resource type').pressSequentially('sheet', { delay: 40 });
    await page.waitForURL(/resource_type=sheet$/);
    await rowOf(resources.adas).waitFor({ state: 'detached' });
    await rowOf(resources.sheet).waitFor();

    await page.reload();
    await rowOf(resources.sheet).waitFor();
    assert.equal(await page.getByLabel('Service name').inputValue(), service);
    assert.equal(await page.getByLabel('Resource type').inputValue(), 'sheet');
    assert.equal(await rowOf(resources.adas).count(), 0);

    await page.goBack();
    await page.waitForURL(new RegExp(`service_name=${service}$`));
    await rowOf(resources.adas).waitFor();
    assert.equal(await page.getByLabel('Resource type').inputValue(), '', 'Back restores the inputs too');

    // A menu applies at once.
    await page.getByLabel('Workspace').selectOption(second.id);
    await page.waitForURL(new RegExp(`workspace_id=${second.id}&service_name=${service}$`));
    await rowOf(resources.other).waitFor();
    assert.equal(await rowOf(resources.adas).count(), 0);

    // A malformed name is refused in place, without a request.
    listRequests.length = 0;
    await page.getByLabel('Service name').fill('Docs');
    await page.getByText('Use a service name: lowercase letters').waitFor();
    assert.deepEqual(listRequests, []);
  });

  test('the list fits a phone (390×844)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.adminURL}/permissions`);
    await rowOf(resources.adas).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the list is ${width}px wide at 390`);
    await page.getByRole('button', { name: `Copy resource id ${resources.adas}` }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'permissions-list-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('the activity log names a changed resource, labels its type and links it (issue 15, item 4)', async () => {
    const [first] = workspaces;
    assert.ok(first);
    const listed = ok(await admin('GET', `/admin/permissions?workspace_id=${first.id}&service_name=${service}`)).items;
    const record = listed.find((/** @type {{resource_id: string}} */ r) => r.resource_id === resources.adas);
    assert.ok(record, 'the resource is listed');
    ok(await admin('PATCH', `/admin/permissions/${record.id}/visibility`, { visibility: 'workspace' }));
    await page.goto(`${stack.adminURL}/activity`);
    await page.getByLabel('Target type').selectOption({ label: 'Resource' });
    await page.waitForURL(/target_type=resource_permission/);
    const row = page.getByRole('row').filter({ hasText: 'Visibility changed' });
    const link = row.getByRole('link', { name: `${service} · document ${resources.adas.slice(0, 8)}…` });
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `/permissions/${record.id}`);
    assert.match((await row.locator('td[data-label="Target"]').innerText()) ?? '', /^Resource/);
    await link.click();
    await page.getByRole('heading', { name: `${service} · document`, level: 1 }).waitFor();
  });

  test('the activity log names a group whose entry recorded no name', async () => {
    const [first] = workspaces;
    assert.ok(first);
    const name = `Reviewers ${suffix}`;
    const group = ok(await admin('POST', `/admin/workspaces/${first.id}/groups`, { name }));
    ok(await admin('POST', `/admin/groups/${group.id}/members/${ada.id}`));
    await page.goto(`${stack.adminURL}/activity?action=group.add_member`);
    const target = page.getByRole('row').filter({ hasText: 'Group member added' }).locator('td[data-label="Target"]');
    await target.getByRole('link', { name }).waitFor();
    assert.doesNotMatch(await target.innerText(), new RegExp(group.id), 'no whole id in place of the name');
  });

  test('the activity log names and links a role whose member changed', async () => {
    const [first] = workspaces;
    assert.ok(first);
    const name = `Approvers ${suffix}`;
    const role = ok(await admin('POST', `/admin/workspaces/${first.id}/roles`, { name }));
    ok(await admin('POST', `/admin/roles/${role.id}/members/${ada.id}`));
    await page.goto(`${stack.adminURL}/activity?action=role.add_member`);
    const target = page.getByRole('row').filter({ hasText: 'Role member added' }).first().locator('td[data-label="Target"]');
    const link = target.getByRole('link', { name });
    await link.waitFor();
    assert.match((await link.getAttribute('href')) ?? '', new RegExp(`${first.id}.*${role.id}`), 'the link opens the role in its workspace');
    assert.doesNotMatch(await target.innerText(), new RegExp(role.id), 'no whole id in place of the name');
  });

  test('the page threw nothing', () => {
    assert.deepEqual(pageErrors, []);
  });
});
