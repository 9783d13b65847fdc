import { request } from '@/lib/api-client';
import { EnrichedResourceSchema, type EnrichedResource } from './schemas';

/** GET /admin/permissions/{id}: the record with owner and grantee names. */
export function getPermission(id: string, signal?: AbortSignal): Promise<EnrichedResource> {
  return request(`/permissions/${encodeURIComponent(id)}`, { schema: EnrichedResourceSchema, ...(signal ? { signal } : {}) });
}
