// End to end: the directory pages (workspaces, members, groups, users) and
// the activity log, in Debian's Chromium against the real local stack.
// Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminCall, servicePost } from './api.mjs';
import { closeSite, openSite } from './browser.mjs';
import { webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots');

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof import('./browser.mjs').launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const consoleLines = /** @type {string[]} */ ([]);
const pageErrors = /** @type {string[]} */ ([]);


const suffix = randomBytes(3).toString('hex');
const ws = { name: `Acme ${suffix}`, slug: `acme-${suffix}`, id: '' };
const member = { email: `ada-${suffix}@example.com`, id: '' };
const group = `Reviewers ${suffix}`;

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

const service = { name: `docs-${suffix}`, key: '' };
const role = { name: `Editors ${suffix}`, id: '' };
const carol = { email: `carol-${suffix}@example.com`, id: '' };
const dave = { email: `dave-${suffix}@example.com`, id: '' };

/** Screenshots the whole page at its full height (the sticky sidebar then renders as on screen). */
async function shot(/** @type {string} */ name) {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(200); // let colour transitions finish
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.min(height, 4000) });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
  if (height > viewport.height) await page.setViewportSize(viewport);
}

/**
 * Picks a workspace member in a member picker: types the email, then
 * clicks its match.
 * @param {import('playwright-core').Locator} region
 * @param {string} email
 */
async function pickMember(region, email) {
  await region.getByRole('combobox', { name: 'Workspace member to add' }).fill(email);
  await page.getByRole('listbox', { name: 'Matches' }).getByRole('option').filter({ hasText: email }).click();
}

