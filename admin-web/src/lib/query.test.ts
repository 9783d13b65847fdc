import { QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request, setWriteListener } from './api-client';
import { createQueryClient, cursorList, forgetInactive, loadedItems, mapLoaded } from './query';
import { mockFetch, on } from '@/testing/fetch';

const data = {
  pages: [
    { items: [1, 2], next_cursor: 'c1' },
    { items: [3], next_cursor: 'c2' },
  ],
  pageParams: [null, 'c1'],
};

describe('cursor lists in the query cache', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('flattens the loaded pages', () => {
    expect(loadedItems(data)).toEqual([1, 2, 3]);
    expect(loadedItems(undefined)).toEqual([]);
  });

  it('maps the loaded items and keeps every page’s cursor', () => {
    const next = mapLoaded(data, (items) => items.filter((n) => n !== 2).concat(4));
    expect(loadedItems(next)).toEqual([1, 3, 4]);
    expect(next.pages.map((p) => p.next_cursor)).toEqual(['c1', 'c2']);
    expect(next.pageParams).toEqual([null, 'c1']);
  });

  it('follows next_cursor page after page', async () => {
    const client = createQueryClient();
    const seen: (string | null)[] = [];
    const options = cursorList(['n'], async (cursor) => {
      seen.push(cursor);
      return cursor ? { items: [3], next_cursor: null } : { items: [1, 2], next_cursor: 'c1' };
    });
    const first = await client.fetchInfiniteQuery(options);
    expect(loadedItems(first)).toEqual([1, 2]);
    const more = await client.fetchInfiniteQuery({ ...options, pages: 2 });
    expect(loadedItems(more)).toEqual([1, 2, 3]);
    expect(seen).toEqual([null, null, 'c1']);
  });

  it('forgets the answers no page shows after a write, keeps the shown ones', async () => {
    const client = createQueryClient();
    client.setQueryData(['users', 'list', ''], 'cached');
    client.setQueryData(['users', 'u1'], 'shown');
    // An observer makes ['users', 'u1'] active, as a mounted page does (fresh: it does not fetch).
    const stop = new QueryObserver(client, { queryKey: ['users', 'u1'], staleTime: Infinity }).subscribe(() => undefined);

    mockFetch(on('PATCH', '/admin/users/u1', { status: 200, body: { ok: true } }), on('GET', '/admin/users/u1', { status: 200, body: {} }));
    const off = setWriteListener(() => forgetInactive(client));
    await request('/users/u1'); // a read forgets nothing
    expect(client.getQueryData(['users', 'list', ''])).toBe('cached');
    await request('/users/u1', { method: 'PATCH', body: {} });
    expect(client.getQueryData(['users', 'list', ''])).toBeUndefined();
    expect(client.getQueryData(['users', 'u1'])).toBe('shown');
    off();
    stop();
  });
});
