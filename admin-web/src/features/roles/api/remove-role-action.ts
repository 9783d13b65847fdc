import { request } from '@/lib/api-client';

/** DELETE /admin/roles/{rid}/actions/{action_id} (204) */
export function removeRoleAction(roleId: string, actionId: string): Promise<void> {
  return request(`/roles/${encodeURIComponent(roleId)}/actions/${encodeURIComponent(actionId)}`, { method: 'DELETE' });
}
