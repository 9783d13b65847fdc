import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { MemberSchema, type Member } from './schemas';
import { cursorList } from '@/lib/query';

const MemberPageSchema = pageSchema(MemberSchema);

/** GET /admin/workspaces/{id}/members?limit=&cursor= */
export function getMembers(workspaceId: string, cursor: string | null, signal?: AbortSignal): Promise<Page<Member>> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/members${listQuery({ limit: 100, cursor })}`, {
    schema: MemberPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of members (see lib/query.ts). */
export const membersQuery = (workspaceId: string) => cursorList(['workspaces', workspaceId, 'members'], (cursor, signal) => getMembers(workspaceId, cursor, signal));
