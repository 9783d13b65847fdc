import { request } from '@/lib/api-client';
import { GroupSchema, type Group } from './schemas';

/** GET /admin/groups/{gid}: the group with its member count. */
export function getGroup(groupId: string, signal?: AbortSignal): Promise<Group> {
  return request(`/groups/${encodeURIComponent(groupId)}`, { schema: GroupSchema, ...(signal ? { signal } : {}) });
}
