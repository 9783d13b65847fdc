import { request } from '@/lib/api-client';
import type { Level } from './schemas';

export type Grantee = { grantee_type: 'user' | 'group'; grantee_id: string };

/** POST /admin/permissions/{id}/share {grantee_type, grantee_id, permission}: sharing again changes the level. */
export function share(id: string, grantee: Grantee, permission: Level): Promise<void> {
  return request(`/permissions/${encodeURIComponent(id)}/share`, { method: 'POST', body: { ...grantee, permission } });
}
