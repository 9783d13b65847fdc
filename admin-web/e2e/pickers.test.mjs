// End to end: the search-as-you-type pickers (a workspace member among many
// users, a group member and a role member among the workspace's members),
// picked with the keyboard only, and the bulk actions (deactivate users,
// remove workspace members, delete service actions) with a confirmation
// naming the rows and a per-row failure, in Debian's Chromium against the
// real local stack.
// Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminCall, ok, servicePost } from './api.mjs';
import { closeSite, openSite } from './browser.mjs';
import { webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots');
const USERS = 45; // more than a picker shows (20) and than a page of the users list

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof import('./browser.mjs').launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageErrors = /** @type {string[]} */ ([]);

const suffix = randomBytes(3).toString('hex');
const two = (/** @type {number} */ i) => String(i).padStart(2, '0');
const email = (/** @type {number} */ i) => `team-${suffix}-${two(i)}@example.com`;
const name = (/** @type {number} */ i) => `Team Member ${two(i)} ${suffix}`;
const ids = /** @type {Record<number, string>} */ ({});
const ws = { id: '', name: `Pickers ${suffix}` };
const service = `bulk-${suffix}`;

/**
 * Calls the admin API from the signed-in page (cookie session).
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body]
 */
const admin = (method, url, body) => adminCall(page, method, url, body);

async function shot(/** @type {string} */ name) {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true }).catch(() => {});
}

/**
 * Types into a picker, waits for the server's matches, moves the highlight
 * with ArrowDown to the option naming want and picks it with Enter.
 * @param {import('playwright-core').Locator} combo
 * @param {string} typed
 * @param {string} want text of the option to pick
 */
async function pickWithKeyboard(combo, typed, want) {
  await combo.click();
  await combo.pressSequentially(typed, { delay: 20 });
  const list = page.getByRole('listbox', { name: 'Matches' });
  const option = list.getByRole('option').filter({ hasText: want });
  await option.waitFor();
  assert.equal(await combo.getAttribute('aria-expanded'), 'true');
  const texts = await list.getByRole('option').allTextContents();
  const index = texts.findIndex((t) => t.includes(want));
  for (let i = 0; i <= index; i++) await combo.press('ArrowDown');
  assert.equal(await combo.getAttribute('aria-activedescendant'), await option.getAttribute('id'), 'the highlight is on the wanted option');
  assert.equal(await option.getAttribute('aria-selected'), 'true');
  await combo.press('Enter');
  assert.equal(await combo.getAttribute('aria-expanded'), 'false', 'picking closes the list');
}