describe('admin site: directory and activity', { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { pageErrors, consoleLines }));
  });

  after(() => closeSite({ stack, browser }));

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

  test('workspaces: create validates in place, a taken slug is a conflict in place', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workspaces' }).click();
    await page.getByRole('heading', { name: 'Workspaces', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create workspace' });
    await dialog.getByLabel('Name').fill(ws.name);
    assert.equal(await dialog.getByLabel('Slug').inputValue(), ws.slug, 'the slug is suggested from the name');
    await dialog.getByLabel('Slug').fill('-Acme');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Use lowercase letters, digits and hyphens').waitFor();
    await shot('workspace-create-errors.png');
    await dialog.getByLabel('Slug').fill(ws.slug);
    await dialog.getByLabel('Description (optional)').fill('The e2e tenant');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/workspaces\/[0-9a-f-]{36}$/);
    ws.id = page.url().split('/').pop() ?? '';
    await page.getByText(`Workspace ${ws.name} was created.`).waitFor();
    await page.getByRole('heading', { name: ws.name, level: 1 }).waitFor();

    // The same slug again: 409 shown next to the slug.
    await page.goto(`${stack.adminURL}/workspaces`);
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    await dialog.getByLabel('Name').fill(`${ws.name} again`);
    await dialog.getByLabel('Slug').fill(ws.slug);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('already uses the slug').waitFor();
    assert.equal(await dialog.getByLabel('Slug').getAttribute('aria-invalid'), 'true');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('searchbox', { name: 'Search workspaces' }).fill(ws.slug);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(new RegExp(`\\?q=${ws.slug}$`));
    await page.getByRole('row').filter({ hasText: ws.slug }).waitFor();
    await shot('workspaces-list.png');
  });

  test('workspace detail: a deep link reloads; add a member by email, change the role', async () => {
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}`);
    await page.getByRole('heading', { name: ws.name, level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: /^Members/ }).click();
    await page.waitForURL(/\?tab=members$/);
    const members = page.getByRole('region', { name: /^Members/ });
    await members.getByLabel('Email').fill('not-an-email');
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByText('Enter an email address').waitFor();
    await members.getByLabel('Email').fill(member.email);
    await members.getByLabel('Role', { exact: true }).selectOption('editor');
    await members.getByRole('button', { name: 'Add member' }).click();
    await page.getByText(`${member.email} was added as Editor.`).waitFor();
    const row = members.getByRole('row').filter({ hasText: member.email });
    // A promotion to admin asks first; the result shows next to the row with Undo.
    await row.getByLabel(`Role of ${member.email}`).selectOption('admin');
    const promote = page.getByRole('alertdialog', { name: `Make ${member.email} Admin?` });
    await promote.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await row.getByLabel(`Role of ${member.email}`).inputValue(), 'editor', 'cancelled: the role stays');
    await row.getByLabel(`Role of ${member.email}`).selectOption('admin');
    await promote.getByRole('button', { name: 'Make Admin' }).click();
    await row.getByText('Now Admin (was Editor).').waitFor();
    await shot('member-role-changed.png');
    await row.getByRole('button', { name: `Undo role change of ${member.email}` }).click();
    await row.getByText('Now Admin').waitFor({ state: 'detached' });
    assert.equal(await row.getByLabel(`Role of ${member.email}`).inputValue(), 'editor', 'undone');
    const stored = await admin('GET', `/admin/workspaces/${ws.id}/members`);
    assert.equal(stored.body.items.find((/** @type {{email: string}} */ m) => m.email === member.email)?.role, 'editor');
    // A demotion needs no confirmation.
    await row.getByLabel(`Role of ${member.email}`).selectOption('viewer');
    await row.getByText('Now Viewer (was Editor).').waitFor();
    await row.getByLabel(`Role of ${member.email}`).selectOption('admin');
    await promote.getByRole('button', { name: 'Make Admin' }).click();
    await row.getByText('Now Admin (was Viewer).').waitFor();
    const href = await row.getByRole('link').getAttribute('href');
    member.id = href?.split('/').pop() ?? '';
    assert.match(member.id, /^[0-9a-f-]{36}$/);

    // Adding the same email again is a conflict shown at the field.
    await members.getByLabel('Email').fill(member.email);
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByText('is already a member of this workspace').waitFor();
    await members.getByLabel('Email').fill('');
  });

  test('groups: create one, open its page, add the member; the counts follow', async () => {
    await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: /^Groups/ }).click();
    await page.waitForURL(/\?tab=groups$/);
    const groups = page.getByRole('region', { name: /^Groups/ });
    await groups.getByRole('button', { name: 'Create group' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create group' });
    await dialog.getByLabel('Group name').fill(group);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByText(`Group ${group} was created.`).waitFor();
    const row = groups.getByRole('row').filter({ hasText: group });
    assert.equal((await row.getByRole('cell').nth(1).textContent())?.trim(), '0', 'a new group counts no member');
    await row.getByRole('link', { name: group }).click();
    await page.waitForURL(new RegExp(`/workspaces/${ws.id}/groups/[0-9a-f-]+$`));
    await page.getByRole('heading', { level: 1, name: group }).waitFor();
    await page.getByText(`Group in ${ws.name} · 0 members`).waitFor();
    const members = page.getByRole('region', { name: /^Members/ });
    await members.getByText('Nobody is in this group yet.').waitFor();
    await pickMember(members, member.email);
    await members.getByRole('button', { name: 'Add to group' }).click();
    await members.getByRole('row').filter({ hasText: member.email }).waitFor();
    await page.getByText(`Group in ${ws.name} · 1 member`).waitFor();
    // Search: the member by email, then nobody.
    await members.getByLabel('Search members').fill(member.email);
    await members.getByRole('row').filter({ hasText: member.email }).waitFor();
    await members.getByLabel('Search members').fill('nobody-matches-this');
    await members.getByText('No member matches.').waitFor();
    await members.getByLabel('Search members').fill('');
    await members.getByRole('row').filter({ hasText: member.email }).waitFor();
    await shot('group-page.png');
    // The breadcrumb goes back to the workspace's groups, where the count is the API's.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: ws.name }).click();
    await page.waitForURL(/\?tab=groups$/);
    await groups.getByRole('row').filter({ hasText: group }).getByRole('cell', { name: '1', exact: true }).waitFor();
    await shot('workspace-detail.png');
  });

  test('activity: the changes are listed, newest first, and filter by target', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
    const rows = page.getByRole('row');
    await rows.filter({ hasText: 'Group member added' }).first().waitFor();
    const text = (await page.locator('tbody').textContent()) ?? '';
    const order = ['Group member added', 'Group created', 'Member role changed', 'Member added', 'Workspace created'].map((t) => text.indexOf(t));
    assert.ok(order.every((i) => i >= 0), `all entries listed: ${order}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'newest first');
    await shot('activity-changes.png');

    await page.getByLabel('Target type').selectOption('workspace');
    await page.getByLabel('Target ID').fill(ws.id);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(new RegExp(`target_id=${ws.id}`));
    await rows.filter({ hasText: 'Workspace created' }).waitFor();
    await rows.filter({ hasText: member.email }).first().waitFor();
    assert.equal(await rows.filter({ hasText: 'Group created' }).count(), 0, 'group entries have another target');

    // Names, not ids: the target is the workspace's name, linked to its page.
    const created = rows.filter({ hasText: 'Workspace created' });
    assert.equal(await created.getByRole('link', { name: ws.name }).getAttribute('href'), `/workspaces/${ws.id}`);
    // The detail folds open.
    await created.getByText(/^\d+ fields?$/).click();
    await created.getByText(ws.slug).first().waitFor();

    // Actor and dates filter on the server; the URL keeps them.
    await page.getByLabel('Actor').fill(stack.email);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/actor=/);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(today);
    await page.waitForURL(/from=\d{4}-\d{2}-\d{2}/);
    // Until its answer arrives, the previous filter's rows may be counted.
    const filtered = page.waitForResponse((r) => r.url().includes('/admin/activity?') && /[?&]to=/.test(r.url()));
    await page.getByLabel('To', { exact: true }).fill(today);
    await page.waitForURL(/to=\d{4}-\d{2}-\d{2}/);
    await filtered;
    await created.waitFor();
    const shown = await page.locator('tbody tr').count();
    assert.ok(shown >= 3, `entries of today by the e2e admin: ${shown}`);

    // The CSV export holds exactly the filtered view.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^activity-workspace-${ws.id}-.*-${today}\\.csv$`));
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'time,action,action_label,actor,target_type,target_id,target_name,detail');
    assert.equal(lines.length - 1, shown, 'one line per entry shown');
    assert.ok(lines.slice(1).every((l) => l.includes(`,${stack.email},workspace,${ws.id},${ws.name},`)), csv);
    assert.ok(lines.some((l) => l.startsWith(`${today}T`) && l.includes(',workspace.create,Workspace created,')), csv);

    // Tomorrow on: nothing yet.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByLabel('From', { exact: true }).fill(tomorrow);
    await page.getByText('Nothing matches these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/\/activity$/);
  });

  test('users: find the member, see the membership, deactivate with confirmation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('searchbox', { name: 'Search users' }).fill(`ada-${suffix}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: member.email });
    await row.waitFor();
    await shot('users-list.png');
    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`/users/${member.id}$`));
    const memberships = page.getByRole('region', { name: 'Memberships' });
    const m = memberships.getByRole('row').filter({ hasText: ws.name });
    await m.waitFor();
    assert.match((await m.textContent()) ?? '', new RegExp(`Admin.*${group}`));

    await page.getByRole('button', { name: 'Deactivate' }).click();
    const confirm = page.getByRole('alertdialog', { name: /^Deactivate/ });
    await confirm.getByText('within 5 seconds').waitFor();
    await shot('user-deactivate-dialog.png');
    await confirm.getByRole('button', { name: 'Deactivate user' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByText('This user is inactive.').waitFor();
    await shot('user-detail.png');
    const active = await page.evaluate(async (/** @type {string} */ id) => {
      const res = await fetch(`/admin/users/${id}`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      return (await res.json()).is_active;
    }, member.id);
    assert.equal(active, false);
  });

  test('users: with more users than one page, search finds the newest by email and by the start of its name', async () => {
    // 60 more users than the first page shows (50), the newest created last.
    const made = [];
    for (let i = 0; i < 60; i++) {
      made.push(await admin('POST', '/admin/users', { email: `crowd${String(i).padStart(2, '0')}-${suffix}@example.com`, name: `Crowd ${suffix} ${i}` }));
    }
    assert.deepEqual(made.map((r) => r.status), made.map(() => 201));
    const newest = { email: `zoe-newest-${suffix}@example.com`, name: `Zoë Newest ${suffix}` };
    const created = await admin('POST', '/admin/users', newest);
    assert.equal(created.status, 201);

    // Unsearched, the newest is beyond the first page.
    await page.goto(`${stack.adminURL}/users`);
    const rows = page.getByRole('table').getByRole('row');
    await rows.nth(50).waitFor();
    assert.equal(await rows.filter({ hasText: newest.email }).count(), 0, 'the newest user is not on the first page');
    await page.getByRole('button', { name: 'Load more' }).waitFor();

    // Its exact email finds it, and only it.
    await page.getByRole('searchbox', { name: 'Search users' }).fill(newest.email);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\?q=zoe-newest-/);
    await rows.filter({ hasText: newest.email }).waitFor();
    assert.equal(await rows.count(), 2, 'the header and the one user');
    await shot('users-search-newest.png');

    // The start of its name, in any case, finds it too.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL(/\/users$/);
    await rows.nth(50).waitFor();
    assert.equal(await rows.filter({ hasText: newest.email }).count(), 0);
    await page.getByRole('searchbox', { name: 'Search users' }).fill(`ZOË NEWEST ${suffix.toUpperCase()}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\?q=Z/);
    await rows.filter({ hasText: newest.email }).waitFor();
    assert.equal(await rows.count(), 2, 'the header and the one user');

    // A word inside the name is not a prefix: the empty state says what search matches.
    await page.getByRole('searchbox', { name: 'Search users' }).fill(`newest ${suffix}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('Search finds an exact email or id, or the start of a name or email.').waitFor();
  });

  test('groups: remove a member on the group page with confirmation; rename and delete with confirmation', async () => {
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}?tab=groups`);
    const groups = page.getByRole('region', { name: /^Groups/ });
    await groups.getByRole('link', { name: group }).click();
    const inGroup = page.getByRole('region', { name: /^Members/ });
    await inGroup.getByRole('button', { name: `Remove ${member.email}` }).click();
    const leave = page.getByRole('alertdialog', { name: `Remove ${member.email} from ${group}?` });
    await leave.getByRole('button', { name: 'Remove from group' }).click();
    await page.getByText(`${member.email} left ${group}.`).waitFor();
    await page.getByText(`Group in ${ws.name} · 0 members`).waitFor();
    await inGroup.getByText('Nobody is in this group yet.').waitFor();
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: ws.name }).click();
    await groups.getByRole('row').filter({ hasText: group }).getByRole('cell', { name: '0', exact: true }).waitFor();

    await groups.getByRole('button', { name: `Edit ${group}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${group}` });
    await edit.getByLabel('Group name').fill(`${group} (renamed)`);
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Group ${group} (renamed) saved.`).waitFor();
    await groups.getByRole('button', { name: `Delete ${group} (renamed)` }).click();
    const confirmGroup = page.getByRole('alertdialog', { name: `Delete group ${group} (renamed)?` });
    await confirmGroup.getByRole('button', { name: 'Delete group' }).click();
    await page.getByText(`Group ${group} (renamed) was deleted.`).waitFor();
    assert.equal(await groups.getByRole('row').count(), 0);

    await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: /^Members/ }).click();
    const members = page.getByRole('region', { name: /^Members/ });
    const bob = `bob-${suffix}@example.com`;
    await members.getByLabel('Email').fill(bob);
    await members.getByRole('button', { name: 'Add member' }).click();
    await page.getByText(`${bob} was added as Viewer.`).waitFor();
    await members.getByRole('button', { name: `Remove ${bob}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Remove ${bob}?` });
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await page.getByText(`${bob} is no longer a member of ${ws.name}.`).waitFor();
    assert.equal(await members.getByRole('row').filter({ hasText: bob }).count(), 0);
  });

  test('roles: register actions with a service key, create a role, add an action and a member, see the counts', async () => {
    const app = await admin('POST', '/admin/service-apps', { name: 'Docs', service_name: service.name, allowed_origins: [] });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    service.key = app.body.api_key;
    const reg = await asService(service.key, '/roles/actions/register', {
      service_name: service.name,
      actions: [{ action: 'doc.read', description: 'Read documents' }, { action: 'doc.write' }],
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    for (const who of [carol, dave]) {
      const m = await admin('POST', `/admin/workspaces/${ws.id}/members`, { email: who.email, role: 'viewer' });
      assert.equal(m.status, 201, JSON.stringify(m.body));
      who.id = m.body.user_id;
    }

    await page.goto(`${stack.adminURL}/workspaces/${ws.id}?tab=roles`);
    const roles = page.getByRole('region', { name: /^Roles/ });
    await roles.getByRole('button', { name: 'Create role' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create role' });
    await dialog.getByLabel('Role name').fill(role.name);
    await dialog.getByLabel('Description (optional)').fill('Edit the docs');
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await page.getByText(`Role ${role.name} was created.`).waitFor();
    await roles.getByRole('link', { name: role.name }).click();
    await page.waitForURL(new RegExp(`/workspaces/${ws.id}/roles/[0-9a-f-]{36}$`));
    role.id = page.url().split('/').pop() ?? '';
    await page.reload(); // a deep link to a role reloads
    await page.getByRole('heading', { name: role.name, level: 1 }).waitFor();

    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByLabel('Service action to add').selectOption({ label: `${service.name} · doc.read — Read documents` });
    await actions.getByRole('button', { name: 'Add action' }).click();
    await actions.getByRole('row').filter({ hasText: 'doc.read' }).waitFor();
    await page.getByText(`${service.name} · doc.read was added to ${role.name}.`).waitFor();

    const members = page.getByRole('region', { name: 'Members' });
    await pickMember(members, carol.email);
    await members.getByRole('button', { name: 'Add to role' }).click();
    await members.getByRole('row').filter({ hasText: carol.email }).waitFor();
    await page.getByText('Role in').filter({ hasText: '1 action · 1 member' }).waitFor();

    // Someone who left the workspace after being picked: the API's 400 is shown in place.
    await pickMember(members, dave.email);
    assert.equal((await admin('DELETE', `/admin/workspaces/${ws.id}/members/${dave.id}`)).status, 204);
    await members.getByRole('button', { name: 'Add to role' }).click();
    await members.getByRole('alert').filter({ hasText: `${dave.email} is not a member of this workspace any more` }).waitFor();
    await shot('role-detail.png');

    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: ws.name }).click();
    const row = roles.getByRole('row').filter({ hasText: role.name });
    await row.waitFor();
    assert.deepEqual(await row.getByRole('cell').allTextContents().then((c) => c.slice(2, 4)), ['1', '1']);
    await shot('workspace-roles.png');
  });

  test('users: the user page lists the roles a user holds in each workspace', async () => {
    await page.goto(`${stack.adminURL}/users/${carol.id}`);
    await page.getByRole('heading', { name: carol.email, level: 1 }).waitFor(); // no name until a first sign-in
    const memberships = page.getByRole('table', { name: 'Memberships' });
    const row = memberships.getByRole('row').filter({ hasText: ws.slug });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    // Workspace, Role, Groups, Roles, Joined.
    assert.equal(cells[3], role.name, `the Roles cell of ${JSON.stringify(cells)}`);
    await shot('user-roles.png');
  });

  test('service actions: filter by service; delete with confirmation removes it from the role; rename, unassign, delete the role', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service actions' }).click();
    await page.getByRole('heading', { name: 'Service actions', level: 1 }).waitFor();
    await page.getByLabel('Service name').fill('Not A Name');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('#service-action-filter-error').waitFor();
    assert.equal(await page.getByLabel('Service name').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Service name').fill(service.name);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(new RegExp(`service=${service.name}$`));
    const rows = page.getByRole('row');
    await rows.filter({ hasText: 'doc.write' }).waitFor();
    await shot('service-actions.png');
    await rows.filter({ hasText: 'doc.read' }).getByRole('button', { name: /^Delete/ }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete ${service.name} · doc.read?` });
    await confirm.getByText('removed from every role').waitFor();
    await shot('service-action-delete-dialog.png');
    await confirm.getByRole('button', { name: 'Delete action' }).click();
    await page.getByText(`${service.name} · doc.read was deleted and removed from every role.`).waitFor();
    assert.equal(await rows.filter({ hasText: 'doc.read' }).count(), 0);

    await page.goto(`${stack.adminURL}/workspaces/${ws.id}/roles/${role.id}`);
    await page.getByText('This role grants no actions yet.').waitFor();
    // Rename it; take the member out with confirmation.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${role.name}` });
    role.name = `${role.name} (renamed)`;
    await edit.getByLabel('Role name').fill(role.name);
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: role.name, level: 1 }).waitFor();
    const members = page.getByRole('region', { name: 'Members' });
    await members.getByRole('button', { name: `Remove ${carol.email}` }).click();
    const remove = page.getByRole('alertdialog', { name: `Remove ${carol.email} from ${role.name}?` });
    await remove.getByRole('button', { name: 'Remove from role' }).click();
    await page.getByText(`${carol.email} no longer holds ${role.name}.`).waitFor();
    await members.getByText('Nobody holds this role yet.').waitFor();
    // Delete the role from its page, with confirmation, back to the workspace.
    await page.getByRole('button', { name: 'Delete…' }).click();
    const del = page.getByRole('alertdialog', { name: `Delete role ${role.name}?` });
    await del.getByText('0 members lose').waitFor();
    await del.getByRole('button', { name: 'Delete role' }).click();
    await page.waitForURL(new RegExp(`/workspaces/${ws.id}\\?tab=roles$`));
    await page.getByText(`Role ${role.name} was deleted.`).waitFor();
  });

  test('permissions: find a registered resource, change its visibility, share to a member and revoke', async () => {
    const resourceId = randomUUID();
    const reg = await asService(service.key, '/permissions/register', {
      service_name: service.name,
      resource_type: 'document',
      resource_id: resourceId,
      workspace_id: ws.id,
      owner_id: carol.id,
      visibility: 'private',
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('heading', { name: 'Permissions', level: 1 }).waitFor();
    await page.getByLabel('Resource type').fill('document');
    await page.getByText('A resource type needs a service name.').waitFor();
    await page.getByLabel('Service name').fill(service.name);
    await page.waitForURL(new RegExp(`service_name=${service.name}`));
    const row = page.getByRole('row').filter({ hasText: resourceId });
    await row.waitFor();
    // The workspace is the one chosen above (no column of its own then); the owner is named.
    assert.equal(await page.getByLabel('Workspace').inputValue(), ws.id);
    assert.match((await row.textContent()) ?? '', new RegExp(`${carol.email}.*document.*private`));
    await shot('permissions.png');

    await row.getByRole('link', { name: `${resourceId.slice(0, 8)}…` }).click();
    await page.waitForURL(/\/permissions\/[0-9a-f-]{36}$/);
    await page.reload(); // a deep link to a resource reloads
    await page.getByRole('heading', { name: `${service.name} · document`, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Details' }).getByRole('link', { name: carol.email }).waitFor();

    const visibility = page.getByRole('region', { name: 'Visibility' });
    await visibility.getByLabel('Visibility', { exact: true }).selectOption('workspace');
    await visibility.getByRole('button', { name: 'Save visibility' }).click();
    await page.getByText('Visibility is now workspace.').waitFor();

    const shares = page.getByRole('region', { name: 'Shares' });
    // The search-as-you-type picker: the start of the email, then the member's option.
    const shareWith = shares.getByRole('combobox', { name: 'Share with' });
    await shareWith.fill(member.email.slice(0, 6));
    await page.getByRole('listbox', { name: 'Matches' }).getByRole('option').filter({ hasText: member.email }).click();
    assert.equal(await shareWith.inputValue(), member.email);
    await shares.getByLabel('Permission', { exact: true }).selectOption('edit');
    await shares.getByRole('button', { name: 'Share', exact: true }).click();
    const shareRow = shares.getByRole('row').filter({ hasText: member.email });
    await shareRow.waitFor();
    assert.match((await shareRow.textContent()) ?? '', /edit/);
    await shot('permission-detail.png');

    await shareRow.getByRole('button', { name: `Revoke ${member.email}` }).click();
    const revoke = page.getByRole('alertdialog', { name: `Revoke ${member.email}’s access?` });
    await revoke.getByRole('button', { name: 'Revoke share' }).click();
    await shares.getByText('Not shared with anyone.').waitFor();
    const stored = await admin('GET', `/admin/permissions/${page.url().split('/').pop()}`);
    assert.equal(stored.body.visibility, 'workspace');
    assert.deepEqual(stored.body.shares ?? [], []);

    // Purge the service from the filtered list, confirmed by typing its name.
    await page.goBack();
    await page.getByRole('button', { name: 'Purge…' }).click();
    const purge = page.getByRole('alertdialog', { name: `Purge every permission of ${service.name}?` });
    const confirm = purge.getByRole('button', { name: 'Purge permissions' });
    assert.equal(await confirm.isDisabled(), true);
    await purge.getByLabel(`Type ${service.name} to confirm`).fill(service.name);
    await shot('permissions-purge-dialog.png');
    await confirm.click();
    await page.getByText(`1 resource record of ${service.name} deleted.`).waitFor();
    await page.getByText('No resource matches these filters').waitFor();
  });

  test('delete the workspace by typing its slug', async () => {
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}?tab=settings`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete ${ws.name}?` });
    const confirm = dialog.getByRole('button', { name: 'Delete workspace' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel(`Type ${ws.slug} to confirm`).fill(ws.slug);
    await shot('workspace-delete-dialog.png');
    await confirm.click();
    await page.waitForURL(/\/workspaces$/);
    await page.getByText(`Workspace ${ws.name} (${ws.slug}) was deleted.`).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: ws.slug }).count(), 0);
    await page.goto(`${stack.adminURL}/workspaces/${ws.id}`);
    await page.getByText('This workspace does not exist.').waitFor();
    await page.goto(`${stack.adminURL}/activity?action=workspace.delete`);
    await page.getByRole('row').filter({ hasText: ws.slug }).waitFor();
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
