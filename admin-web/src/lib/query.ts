import {
  infiniteQueryOptions,
  queryOptions,
  QueryClient,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryKey,
} from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { ApiError, asApiError } from './api-client';
import type { Page } from './paging';

// TanStack Query is the one way this site fetches: every read is a query
// keyed by what it asks for (keys start with the area: "workspaces",
// "users", …), every list of the API's cursor pages an infinite query.

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
  }
}

/**
 * createQueryClient: no automatic retries (a failed list shows its error
 * with "Try again"), no refetch on window focus (a form being filled in
 * must not change under the admin); a cached answer is shown at once on a
 * revisit and refreshed in the background (staleTime 0).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

/**
 * forgetInactive runs after every write the site makes (api-client's write
 * listener): the cached answers no page shows now are dropped, so the next
 * visit loads them fresh instead of showing what the write changed. The
 * page that wrote updates its own queries from the answer (setQueryData) or
 * invalidates them.
 */
export function forgetInactive(client: QueryClient): void {
  client.removeQueries({ type: 'inactive' });
}

/** apiQuery: the query of one API read (load gets the query's abort signal). */
export function apiQuery<T>(queryKey: QueryKey, load: (signal: AbortSignal) => Promise<T>) {
  return queryOptions({ queryKey, queryFn: ({ signal }) => load(signal).catch(rethrowApiError) });
}

/**
 * useRecord runs an apiQuery; setData replaces the cached answer after a
 * write answered with the new state (no refetch needed).
 */
export function useRecord<T>(options: ReturnType<typeof apiQuery<T>>) {
  const query = useQuery(options);
  const client = useQueryClient();
  const { queryKey } = options;
  const setData = useCallback(
    (data: T | ((prev: T) => T)) =>
      client.setQueryData<T>(queryKey, (prev) =>
        typeof data === 'function' ? (prev === undefined ? prev : (data as (p: T) => T)(prev)) : data,
      ),
    // The key's content, not its identity, names the query.
    [client, JSON.stringify(queryKey)],
  );
  return { query, setData };
}

export type CursorLoad<T> = (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>;

/** cursorList: the infinite query of an {items, next_cursor} list, page after page. */
export function cursorList<T>(queryKey: QueryKey, load: CursorLoad<T>) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam, signal }) => load(pageParam, signal).catch(rethrowApiError),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<T>) => last.next_cursor,
  });
}

/** rethrowApiError makes every failure of a query an ApiError (the Register above). */
export function rethrowApiError(err: unknown): never {
  if (err instanceof DOMException && err.name === 'AbortError') throw err;
  throw asApiError(err);
}

/** loadedItems flattens the pages loaded so far. */
export function loadedItems<T, P>(data: InfiniteData<Page<T>, P> | undefined): T[] {
  return data ? data.pages.flatMap((p) => p.items) : [];
}

/**
 * mapLoaded applies f to the loaded items and keeps the pages' cursors: the
 * result goes in the first page, the others keep only their next_cursor
 * (a refetch replaces all of them anyway).
 */
export function mapLoaded<T, P>(data: InfiniteData<Page<T>, P>, f: (items: T[]) => T[]): InfiniteData<Page<T>, P> {
  const items = f(loadedItems(data));
  return { ...data, pages: data.pages.map((p, i) => ({ ...p, items: i === 0 ? items : [] })) };
}

export type CursorListView<T> = ReturnType<typeof useCursorList<T>>;

/**
 * useCursorList runs a cursorList query: items are the loaded pages' items,
 * loadMore fetches the next page, update changes the cached items after a
 * write answered with the new state (no refetch).
 */
export function useCursorList<T>(options: ReturnType<typeof cursorList<T>>) {
  const query = useInfiniteQuery(options);
  const client = useQueryClient();
  const { queryKey } = options;
  const items = useMemo(() => loadedItems(query.data), [query.data]);
  const update = useCallback(
    (f: (items: T[]) => T[]) =>
      client.setQueryData<InfiniteData<Page<T>, string | null>>(queryKey, (data) => (data ? mapLoaded(data, f) : data)),
    // The key's content, not its identity, names the query.
    [client, JSON.stringify(queryKey)],
  );
  const loadMore = useCallback(() => {
    if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [query]);
  return { query, items, update, loadMore };
}
