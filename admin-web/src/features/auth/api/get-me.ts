import { ApiError, request } from '@/lib/api-client';
import { AdminSchema, type Admin } from './schemas';

/** GET /admin/auth/me: the signed-in admin, or null when there is no session. */
export async function getMe(signal?: AbortSignal): Promise<Admin | null> {
  try {
    return await request('/auth/me', { schema: AdminSchema, unauthorizedIsAnswer: true, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'unauthorized') return null;
    throw err;
  }
}
