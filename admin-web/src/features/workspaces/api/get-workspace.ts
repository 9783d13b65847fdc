import { request } from '@/lib/api-client';
import { WorkspaceSchema, type Workspace } from './schemas';

/** GET /admin/workspaces/{id} */
export function getWorkspace(id: string, signal?: AbortSignal): Promise<Workspace> {
  return request(`/workspaces/${encodeURIComponent(id)}`, { schema: WorkspaceSchema, ...(signal ? { signal } : {}) });
}
