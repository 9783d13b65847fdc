import { request } from '@/lib/api-client';
import { ServiceAppSchema, type ServiceApp } from './schemas';
import { apiQuery } from '@/lib/query';

/** GET /admin/service-apps/{id} */
export function getServiceApp(id: string, signal?: AbortSignal): Promise<ServiceApp> {
  return request(`/service-apps/${encodeURIComponent(id)}`, {
    schema: ServiceAppSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of serviceApp (see lib/query.ts). */
export const serviceAppQuery = (id: string) => apiQuery(['service-apps', id], (signal) => getServiceApp(id, signal));
