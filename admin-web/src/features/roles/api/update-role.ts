import { request } from '@/lib/api-client';
import { RoleSchema, type Role } from './schemas';

/** PATCH /admin/roles/{rid} {name?, description?} */
export function updateRole(roleId: string, patch: { name?: string; description?: string }): Promise<Role> {
  return request(`/roles/${encodeURIComponent(roleId)}`, { method: 'PATCH', body: patch, schema: RoleSchema });
}
