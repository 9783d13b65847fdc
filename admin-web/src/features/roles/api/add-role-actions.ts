import { request } from '@/lib/api-client';

/** The API takes at most this many actions in one call. */
export const MAX_ADD_ACTIONS = 40;

/** POST /admin/roles/{rid}/actions {service_action_ids} (201 {status: "ok"}); held ones are left alone. */
export function addRoleActions(roleId: string, serviceActionIds: string[]): Promise<void> {
  return request(`/roles/${encodeURIComponent(roleId)}/actions`, { method: 'POST', body: { service_action_ids: serviceActionIds } });
}
