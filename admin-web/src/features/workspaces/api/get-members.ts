import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { MemberSchema, type Member } from './schemas';
import { cursorList } from '@/lib/query';

const MemberPageSchema = pageSchema(MemberSchema);

/** GET /admin/workspaces/{id}/members?q=&limit=&cursor= (q: an exact id or email, or the start of a name or email; api.md "Search") */
export function getMembers(
  workspaceId: string,
  cursor: string | null,
  signal?: AbortSignal,
  search: { q?: string; limit?: number } = {},
): Promise<Page<Member>> {
  const q = search.q?.trim() ?? '';
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/members${listQuery({ q, limit: search.limit ?? 100, cursor })}`, {
    schema: MemberPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of members (see lib/query.ts). */
export const membersQuery = (workspaceId: string) => cursorList(['workspaces', workspaceId, 'members'], (cursor, signal) => getMembers(workspaceId, cursor, signal));
