import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { GroupMemberSchema, type GroupMember } from './schemas';
import { cursorList } from '@/lib/query';

const GroupMemberPageSchema = pageSchema(GroupMemberSchema);

/** GET /admin/groups/{gid}/members?q=&limit=&cursor= */
export function getGroupMembers(groupId: string, cursor: string | null, signal?: AbortSignal, q = ''): Promise<Page<GroupMember>> {
  return request(`/groups/${encodeURIComponent(groupId)}/members${listQuery({ q, limit: 100, cursor })}`, {
    schema: GroupMemberPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of groupMembers, searched for q when set (see lib/query.ts). */
export const groupMembersQuery = (groupId: string, q = '') =>
  cursorList(['groups', groupId, 'members', q], (cursor, signal) => getGroupMembers(groupId, cursor, signal, q));
