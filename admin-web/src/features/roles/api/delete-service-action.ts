import { request } from '@/lib/api-client';

/** DELETE /admin/service-actions/{id} (204): also takes it out of every role holding it. */
export function deleteServiceAction(id: string): Promise<void> {
  return request(`/service-actions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
