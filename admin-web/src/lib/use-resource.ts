import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api-client';

export type Resource<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ApiError };

/**
 * useResource loads data once per key and on reload(); setData replaces it
 * after a write answered with the new state (no refetch needed).
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string) {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setResource((prev) => (prev.status === 'ready' && generation > 0 ? prev : { status: 'loading' }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResource({ status: 'ready', data });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setResource({ status: 'error', error: asApiError(err) });
      },
    );
    return () => controller.abort();
    // load is recreated every render; key and generation decide when to load.
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const setData = useCallback((data: T | ((prev: T) => T)) => {
    setResource((prev) => {
      if (typeof data === 'function') {
        if (prev.status !== 'ready') return prev;
        return { status: 'ready', data: (data as (p: T) => T)(prev.data) };
      }
      return { status: 'ready', data };
    });
  }, []);

  return { resource, reload, setData };
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({ kind: 'server', status: 0, message: 'Something went wrong. Reload the page and try again.' });
}
