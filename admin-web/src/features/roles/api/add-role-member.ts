import { request } from '@/lib/api-client';

/** POST /admin/roles/{rid}/members/{user_id} (201): the user must be a member of the role's workspace (400 otherwise). */
export function addRoleMember(roleId: string, userId: string): Promise<void> {
  return request(`/roles/${encodeURIComponent(roleId)}/members/${encodeURIComponent(userId)}`, { method: 'POST' });
}
