import { request } from '@/lib/api-client';

/** DELETE /admin/permissions/{id}/share {grantee_type, grantee_id} */
export function revokeShare(id: string, grantee: { grantee_type: string; grantee_id: string }): Promise<void> {
  return request(`/permissions/${encodeURIComponent(id)}/share`, { method: 'DELETE', body: grantee });
}
