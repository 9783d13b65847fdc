import { request } from '@/lib/api-client';
import { UserDetailSchema, type UserDetail } from './schemas';

/** GET /admin/users/{id}: the user with memberships, groups and roles. */
export function getUser(id: string, signal?: AbortSignal): Promise<UserDetail> {
  return request(`/users/${encodeURIComponent(id)}`, { schema: UserDetailSchema, ...(signal ? { signal } : {}) });
}
