import { vi } from 'vitest';

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
export type Route = (url: string, init: RequestInit) => Reply | undefined;

/** mockFetch answers fetch calls from the given routes, and records them. */
export function mockFetch(...routes: Route[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    for (const route of routes) {
      const reply = route(url, init);
      if (reply) {
        const body = reply.body === undefined ? null : JSON.stringify(reply.body);
        return new Response(reply.status === 204 ? null : body, {
          status: reply.status,
          headers: { 'Content-Type': 'application/json', ...reply.headers },
        });
      }
    }
    throw new Error(`unexpected fetch ${init.method ?? 'GET'} ${url}`);
  });
  vi.stubGlobal('fetch', fn);
  return { fn, calls };
}

export const on =
  (method: string, path: string, reply: Reply | ((init: RequestInit) => Reply)): Route =>
  (url, init) =>
    (init.method ?? 'GET') === method && url === path ? (typeof reply === 'function' ? reply(init) : reply) : undefined;

export const sampleApp = (over: Record<string, unknown> = {}) => ({
  id: '6f1c2f7e-4b8a-4d7e-9a51-1c2d3e4f5a6b',
  name: 'Document store',
  service_name: 'docu-store',
  key_prefix: 'sk_test_AbCd',
  allowed_origins: ['https://docs.example.com'],
  is_active: true,
  last_used_at: null,
  created_by: 'admin@sentinel.local',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
  keys: [{ key_prefix: 'sk_test_AbCd', created_at: '2026-11-01T10:00:00Z', expires_at: null, last_used_at: null }],
  ...over,
});
