import { request } from '@/lib/api-client';
import type { Visibility } from './schemas';

/** PATCH /admin/permissions/{id}/visibility {visibility} */
export function updateVisibility(id: string, visibility: Visibility): Promise<void> {
  return request(`/permissions/${encodeURIComponent(id)}/visibility`, { method: 'PATCH', body: { visibility } });
}
