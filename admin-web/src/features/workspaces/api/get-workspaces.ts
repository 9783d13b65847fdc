import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { WorkspaceSchema, type Workspace } from './schemas';

const WorkspacePageSchema = pageSchema(WorkspaceSchema);

/** GET /admin/workspaces?q=&limit=&cursor= */
export function getWorkspaces(q: string, cursor: string | null, signal?: AbortSignal): Promise<Page<Workspace>> {
  return request(`/workspaces${listQuery({ q: q.trim(), limit: 50, cursor })}`, {
    schema: WorkspacePageSchema,
    ...(signal ? { signal } : {}),
  });
}
