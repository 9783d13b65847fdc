import { request } from '@/lib/api-client';
import { GroupMemberSchema, type GroupMember } from './schemas';

/** POST /admin/groups/{gid}/members/{user_id}: the user must be a member of the group's workspace. */
export function addGroupMember(groupId: string, userId: string): Promise<GroupMember> {
  return request(`/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}`, {
    method: 'POST',
    schema: GroupMemberSchema,
  });
}
