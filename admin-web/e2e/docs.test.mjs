// End to end: the public API reference at /docs, rendered by Swagger UI from
// the checked-in OpenAPI document, in Debian's Chromium.
// Run: npm run e2e (after npm run build).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeSite, openSite } from './browser.mjs';
import { repoRoot, webRoot } from './stack.mjs';

const SCREENSHOTS = path.join(webRoot, 'e2e', 'screenshots');
const doc = JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'openapi.json'), 'utf8'));
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];
const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), path: p })),
);

/** @type {import('./stack.mjs').Stack} */
let stack;
/** @type {Awaited<ReturnType<typeof import('./browser.mjs').launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const consoleLines = /** @type {string[]} */ ([]);
const pageErrors = /** @type {string[]} */ ([]);

describe('admin site: API reference', { timeout: 300_000 }, () => {
  before(async () => {
    ({ stack, browser, page } = await openSite(SCREENSHOTS, { timeout: 30_000, pageErrors, consoleLines }));
  });

  after(() => closeSite({ stack, browser }));

  test('the sign-in page links to it, and it opens without signing in', async () => {
    await page.goto(`${stack.adminURL}/sign-in`);
    await page.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(/\/docs$/);
    await page.getByRole('heading', { name: 'Sentinel API reference', level: 1 }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/admin/auth/me', { headers: { 'X-Requested-With': 'XMLHttpRequest' } })).status);
    assert.equal(me, 401, 'the reference page must not need a session');
  });

  test('it lists every route of the document', async () => {
    const blocks = page.locator('.opblock');
    // Swagger UI resolves the 3.1 document in the page first: slow on a
    // loaded 2-core machine.
    const started = Date.now();
    await blocks.first().waitFor({ timeout: 120_000 });
    console.log(`the reference rendered in ${Date.now() - started} ms after the page opened`);
    assert.equal(await blocks.count(), operations.length);
    const listed = await page.locator('.opblock-summary').evaluateAll((els) =>
      els.map((el) => {
        const method = el.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
        const p = el.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method} ${p}`;
      }),
    );
    assert.deepEqual(listed.toSorted(), operations.map((o) => `${o.method} ${o.path}`).toSorted());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'docs.png') });
  });

  test("one route's request and answer schemas open from its row", async () => {
    const op = page.locator('.opblock').filter({ has: page.locator('.opblock-summary-path[data-path="/permissions/check"]') });
    await op.locator('.opblock-summary-control').click();
    const body = op.locator('.opblock-section-request-body');
    await body.getByRole('tab', { name: 'Schema' }).click();
    const schema = doc.paths['/permissions/check'].post.requestBody.content['application/json'].schema;
    await body.locator('.model-box').first().waitFor();
    const modelText = await body.locator('.model-box').first().innerText();
    for (const name of Object.keys(schema.properties)) assert.ok(modelText.includes(name), `request schema lacks ${name}: ${modelText}`);
    // Its documented statuses, from the tier's 401 to the dependency's 503.
    const statuses = await op.locator('.responses-table tbody tr.response').evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-code')),
    );
    assert.deepEqual(statuses.toSorted(), Object.keys(doc.paths['/permissions/check'].post.responses).toSorted());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'docs-operation.png'), fullPage: false });
  });

  test('the page broke no CSP rule and threw nothing', () => {
    assert.deepEqual(
      consoleLines.filter((l) => /Content Security Policy|Refused to/i.test(l)),
      [],
      'Content-Security-Policy violations',
    );
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  });
});