describe('admin site: pickers and bulk actions', { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { pageErrors }));
  });

  after(() => closeSite({ stack, browser }));

  test('sign in and seed many users, a workspace with some of them, a group and a role', async () => {
    await page.goto(`${stack.adminURL}/sign-in`);
    await page.getByLabel('Email').fill(stack.email);
    await page.getByLabel('Password').fill(stack.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    for (let i = 0; i < USERS; i++) ids[i] = ok(await admin('POST', '/admin/users', { email: email(i), name: name(i) })).id;
    ws.id = ok(await admin('POST', '/admin/workspaces', { name: ws.name, slug: `pickers-${suffix}` })).id;
    for (let i = 0; i < 6; i++) ok(await admin('POST', `/admin/workspaces/${ws.id}/members`, { email: email(i), role: 'viewer' }));
  });

  test('workspace member: type part of an email among many users, pick with the keyboard, add with Enter', async () => {
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}?tab=members`);
    const members = page.getByRole('region', { name: /^Members/ });
    const combo = members.getByRole('combobox', { name: 'Email' });
    await members.getByRole('row').filter({ hasText: email(0) }).waitFor();

    // All 45 match the start of their emails: the server answers the first 20, never everyone.
    const searched = page.waitForResponse((r) => r.url().includes(`/admin/users?q=team-${suffix}&limit=20`));
    await combo.fill(`team-${suffix}`);
    await searched;
    const list = page.getByRole('listbox', { name: 'Matches' });
    await list.getByRole('option').nth(19).waitFor();
    assert.equal(await list.getByRole('option').count(), 20);
    // Those already members are listed but cannot be picked.
    const held = list.getByRole('option').filter({ hasText: email(1) });
    assert.equal(await held.getAttribute('aria-disabled'), 'true');
    assert.match((await held.textContent()) ?? '', /already a member/);
    // Escape closes the list and keeps the text.
    await combo.press('Escape');
    assert.equal(await combo.getAttribute('aria-expanded'), 'false');
    assert.equal(await combo.inputValue(), `team-${suffix}`);
    await combo.fill('');

    await pickWithKeyboard(combo, `team-${suffix}-3`, email(37));
    const option = page.getByRole('option').filter({ hasText: email(37) });
    assert.equal(await option.count(), 0, 'the list is closed');
    assert.equal(await combo.inputValue(), email(37));
    await shot('picker-workspace-member.png');
    await combo.press('Enter'); // the list is closed: Enter submits the form
    await page.getByText(`${email(37)} was added as Viewer.`).waitFor();
    await members.getByRole('row').filter({ hasText: email(37) }).waitFor();
    const stored = ok(await admin('GET', `/admin/workspaces/${ws.id}/members?q=${encodeURIComponent(email(37))}`));
    assert.equal(stored.items[0]?.user_id, ids[37]);
  });

  test('group member: the picker searches the workspace’s members only; someone in already cannot be picked', async () => {
    const group = ok(await admin('POST', `/admin/workspaces/${ws.id}/groups`, { name: `Reviewers ${suffix}` }));
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}/groups/${group.id}`);
    const members = page.getByRole('region', { name: /^Members/ });
    await members.getByText('Nobody is in this group yet.').waitFor();
    const combo = members.getByRole('combobox', { name: 'Workspace member to add' });
    await pickWithKeyboard(combo, `team-${suffix}-0`, email(3));
    // Members 00–05 match; users 06–09 match the text too but are not members.
    const texts = await page.getByRole('listbox', { name: 'Matches' }).getByRole('option').allTextContents();
    assert.equal(texts.length, 0, 'closed after the pick');
    await combo.press('Enter');
    await members.getByRole('row').filter({ hasText: email(3) }).waitFor();
    await page.getByText(`Group in ${ws.name} · 1 member`).waitFor();

    await combo.fill(`team-${suffix}-0`);
    const list = page.getByRole('listbox', { name: 'Matches' });
    await list.getByRole('option').filter({ hasText: email(5) }).waitFor();
    assert.deepEqual(
      (await list.getByRole('option').allTextContents()).map((t) => t.match(/team-\w+-(\d\d)@/)?.[1]),
      ['00', '01', '02', '03', '04', '05'],
      'workspace members only, in email order',
    );
    const held = list.getByRole('option').filter({ hasText: email(3) });
    assert.equal(await held.getAttribute('aria-disabled'), 'true');
    assert.match((await held.textContent()) ?? '', /already in this group/);
    await shot('picker-group-member.png');
    await combo.press('Escape');
  });

  test('role member: found by the start of the name, picked with the keyboard', async () => {
    const role = ok(await admin('POST', `/admin/workspaces/${ws.id}/roles`, { name: `Editors ${suffix}` }));
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}/roles/${role.id}`);
    const members = page.getByRole('region', { name: 'Members' });
    await members.getByText('Nobody holds this role yet.').waitFor();
    const combo = members.getByRole('combobox', { name: 'Workspace member to add' });
    await pickWithKeyboard(combo, 'team member 04', name(4));
    assert.equal(await combo.inputValue(), email(4));
    await combo.press('Enter');
    await members.getByRole('row').filter({ hasText: email(4) }).waitFor();
    await page.getByText(`${email(4)} now holds Editors ${suffix}.`).waitFor();
    const held = ok(await admin('GET', `/admin/roles/${role.id}/members`));
    assert.deepEqual(held.items.map((/** @type {{user_id: string}} */ m) => m.user_id), [ids[4]]);
  });

  test('users: select three, deactivate them after a confirmation naming them', async () => {
    await page.goto(`${stack.adminURL}/users?q=team-${suffix}-1`);
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('row').filter({ hasText: email(19) }).waitFor();
    for (const i of [11, 12, 13]) await table.getByRole('checkbox', { name: `Select ${email(i)}` }).check();
    const bar = page.getByRole('region', { name: 'Selected users' });
    await bar.getByText('3 selected').waitFor();
    await bar.getByRole('button', { name: 'Deactivate 3 users…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Deactivate 3 users?' });
    assert.deepEqual(await confirm.getByRole('listitem').allTextContents(), [email(11), email(12), email(13)]);
    await shot('bulk-users-confirm.png');
    await confirm.getByRole('button', { name: 'Deactivate 3 users' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByText('3 users deactivated.').waitFor();
    assert.equal(await bar.count(), 0, 'the selection is cleared');
    // The list is refreshed: the three cannot be selected again (inactive).
    await table.getByRole('checkbox', { name: `Select ${email(11)}` }).and(page.locator(':disabled')).waitFor();
    for (const [i, active] of [[11, false], [12, false], [13, false], [14, true]]) {
      assert.equal(ok(await admin('GET', `/admin/users/${ids[Number(i)]}`)).is_active, active, email(Number(i)));
    }
  });

  test('workspace members: remove three at once; one removed meanwhile is reported, the others go', async () => {
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}?tab=members`);
    const members = page.getByRole('region', { name: /^Members/ });
    // A search that hides the selected rows clears the selection (as AWS consoles do): no bulk action on rows not shown.
    await members.getByRole('checkbox', { name: `Select ${email(0)}` }).check();
    await members.getByRole('region', { name: 'Selected members' }).getByText('1 selected').waitFor();
    const search = members.getByLabel('Search members');
    await search.fill(email(3));
    await members.getByRole('row').filter({ hasText: email(0) }).waitFor({ state: 'detached' });
    assert.equal(await members.getByRole('region', { name: 'Selected members' }).count(), 0, 'the selection is cleared');
    await search.fill('');
    assert.equal(await members.getByRole('checkbox', { name: `Select ${email(0)}` }).isChecked(), false);
    for (const i of [0, 1, 2]) await members.getByRole('checkbox', { name: `Select ${email(i)}` }).check();
    // Another admin removes one of them before the confirmation.
    assert.equal((await admin('DELETE', `/admin/workspaces/${ws.id}/members/${ids[1]}`)).status, 204);
    await members.getByRole('region', { name: 'Selected members' }).getByRole('button', { name: 'Remove 3 members…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Remove 3 members?' });
    assert.deepEqual(await confirm.getByRole('listitem').allTextContents(), [email(0), email(1), email(2)]);
    await confirm.getByRole('button', { name: 'Remove 3 members' }).click();
    await confirm.waitFor({ state: 'detached' });
    const report = members.getByRole('alert').filter({ hasText: '2 members removed; 1 could not be:' });
    await report.waitFor();
    assert.match((await report.getByRole('listitem').allTextContents()).join('\n'), new RegExp(`^${email(1)}: .+`));
    await shot('bulk-members-report.png');
    for (const i of [0, 1, 2]) await members.getByRole('row').filter({ hasText: email(i) }).waitFor({ state: 'detached' });
    await members.getByRole('row').filter({ hasText: email(3) }).waitFor();
    const left = ok(await admin('GET', `/admin/workspaces/${ws.id}/members`)).items.map((/** @type {{email: string}} */ m) => m.email);
    for (const i of [0, 1, 2]) assert.ok(!left.includes(email(i)), `${email(i)} removed`);
    assert.ok(left.includes(email(3)));
  });

  test('service actions: delete the selected ones; one deleted meanwhile is reported', async () => {
    const app = ok(await admin('POST', '/admin/service-apps', { name: `Bulk ${suffix}`, service_name: service, allowed_origins: [] }));
    ok(
      await servicePost(stack.apiURL, app.api_key, '/roles/actions/register', {
        service_name: service,
        actions: [{ action: 'doc.archive' }, { action: 'doc.export' }, { action: 'doc.purge' }, { action: 'doc.read' }],
      }),
    );
    const actions = ok(await admin('GET', `/admin/service-actions?service_name=${service}`)).items;
    const byName = Object.fromEntries(actions.map((/** @type {{action: string, id: string}} */ a) => [a.action, a.id]));
    await page.goto(`${stack.adminURL}/service-actions?service=${service}`);
    const table = page.getByRole('table', { name: 'Service actions' });
    await table.getByRole('row').filter({ hasText: 'doc.read' }).waitFor();
    for (const a of ['archive', 'export', 'purge']) await table.getByRole('checkbox', { name: `Select ${service} · doc.${a}` }).check();
    assert.equal((await admin('DELETE', `/admin/service-actions/${byName['doc.purge']}`)).status, 204);
    await page.getByRole('region', { name: 'Selected actions' }).getByRole('button', { name: 'Delete 3 actions…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete 3 actions?' });
    await confirm.getByText('removed from every role').waitFor();
    await confirm.getByRole('button', { name: 'Delete 3 actions' }).click();
    await confirm.waitFor({ state: 'detached' });
    const report = page.getByRole('alert').filter({ hasText: '2 actions deleted; 1 could not be:' });
    await report.waitFor();
    assert.match((await report.getByRole('listitem').allTextContents()).join('\n'), new RegExp(`^${service} · doc\\.purge: .+`));
    await shot('bulk-service-actions-report.png');
    for (const a of ['archive', 'export', 'purge']) await table.getByRole('row').filter({ hasText: `doc.${a}` }).waitFor({ state: 'detached' });
    const leftover = ok(await admin('GET', `/admin/service-actions?service_name=${service}`)).items.map((/** @type {{action: string}} */ a) => a.action);
    assert.deepEqual(leftover, ['doc.read']);
  });

  test('the pages threw nothing', () => {
    assert.deepEqual(pageErrors, []);
  });
});
