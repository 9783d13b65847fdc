import { request } from '@/lib/api-client';
import { RoleSchema, type Role } from './schemas';

/** POST /admin/workspaces/{id}/roles {name, description?} */
export function createRole(workspaceId: string, input: { name: string; description: string }): Promise<Role> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/roles`, { method: 'POST', body: input, schema: RoleSchema });
}
