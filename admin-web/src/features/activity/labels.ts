// Names for the actions and target types the API records (internal/*: every
// activity.Entry). Unknown ones still show, by their code.

export const ACTION_LABELS: Record<string, string> = {
  'admin.create': 'Admin created',
  'admin.password_reset': 'Admin password reset',
  'admin.login': 'Admin signed in',
  'admin.login_failed': 'Admin sign-in failed',
  'admin.logout': 'Admin signed out',
  'service_app.create': 'Service app created',
  'service_app.update': 'Service app updated',
  'service_app.activate': 'Service app activated',
  'service_app.deactivate': 'Service app deactivated',
  'service_app.rotate_key': 'API key regenerated',
  'service_app.revoke_previous_key': 'Previous key revoked',
  'service_app.delete': 'Service app deleted',
  'workspace.create': 'Workspace created',
  'workspace.update': 'Workspace updated',
  'workspace.delete': 'Workspace deleted',
  'member.add': 'Member added',
  'member.update': 'Member role changed',
  'member.remove': 'Member removed',
  'user.create': 'User created',
  'user.update': 'User updated',
  'user.activate': 'User activated',
  'user.deactivate': 'User deactivated',
  'user.link_identity': 'Identity linked',
  'group.create': 'Group created',
  'group.update': 'Group updated',
  'group.delete': 'Group deleted',
  'group.add_member': 'Group member added',
  'group.remove_member': 'Group member removed',
  'role.create': 'Role created',
  'role.update': 'Role updated',
  'role.delete': 'Role deleted',
  'role.add_actions': 'Role actions added',
  'role.remove_action': 'Role action removed',
  'role.add_member': 'Role member added',
  'role.remove_member': 'Role member removed',
  'service_action.delete': 'Service action deleted',
  'permission.share': 'Resource shared',
  'permission.unshare': 'Resource unshared',
  'permission.update_visibility': 'Visibility changed',
  'permission.purge_service': 'Service permissions purged',
};

export const TARGET_TYPE_LABELS: Record<string, string> = {
  admin: 'Admin',
  service_app: 'Service app',
  workspace: 'Workspace',
  user: 'User',
  group: 'Group',
  role: 'Role',
  service_action: 'Service action',
  service: 'Service',
  resource_permission: 'Resource',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

export function targetTypeLabel(type: string): string {
  return TARGET_TYPE_LABELS[type] ?? type;
}

/** The action codes grouped by their area ("workspace.create" → "workspace"), for a filter menu. */
export function actionGroups(): { area: string; actions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const action of Object.keys(ACTION_LABELS)) {
    const area = action.split('.')[0] ?? action;
    groups.set(area, [...(groups.get(area) ?? []), action]);
  }
  return [...groups].map(([area, actions]) => ({ area, actions }));
}

const SECRET_KEY = /secret|password|token|api_key|hash|credential/i;

/**
 * detailPairs turns an entry's detail into short "key: value" pairs. Values
 * under secret-looking keys are never shown (the API does not record any;
 * this is a second guard), and long values are cut.
 */
export function detailPairs(detail: Record<string, unknown>, max = 80): { key: string; value: string }[] {
  return Object.entries(detail)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, raw]) => {
      if (SECRET_KEY.test(key) && key !== 'key_prefix') return { key, value: '(hidden)' };
      let value: string;
      if (raw === null || raw === undefined || raw === '') value = '—';
      else if (typeof raw === 'string') value = raw;
      else if (typeof raw === 'number' || typeof raw === 'boolean') value = String(raw);
      else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string' || typeof v === 'number')) value = raw.join(', ');
      else value = JSON.stringify(raw);
      if ([...value].length > max) value = `${[...value].slice(0, max - 1).join('')}…`;
      return { key, value };
    });
}
