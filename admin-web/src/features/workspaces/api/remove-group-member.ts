import { request } from '@/lib/api-client';

/** DELETE /admin/groups/{gid}/members/{user_id} (204) */
export function removeGroupMember(groupId: string, userId: string): Promise<void> {
  return request(`/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}
