import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { RoleMemberSchema, type RoleMember } from './schemas';

const MemberPageSchema = pageSchema(RoleMemberSchema);

/** GET /admin/roles/{rid}/members?limit=&cursor= */
export function getRoleMembers(roleId: string, cursor: string | null, signal?: AbortSignal): Promise<Page<RoleMember>> {
  return request(`/roles/${encodeURIComponent(roleId)}/members${listQuery({ limit: 100, cursor })}`, {
    schema: MemberPageSchema,
    ...(signal ? { signal } : {}),
  });
}
