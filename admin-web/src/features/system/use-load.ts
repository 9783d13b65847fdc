import type { QueryKey } from '@tanstack/react-query';
import type { ApiError } from '@/lib/api-client';
import { apiQuery, useRecord } from '@/lib/query';

export type Resource<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: ApiError };

/**
 * useLoad is one read of the overview and system pages as a query, told as
 * the three states these pages draw; reload asks again (the system health
 * checks run anew on each).
 */
export function useLoad<T>(queryKey: QueryKey, load: (signal: AbortSignal) => Promise<T>) {
  const { query } = useRecord(apiQuery(queryKey, load));
  const resource: Resource<T> = query.isPending
    ? { status: 'loading' }
    : query.isError
      ? { status: 'error', error: query.error }
      : { status: 'ready', data: query.data };
  return { resource, reload: () => void query.refetch() };
}
