// End to end: a team of admins. An admin adds another (temporary password
// shown once), who must change it at first sign-in; then enrols TOTP
// two-factor sign-in (QR + secret, confirmed with a code, recovery codes
// shown once), signs out and back in with a TOTP code computed here (RFC
// 6238), and a recovery code works once. Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeSite, openSite } from './browser.mjs';
import { webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots');

/** base32 (RFC 4648, no padding) to bytes. */
function base32(/** @type {string} */ s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s): the code of the step `offset` steps from now. */
function totp(/** @type {string} */ secret, offset = 0) {
  const counter = Math.floor(Date.now() / 1000 / 30) + offset;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32(secret)).update(msg).digest();
  const o = mac.readUInt8(mac.length - 1) & 0x0f;
  const n = mac.readUInt32BE(o) & 0x7fffffff;
  return String(n % 1_000_000).padStart(6, '0');
}

test('the RFC 6238 test vector (SHA-1, T = 59 s) gives 287082', () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"
  const real = Date.now;
  Date.now = () => 59_000;
  try {
    assert.equal(totp(secret), '287082');
  } finally {
    Date.now = real;
  }
});

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof import('./browser.mjs').launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const consoleLines = /** @type {string[]} */ ([]);

const suffix = randomBytes(3).toString('hex');
const bob = { email: `bob-${suffix}@example.com`, name: 'Bob Builder', temp: '', password: `bob's own password ${suffix}`, secret: '' };
let recoveryCodes = /** @type {string[]} */ ([]);
let freshCodes = /** @type {string[]} */ ([]);
let secondSecret = '';

