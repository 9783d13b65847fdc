import { request } from '@/lib/api-client';
import { WorkspaceSchema, type Workspace } from './schemas';
import { apiQuery } from '@/lib/query';

/** GET /admin/workspaces/{id} */
export function getWorkspace(id: string, signal?: AbortSignal): Promise<Workspace> {
  return request(`/workspaces/${encodeURIComponent(id)}`, { schema: WorkspaceSchema, ...(signal ? { signal } : {}) });
}

/** The query of workspace (see lib/query.ts). */
export const workspaceQuery = (id: string) => apiQuery(['workspaces', id], (signal) => getWorkspace(id, signal));
