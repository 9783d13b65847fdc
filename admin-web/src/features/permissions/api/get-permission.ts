import { request } from '@/lib/api-client';
import { EnrichedResourceSchema, type EnrichedResource } from './schemas';
import { apiQuery } from '@/lib/query';

/** GET /admin/permissions/{id}: the record with owner and grantee names. */
export function getPermission(id: string, signal?: AbortSignal): Promise<EnrichedResource> {
  return request(`/permissions/${encodeURIComponent(id)}`, { schema: EnrichedResourceSchema, ...(signal ? { signal } : {}) });
}

/** The query of permission (see lib/query.ts). */
export const permissionQuery = (id: string) => apiQuery(['permissions', id], (signal) => getPermission(id, signal));
