import { request } from '@/lib/api-client';
import { GroupSchema, type Group } from './schemas';

/** PATCH /admin/groups/{gid} {name?, description?} */
export function updateGroup(groupId: string, input: { name?: string; description?: string }): Promise<Group> {
  return request(`/groups/${encodeURIComponent(groupId)}`, { method: 'PATCH', body: input, schema: GroupSchema });
}
