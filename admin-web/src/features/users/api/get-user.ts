import { request } from '@/lib/api-client';
import { UserDetailSchema, type UserDetail } from './schemas';
import { apiQuery } from '@/lib/query';

/** GET /admin/users/{id}: the user with memberships, groups and roles. */
export function getUser(id: string, signal?: AbortSignal): Promise<UserDetail> {
  return request(`/users/${encodeURIComponent(id)}`, { schema: UserDetailSchema, ...(signal ? { signal } : {}) });
}

/** The query of user (see lib/query.ts). */
export const userQuery = (id: string) => apiQuery(['users', id], (signal) => getUser(id, signal));
