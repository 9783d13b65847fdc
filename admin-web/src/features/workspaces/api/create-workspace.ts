import { request } from '@/lib/api-client';
import { WorkspaceSchema, type Workspace } from './schemas';

export type CreateWorkspaceInput = { name: string; slug: string; description: string };

/** POST /admin/workspaces (409 when the slug is taken). */
export function createWorkspace(input: CreateWorkspaceInput): Promise<Workspace> {
  return request('/workspaces', { method: 'POST', body: input, schema: WorkspaceSchema });
}
