import { request } from '@/lib/api-client';
import { MemberSchema, type Member } from './schemas';

/** PATCH /admin/workspaces/{id}/members/{user_id} {role} */
export function updateMember(workspaceId: string, userId: string, role: string): Promise<Member> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/members/${encodeURIComponent(userId)}`, {
    method: 'PATCH',
    body: { role },
    schema: MemberSchema,
  });
}
