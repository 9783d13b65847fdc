import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { ApiError } from './api-client';
import { asApiError } from './use-resource';

// The admin API's list envelope (api.md section 8): {items, next_cursor},
// next_cursor null on the last page; ?limit=&cursor= (and q= where noted).

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item).nullable().transform((v) => v ?? []),
    next_cursor: z.string().nullable().optional().transform((v) => v || null),
  });
}

export type Page<T> = { items: T[]; next_cursor: string | null };

/** listQuery builds "?q=…&limit=…&cursor=…" from the values that are set. */
export function listQuery(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

export type PagedList<T> =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; items: T[]; nextCursor: string | null; loadingMore: boolean; moreError: ApiError | null };

/**
 * usePagedList loads the first page for key, and appends the next page on
 * loadMore() (following next_cursor). A new key starts over.
 */
export function usePagedList<T>(load: (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>, key: string) {
  const [state, setState] = useState<PagedList<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(null, controller.signal).then(
      (page) => {
        if (!controller.signal.aborted)
          setState({ status: 'ready', items: page.items, nextCursor: page.next_cursor, loadingMore: false, moreError: null });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error: asApiError(err) });
      },
    );
    return () => controller.abort();
    // load is recreated every render; key and generation decide when to load.
  }, [key, generation]);

  const loadMore = async () => {
    if (state.status !== 'ready' || !state.nextCursor || state.loadingMore) return;
    const cursor = state.nextCursor;
    setState({ ...state, loadingMore: true, moreError: null });
    try {
      const page = await load(cursor);
      setState((prev) =>
        prev.status === 'ready'
          ? { status: 'ready', items: [...prev.items, ...page.items], nextCursor: page.next_cursor, loadingMore: false, moreError: null }
          : prev,
      );
    } catch (err) {
      setState((prev) => (prev.status === 'ready' ? { ...prev, loadingMore: false, moreError: asApiError(err) } : prev));
    }
  };

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const update = useCallback((f: (items: T[]) => T[]) => {
    setState((prev) => (prev.status === 'ready' ? { ...prev, items: f(prev.items) } : prev));
  }, []);

  return { state, loadMore, reload, update };
}

/**
 * loadAll follows next_cursor until the last page (at most maxPages pages),
 * for the short lists a picker needs whole: a workspace's roles and members,
 * the registered service actions.
 */
export async function loadAll<T>(
  load: (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>,
  signal?: AbortSignal,
  maxPages = 20,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await load(cursor, signal);
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}
