// The API calls the e2e tests make beside the browser's own.
import assert from 'node:assert/strict';

/**
 * Calls the admin API from a signed-in page (its cookie session).
 * @param {import('playwright-core').Page} page
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function adminCall(page, method, url, body) {
  return page.evaluate(
    async ([m, u, b]) => {
      const res = await fetch(u, {
        method: m,
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        ...(b === undefined ? {} : { body: JSON.stringify(b) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    /** @type {[string, string, unknown]} */ ([method, url, body]),
  );
}

/**
 * POSTs to the API as a backend, with a service key.
 * @param {string} apiURL
 * @param {string} key
 * @param {string} url
 * @param {unknown} body
 */
export async function servicePost(apiURL, key, url, body) {
  const res = await fetch(`${apiURL}${url}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Service-Key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * ok asserts a call succeeded (2xx) and returns its body.
 * @param {{status: number, body: any}} res
 */
export function ok(res) {
  assert.ok(res.status >= 200 && res.status < 300, `${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
