import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { RoleMemberSchema, type RoleMember } from './schemas';
import { cursorList } from '@/lib/query';

const MemberPageSchema = pageSchema(RoleMemberSchema);

/** GET /admin/roles/{rid}/members?limit=&cursor= */
export function getRoleMembers(roleId: string, cursor: string | null, signal?: AbortSignal): Promise<Page<RoleMember>> {
  return request(`/roles/${encodeURIComponent(roleId)}/members${listQuery({ limit: 100, cursor })}`, {
    schema: MemberPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of roleMembers (see lib/query.ts). */
export const roleMembersQuery = (roleId: string) => cursorList(['roles', roleId, 'members'], (cursor, signal) => getRoleMembers(roleId, cursor, signal));
