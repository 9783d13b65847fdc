import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { WorkspaceSchema, type Workspace } from './schemas';
import { cursorList } from '@/lib/query';

const WorkspacePageSchema = pageSchema(WorkspaceSchema);

/** GET /admin/workspaces?q=&limit=&cursor= */
export function getWorkspaces(q: string, cursor: string | null, signal?: AbortSignal): Promise<Page<Workspace>> {
  return request(`/workspaces${listQuery({ q: q.trim(), limit: 50, cursor })}`, {
    schema: WorkspacePageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of workspaces (see lib/query.ts). */
export const workspacesQuery = (q: string) => cursorList(['workspaces', 'list', q], (cursor, signal) => getWorkspaces(q, cursor, signal));
