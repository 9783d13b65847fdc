import { request } from '@/lib/api-client';

/** DELETE /admin/service-apps/{id} (204). */
export function deleteServiceApp(id: string): Promise<void> {
  return request(`/service-apps/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
