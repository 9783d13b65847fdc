import { request } from '@/lib/api-client';

/** DELETE /admin/groups/{gid} (204) */
export function deleteGroup(groupId: string): Promise<void> {
  return request(`/groups/${encodeURIComponent(groupId)}`, { method: 'DELETE' });
}
