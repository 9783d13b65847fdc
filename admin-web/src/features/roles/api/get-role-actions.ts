import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { ServiceActionSchema, type ServiceAction } from './schemas';
import { cursorList } from '@/lib/query';

const ActionPageSchema = pageSchema(ServiceActionSchema);

/** GET /admin/roles/{rid}/actions?limit=&cursor= */
export function getRoleActions(roleId: string, cursor: string | null, signal?: AbortSignal): Promise<Page<ServiceAction>> {
  return request(`/roles/${encodeURIComponent(roleId)}/actions${listQuery({ limit: 100, cursor })}`, {
    schema: ActionPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of roleActions (see lib/query.ts). */
export const roleActionsQuery = (roleId: string) => cursorList(['roles', roleId, 'actions'], (cursor, signal) => getRoleActions(roleId, cursor, signal));
