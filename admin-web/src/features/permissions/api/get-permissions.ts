import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { ListedResourceSchema, type ListedResource } from './schemas';
import { cursorList } from '@/lib/query';

const ResourcePageSchema = pageSchema(ListedResourceSchema);

export type PermissionFilter = { workspace_id: string; service_name: string; resource_type: string };

/** GET /admin/permissions?workspace_id=&service_name=&resource_type=&limit=&cursor= (workspace or service required). */
export function getPermissions(f: PermissionFilter, cursor: string | null, signal?: AbortSignal): Promise<Page<ListedResource>> {
  return request(`/permissions${listQuery({ ...f, limit: 50, cursor })}`, {
    schema: ResourcePageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of permissions (see lib/query.ts). */
export const permissionsQuery = (f: PermissionFilter) => cursorList(['permissions', 'list', f], (cursor, signal) => getPermissions(f, cursor, signal));
