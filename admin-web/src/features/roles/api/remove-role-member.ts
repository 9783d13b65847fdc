import { request } from '@/lib/api-client';

/** DELETE /admin/roles/{rid}/members/{user_id} (204) */
export function removeRoleMember(roleId: string, userId: string): Promise<void> {
  return request(`/roles/${encodeURIComponent(roleId)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}
