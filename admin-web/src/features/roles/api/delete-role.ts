import { request } from '@/lib/api-client';

/** DELETE /admin/roles/{rid} (204) */
export function deleteRole(roleId: string): Promise<void> {
  return request(`/roles/${encodeURIComponent(roleId)}`, { method: 'DELETE' });
}
