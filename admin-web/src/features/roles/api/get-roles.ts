import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { RoleSchema, type Role } from './schemas';
import { cursorList } from '@/lib/query';

const RolePageSchema = pageSchema(RoleSchema);

/** GET /admin/workspaces/{id}/roles?limit=&cursor= (with action_count and member_count) */
export function getRoles(workspaceId: string, cursor: string | null, signal?: AbortSignal): Promise<Page<Role>> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/roles${listQuery({ limit: 100, cursor })}`, {
    schema: RolePageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of roles (see lib/query.ts). */
export const rolesQuery = (workspaceId: string) => cursorList(['workspaces', workspaceId, 'roles'], (cursor, signal) => getRoles(workspaceId, cursor, signal));
