import { request } from '@/lib/api-client';
import { ServiceAppSchema, type ServiceApp } from './schemas';

/** GET /admin/service-apps/{id} */
export function getServiceApp(id: string, signal?: AbortSignal): Promise<ServiceApp> {
  return request(`/service-apps/${encodeURIComponent(id)}`, {
    schema: ServiceAppSchema,
    ...(signal ? { signal } : {}),
  });
}
