import { request } from '@/lib/api-client';
import { MemberSchema, type Member } from './schemas';

/** POST /admin/workspaces/{id}/members {email, role}: an unknown email is pre-provisioned as a user. */
export function addMember(workspaceId: string, input: { email: string; role: string }): Promise<Member> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/members`, { method: 'POST', body: input, schema: MemberSchema });
}
