import { request } from '@/lib/api-client';
import { GroupSchema, type Group } from './schemas';

/** POST /admin/workspaces/{id}/groups {name, description?} */
export function createGroup(workspaceId: string, input: { name: string; description: string }): Promise<Group> {
  return request(`/workspaces/${encodeURIComponent(workspaceId)}/groups`, { method: 'POST', body: input, schema: GroupSchema });
}