async function signIn(/** @type {string} */ email, /** @type {string} */ password) {
  await page.goto(`${stack.adminURL}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut() {
  await page.getByRole('button', { name: /^(Sign out|Cancel and sign out)$/ }).click();
  await page.waitForURL(/\/sign-in/);
}

describe('admin site: a team of admins with two-factor sign-in', { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { consoleLines }));
  });

  after(() => closeSite({ stack, browser }));

  test('add an admin: the temporary password is shown once', async () => {
    await signIn(stack.email, stack.password);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('link', { name: 'Admins' }).click();
    await page.getByRole('heading', { name: /^Admins/, level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: stack.email }).waitFor();

    await page.getByRole('button', { name: 'Add admin' }).click();
    const add = page.getByRole('dialog', { name: 'Add an admin' });
    await add.getByLabel('Email').fill(bob.email);
    await add.getByLabel('Name').fill(bob.name);
    await add.getByRole('button', { name: 'Add admin' }).click();

    const panel = page.getByRole('dialog', { name: 'Admin added: copy the temporary password' });
    await panel.waitFor();
    bob.temp = (await panel.getByLabel(/Temporary password for/).textContent())?.trim() ?? '';
    assert.ok(bob.temp.length >= 12, `temporary password ${bob.temp.length} characters`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admins-temporary-password.png') });
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.getByText('Confirm that you have copied the password').waitFor();
    await panel.getByLabel('I have copied this password and will pass it on safely.').check();
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.waitFor({ state: 'detached' });
    assert.equal((await page.content()).includes(bob.temp), false, 'the temporary password is still in the page');

    const row = page.getByRole('row').filter({ hasText: bob.email });
    await row.getByText('Temporary password').waitFor();
    await row.getByText('Never').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admins-list.png') });
    await signOut();
  });

  test('the new admin must change the temporary password at first sign-in', async () => {
    await signIn(bob.email, bob.temp);
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    // Nothing else opens until the password is changed.
    await page.goto(`${stack.adminURL}/admins`);
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await page.getByLabel('Current password').fill(bob.temp);
    await page.getByLabel('New password', { exact: true }).fill(bob.password);
    await page.getByLabel('Repeat the new password').fill(bob.password);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admins-change-password.png') });
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.waitForURL(/\/admins$/);
    const row = page.getByRole('row').filter({ hasText: bob.email });
    await row.getByText('(you)').waitFor();
    assert.equal(await row.getByText('Temporary password').count(), 0);
  });

  test('enrol two-factor sign-in: QR code, secret, code, recovery codes once', async () => {
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('img', { name: 'QR code of your two-factor secret' }).waitFor();
    bob.secret = (await page.locator('[data-secret="totp-secret"]').textContent())?.trim() ?? '';
    assert.match(bob.secret, /^[A-Z2-7]{16,}$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admins-totp-enrol.png') });
    await page.getByLabel('Code from the app').fill('000000' === totp(bob.secret) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByText('That code is not valid').waitFor();
    await page.getByLabel('Code from the app').fill(totp(bob.secret));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();

    const codes = page.getByLabel('Recovery codes', { exact: true });
    await codes.waitFor();
    recoveryCodes = ((await codes.textContent()) ?? '').split('\n').map((c) => c.trim()).filter(Boolean);
    assert.equal(recoveryCodes.length, 10);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admins-recovery-codes.png') });
    assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
    await page.getByLabel('I have stored these recovery codes somewhere safe.').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Two-factor sign-in is on.').waitFor();
    assert.equal((await page.content()).includes(recoveryCodes[0] ?? '-'), false, 'the recovery codes are still in the page');
    assert.equal((await page.content()).includes(bob.secret), false, 'the secret is still in the page');
    await signOut();
  });

  test('sign in with a TOTP code; the same code is refused a second time', async () => {
    // The enrolment used this step's code: the next step's is within the
    // accepted skew and not used yet.
    const code = totp(bob.secret, 1);
    await signIn(bob.email, bob.password);
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await page.goto(`${stack.adminURL}/activity`);
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await page.getByLabel('Authentication code').fill(code);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admins-totp-sign-in.png') });
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/activity$/);
    await signOut();

    await signIn(bob.email, bob.password);
    await page.getByLabel('Authentication code').fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not valid (or was used already).').waitFor();
  });

  test('a recovery code signs in once', async () => {
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[0] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await signOut();

    await signIn(bob.email, bob.password);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[0] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not valid (or was used already).').waitFor();
    await page.getByRole('button', { name: 'Cancel and sign out' }).click();
    await page.waitForURL(/\/sign-in/);
  });

  test('new recovery codes, then two-factor off, each proven by a recovery code', async () => {
    await signIn(bob.email, bob.password);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[1] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('link', { name: /Your account/ }).click();

    await page.getByRole('button', { name: 'New recovery codes…' }).click();
    const make = page.getByRole('form', { name: 'Make new recovery codes' });
    await make.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await make.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[2] ?? '');
    await make.getByRole('button', { name: 'Make new recovery codes' }).click();
    const codes = page.getByLabel('Recovery codes', { exact: true });
    await codes.waitFor();
    freshCodes = ((await codes.textContent()) ?? '').split('\n').map((c) => c.trim()).filter(Boolean);
    assert.equal(freshCodes.length, 10);
    assert.equal(freshCodes.some((c) => recoveryCodes.includes(c)), false, 'the new codes are new');
    await page.getByLabel('I have stored these recovery codes somewhere safe.').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Your new recovery codes are stored; the old ones no longer work.').waitFor();
    assert.equal((await page.content()).includes(freshCodes[0] ?? '-'), false, 'the new codes are still in the page');

    // An old code no longer proves anything; a new one turns two-factor off.
    await page.getByRole('button', { name: 'Turn off…' }).click();
    const off = page.getByRole('form', { name: 'Turn off two-factor sign-in' });
    await off.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await off.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[3] ?? '');
    await off.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await off.getByText('That code is not valid (or was used already).').waitFor();
    await off.getByLabel('Recovery code', { exact: true }).fill(freshCodes[0] ?? '');
    await off.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await page.getByText('Two-factor sign-in is off.').waitFor();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).waitFor();
    await signOut();

    // The sign-in asks for no code any more.
    await signIn(bob.email, bob.password);
    await page.waitForURL((url) => url.pathname === '/');
  });

  test('another admin resets two-factor sign-in (asked first); the admin then signs in with the password', async () => {
    // Bob turns it on again.
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('img', { name: 'QR code of your two-factor secret' }).waitFor();
    secondSecret = (await page.locator('[data-secret="totp-secret"]').textContent())?.trim() ?? '';
    assert.notEqual(secondSecret, bob.secret);
    await page.getByLabel('Code from the app').fill(totp(secondSecret));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByLabel('I have stored these recovery codes somewhere safe.').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await signOut();

    await signIn(stack.email, stack.password);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto(`${stack.adminURL}/admins`);
    const row = page.getByRole('row').filter({ hasText: bob.email });
    await row.getByText('On', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: `Reset two-factor of ${stack.email}` }).count(), 0, 'no reset of your own');
    await row.getByRole('button', { name: `Reset two-factor of ${bob.email}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Reset two-factor sign-in of ${bob.email}?` });
    await confirm.getByRole('button', { name: 'Reset two-factor' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByText(`${bob.email}'s two-factor sign-in is reset`).waitFor();
    await row.getByText('Off', { exact: true }).waitFor();
    await signOut();

    await signIn(bob.email, bob.password);
    await page.waitForURL((url) => url.pathname === '/');
    await signOut();
  });

  test('deactivate asks first, and the last active admin stays', async () => {
    await signIn(stack.email, stack.password);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto(`${stack.adminURL}/admins`);
    await page.getByRole('button', { name: `Deactivate ${bob.email}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Deactivate ${bob.email}?` });
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: bob.email }).getByText('Deactivated').waitFor();

    await page.getByRole('button', { name: `Deactivate ${stack.email}` }).click();
    const last = page.getByRole('alertdialog', { name: `Deactivate ${stack.email}?` });
    await last.getByRole('button', { name: 'Deactivate' }).click();
    await last.getByText('The last active admin cannot be deactivated').waitFor();
    await last.getByRole('button', { name: 'Cancel' }).click();

    // Nothing secret reached the console.
    for (const s of [bob.temp, bob.password, bob.secret, secondSecret, ...recoveryCodes, ...freshCodes]) {
      assert.equal(consoleLines.some((l) => l.includes(s)), false, 'a secret reached the console');
    }
  });
});
