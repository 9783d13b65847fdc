import { request } from '@/lib/api-client';
import { ServiceAppSchema, type ServiceApp } from './schemas';

/** POST /admin/service-apps/{id}/revoke-previous-key: ends a grace period now. */
export function revokePreviousKey(id: string): Promise<ServiceApp> {
  return request(`/service-apps/${encodeURIComponent(id)}/revoke-previous-key`, {
    method: 'POST',
    schema: ServiceAppSchema,
  });
}
