import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { mockFetch, on } from '@/testing/fetch';
import { ApiError, parseRetryAfter, request, setUnauthorizedHandler } from './api-client';

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('api client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('calls /admin on this origin with the cookie, JSON and X-Requested-With', async () => {
    const { calls } = mockFetch(on('POST', '/admin/things', { status: 200, body: { ok: true } }));
    const got = await request('/things', { method: 'POST', body: { a: 1 }, schema: z.object({ ok: z.boolean() }) });
    expect(got).toEqual({ ok: true });
    const init = calls[0]!.init;
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"a":1}');
    expect(init.headers).toMatchObject({
      'X-Requested-With': 'XMLHttpRequest',
      'Content-Type': 'application/json',
      Accept: 'application/json',
    });
  });

  it('sends X-Requested-With on reads too, and no body or content type without one', async () => {
    const { calls } = mockFetch(on('GET', '/admin/things', { status: 200, body: [] }));
    await request('/things', { schema: z.array(z.unknown()) });
    expect(calls[0]!.init.headers).toMatchObject({ 'X-Requested-With': 'XMLHttpRequest' });
    expect(calls[0]!.init.headers).not.toHaveProperty('Content-Type');
    expect(calls[0]!.init.body).toBeUndefined();
  });

  it('answers undefined for 204', async () => {
    mockFetch(on('DELETE', '/admin/things/1', { status: 204 }));
    await expect(request('/things/1', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it('maps 422 "field: rule" to the field', async () => {
    mockFetch(on('POST', '/admin/x', { status: 422, body: { detail: 'service_name: must match ^[a-z][a-z0-9-]*[a-z0-9]$' } }));
    const err = await failure(request('/x', { method: 'POST', body: {} }));
    expect(err.kind).toBe('validation');
    expect(err.field).toBe('service_name');
    expect(err.message).toBe('service_name: must match ^[a-z][a-z0-9-]*[a-z0-9]$');
  });

  it('maps 409 to a conflict with the API’s words', async () => {
    mockFetch(on('POST', '/admin/x', { status: 409, body: { detail: "Service name 'docu-store' is already taken" } }));
    const err = await failure(request('/x', { method: 'POST', body: {} }));
    expect(err.kind).toBe('conflict');
    expect(err.message).toBe("Service name 'docu-store' is already taken");
  });

  it('maps 429 with Retry-After to a wait the admin can read', async () => {
    mockFetch(on('POST', '/admin/auth/login', { status: 429, body: { detail: 'Too many failed logins' }, headers: { 'Retry-After': '600' } }));
    const err = await failure(request('/auth/login', { method: 'POST', body: {}, unauthorizedIsAnswer: true }));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterSeconds).toBe(600);
    expect(err.message).toBe('Too many attempts. Try again in 10 minutes.');
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(60);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('hides 500 details but keeps the request id', async () => {
    mockFetch(on('GET', '/admin/x', { status: 500, body: { detail: 'internal error (request id r-1)' }, headers: { 'X-Request-Id': 'r-1' } }));
    const err = await failure(request('/x'));
    expect(err.kind).toBe('server');
    expect(err.requestId).toBe('r-1');
    expect(err.message).toContain('request id r-1');
  });

  it('turns a failed fetch into a network error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const err = await failure(request('/x'));
    expect(err.kind).toBe('network');
    expect(err.message).toContain('Could not reach the server');
  });

  it('refuses an answer that does not match the schema', async () => {
    mockFetch(on('GET', '/admin/x', { status: 200, body: { id: 1 } }));
    const err = await failure(request('/x', { schema: z.object({ id: z.string() }) }));
    expect(err.kind).toBe('invalid_response');
  });

  it('reports a 401 as a lost session, unless the call expects 401 as an answer', async () => {
    const expired = vi.fn();
    const off = setUnauthorizedHandler(expired);
    mockFetch(on('GET', '/admin/x', { status: 401, body: { detail: 'Session expired' } }), on('GET', '/admin/auth/me', { status: 401, body: { detail: 'Not signed in' } }));
    expect((await failure(request('/x'))).kind).toBe('unauthorized');
    expect(expired).toHaveBeenCalledTimes(1);
    await failure(request('/auth/me', { unauthorizedIsAnswer: true }));
    expect(expired).toHaveBeenCalledTimes(1);
    off();
  });
});
