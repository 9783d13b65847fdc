// Starts the real local stack (`sentinel dev`) for the end-to-end tests:
// built from ../cmd/sentinel, on free ports, with a temporary state
// directory and a known admin account; stopped (its whole process group)
// at the end.
//
// To run the tests against a stack that is already up (e.g. `make dev`), set
// SENTINEL_E2E_ADMIN_URL, SENTINEL_E2E_API_URL, SENTINEL_ADMIN_EMAIL and
// SENTINEL_ADMIN_PASSWORD.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(webRoot, '..');

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * @param {string} url
 * @param {number} timeoutMs
 * @param {() => string | null} [died] returns a reason when the stack has exited
 */
async function waitFor(url, timeoutMs, died) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const reason = died?.();
    if (reason) throw new Error(reason);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err instanceof Error ? err.message : err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`);
}

/**
 * @typedef {{ adminURL: string, apiURL: string, email: string, password: string, stop: () => Promise<void>, logTail: () => string }} Stack
 * @returns {Promise<Stack>}
 */
export async function startStack() {
  const external = process.env['SENTINEL_E2E_ADMIN_URL'];
  if (external) {
    const apiURL = process.env['SENTINEL_E2E_API_URL'];
    const email = process.env['SENTINEL_ADMIN_EMAIL'];
    const password = process.env['SENTINEL_ADMIN_PASSWORD'];
    if (!apiURL || !email || !password) {
      throw new Error('SENTINEL_E2E_ADMIN_URL needs SENTINEL_E2E_API_URL, SENTINEL_ADMIN_EMAIL and SENTINEL_ADMIN_PASSWORD');
    }
    await waitFor(`${apiURL}/health`, 10_000);
    return { adminURL: external.replace(/\/$/, ''), apiURL, email, password, stop: async () => {}, logTail: () => '' };
  }

  if (!existsSync(path.join(repoRoot, 'cmd', 'sentinel'))) {
    throw new Error('cmd/sentinel does not exist yet: the e2e tests need the local stack (`sentinel dev`)');
  }
  if (!existsSync(path.join(webRoot, 'dist', 'index.html'))) {
    throw new Error('admin-web/dist is not built: run `npm run build` first');
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'sentinel-e2e-'));
  const bin = path.join(tmp, 'sentinel');
  execFileSync(path.join(repoRoot, 'scripts', 'install-dynamodb-local.sh'), { cwd: repoRoot, stdio: 'inherit' });
  execFileSync('go', ['build', '-o', bin, './cmd/sentinel'], { cwd: repoRoot, stdio: 'inherit' });

  const [apiPort, adminPort, ddbPort, idpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const email = 'e2e-admin@sentinel.local';
  const password = `e2e-${randomBytes(18).toString('base64url')}`;
  const logFile = path.join(tmp, 'stack.log');
  const out = openSync(logFile, 'a');
  const child = spawn(bin, ['dev'], {
    cwd: repoRoot,
    detached: true, // its own process group, so stop() ends DynamoDB Local too
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      SENTINEL_API_PORT: String(apiPort),
      SENTINEL_ADMIN_PORT: String(adminPort),
      SENTINEL_DYNAMODB_PORT: String(ddbPort),
      SENTINEL_DEV_IDP_PORT: String(idpPort),
      SENTINEL_ADMIN_EMAIL: email,
      SENTINEL_ADMIN_PASSWORD: password,
      SENTINEL_LOCAL_DIR: path.join(tmp, 'state'),
      // The tests refuse deactivated and deleted keys on purpose, more often
      // than the default 20 failures a minute from one address allows.
      SENTINEL_AUTH_FAILURE_LIMIT: '1000',
    },
  });
  /** @type {string | null} */
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = `sentinel dev exited (${signal ?? `code ${code}`})`;
  });

  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '';
    }
  };

  const stop = async () => {
    if (child.pid && exited === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 10_000;
      while (exited === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    }
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL'); // anything left in the group
      } catch {
        /* nothing left */
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  };

  const apiURL = `http://127.0.0.1:${apiPort}`;
  const adminURL = `http://127.0.0.1:${adminPort}`;
  try {
    await waitFor(`${apiURL}/health`, 120_000, () => exited);
    await waitFor(`${adminURL}/`, 20_000, () => exited);
  } catch (err) {
    const tail = logTail();
    await stop();
    throw new Error(`${err instanceof Error ? err.message : err}\n--- sentinel dev log ---\n${tail}`);
  }
  return { adminURL, apiURL, email, password, stop, logTail };
}
