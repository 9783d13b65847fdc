import { request } from '@/lib/api-client';
import { WorkspaceSchema, type Workspace } from './schemas';

export type UpdateWorkspaceInput = { name?: string; description?: string };

/** PATCH /admin/workspaces/{id} */
export function updateWorkspace(id: string, input: UpdateWorkspaceInput): Promise<Workspace> {
  return request(`/workspaces/${encodeURIComponent(id)}`, { method: 'PATCH', body: input, schema: WorkspaceSchema });
}
