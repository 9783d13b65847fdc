import type { z } from 'zod';
import { env } from '@/config/env';

// One client for the admin API: same origin, cookie session, JSON bodies,
// the X-Requested-With header the API requires on writes, and one mapping of
// error responses ({"detail": "..."}) to ApiError.

export type ApiErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'validation'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'invalid_response';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  /** The API's own words (`detail`), when it sent any. */
  readonly detail: string | null;
  /** For 422: the field the API named ("service_name: must match ..."). */
  readonly field: string | null;
  /** For 429: seconds until the API accepts the call again. */
  readonly retryAfterSeconds: number | null;
  readonly requestId: string | null;

  constructor(init: {
    kind: ApiErrorKind;
    status: number;
    message: string;
    detail?: string | null;
    field?: string | null;
    retryAfterSeconds?: number | null;
    requestId?: string | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.detail = init.detail ?? null;
    this.field = init.field ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.requestId = init.requestId ?? null;
  }
}

const kindByStatus: Record<number, ApiErrorKind> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  422: 'validation',
  429: 'rate_limited',
};

/** parseRetryAfter reads Retry-After as seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** describeWait turns seconds into "30 seconds" / "4 minutes". */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** toApiError maps a non-2xx response and its parsed body to an ApiError. */
export function toApiError(status: number, body: unknown, headers: Headers): ApiError {
  const detail =
    body && typeof body === 'object' && 'detail' in body && typeof (body as { detail: unknown }).detail === 'string'
      ? (body as { detail: string }).detail
      : null;
  const requestId = headers.get('X-Request-Id');
  const kind: ApiErrorKind = kindByStatus[status] ?? (status >= 500 ? 'server' : 'bad_request');
  switch (kind) {
    case 'unauthorized':
      return new ApiError({ kind, status, detail, requestId, message: detail ?? 'Your session has expired. Sign in again.' });
    case 'forbidden':
      return new ApiError({ kind, status, detail, requestId, message: detail ?? 'You are not allowed to do that.' });
    case 'not_found':
      return new ApiError({ kind, status, detail, requestId, message: detail ?? 'Not found.' });
    case 'too_large':
      return new ApiError({ kind, status, detail, requestId, message: 'The request is too large.' });
    case 'validation': {
      const m = detail ? /^([a-z_][a-z0-9_.[\]]*):\s*(.+)$/i.exec(detail) : null;
      const field = m?.[1]?.replace(/[.[].*$/, '') ?? null;
      return new ApiError({ kind, status, detail, requestId, field, message: detail ?? 'Some values are not valid.' });
    }
    case 'rate_limited': {
      const retryAfterSeconds = parseRetryAfter(headers.get('Retry-After'));
      const wait = retryAfterSeconds !== null ? ` Try again in ${describeWait(retryAfterSeconds)}.` : ' Try again later.';
      return new ApiError({ kind, status, detail, requestId, retryAfterSeconds, message: `Too many attempts.${wait}` });
    }
    case 'server':
      return new ApiError({
        kind,
        status,
        detail,
        requestId,
        message: `The server could not complete the request${requestId ? ` (request id ${requestId})` : ''}. Try again in a moment.`,
      });
    default:
      return new ApiError({ kind, status, detail, requestId, message: detail ?? `The request failed (HTTP ${status}).` });
  }
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/**
 * setUnauthorizedHandler registers what happens when a call answers 401
 * (the session is missing or expired). Returns a function that unregisters it.
 */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): () => void {
  onUnauthorized = handler;
  return () => {
    if (onUnauthorized === handler) onUnauthorized = null;
  };
}

type WriteListener = () => void;
let onWrite: WriteListener | null = null;

/**
 * setWriteListener registers what runs after every successful write (POST,
 * PATCH, DELETE): the query cache forgets what the write may have changed.
 * Returns a function that unregisters it.
 */
export function setWriteListener(listener: WriteListener): () => void {
  onWrite = listener;
  return () => {
    if (onWrite === listener) onWrite = null;
  };
}

/** asApiError: any failure as an ApiError (unexpected ones with a generic message). */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({ kind: 'server', status: 0, message: 'Something went wrong. Reload the page and try again.' });
}

export type RequestOptions<T> = {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Validates the response body; omit for 204 answers. */
  schema?: z.ZodType<T>;
  /**
   * A 401 from this call is an answer, not a lost session (sign-in, "who am
   * I"): do not trigger the session-expired handler.
   */
  unauthorizedIsAnswer?: boolean;
  signal?: AbortSignal;
};

export async function request<T = void>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const { method = 'GET', body, schema, unauthorizedIsAnswer = false, signal } = options;
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'X-Requested-With': 'XMLHttpRequest',
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(`${env.apiBasePath}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      kind: 'network',
      status: 0,
      message: 'Could not reach the server. Check your connection and try again.',
    });
  }

  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  if (!response.ok) {
    const error = toApiError(response.status, parsed, response.headers);
    if (error.kind === 'unauthorized' && !unauthorizedIsAnswer) onUnauthorized?.();
    throw error;
  }

  if (method !== 'GET') onWrite?.();
  if (!schema) return undefined as T;
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new ApiError({
      kind: 'invalid_response',
      status: response.status,
      requestId: response.headers.get('X-Request-Id'),
      message: 'The server sent an answer this page does not understand. Reload the page; if it persists, the site and the API may be out of step.',
    });
  }
  return result.data;
}
