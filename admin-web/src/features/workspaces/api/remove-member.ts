import { request } from '@/lib/api-client';

/** DELETE /admin/workspaces/{id}/members/{user_id} (204) */
export function removeMember(workspaceId: string, userId: string): Promise<void> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}
