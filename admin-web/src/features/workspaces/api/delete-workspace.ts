import { request } from '@/lib/api-client';

/** DELETE /admin/workspaces/{id} (204): also its memberships, groups, roles and resource ACLs. */
export function deleteWorkspace(id: string): Promise<void> {
  return request(`/workspaces/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
