import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { ServiceActionSchema, type ServiceAction } from './schemas';
import { cursorList } from '@/lib/query';

const ActionPageSchema = pageSchema(ServiceActionSchema);

/** GET /admin/service-actions?service_name=&limit=&cursor=, ordered by service and action. */
export function getServiceActions(serviceName: string, cursor: string | null, signal?: AbortSignal): Promise<Page<ServiceAction>> {
  return request(`/service-actions${listQuery({ service_name: serviceName, limit: 100, cursor })}`, {
    schema: ActionPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of serviceActions (see lib/query.ts). */
export const serviceActionsQuery = (serviceName: string) => cursorList(['service-actions', serviceName], (cursor, signal) => getServiceActions(serviceName, cursor, signal));
