import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { GroupSchema, type Group } from './schemas';
import { cursorList } from '@/lib/query';

const GroupPageSchema = pageSchema(GroupSchema);

/** GET /admin/workspaces/{id}/groups?limit=&cursor= */
export function getGroups(workspaceId: string, cursor: string | null, signal?: AbortSignal): Promise<Page<Group>> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/groups${listQuery({ limit: 100, cursor })}`, {
    schema: GroupPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of groups (see lib/query.ts). */
export const groupsQuery = (workspaceId: string) => cursorList(['workspaces', workspaceId, 'groups'], (cursor, signal) => getGroups(workspaceId, cursor, signal));
