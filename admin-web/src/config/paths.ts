// Client-side routes. None of them may start with /admin: that prefix belongs
// to the API on the same origin.
export const paths = {
  /** The Overview: where signing in lands. */
  home: { path: '/', href: () => '/' },
  signIn: {
    path: '/sign-in',
    href: (next?: string) => (next && next !== '/' ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'),
  },
  docs: { path: '/docs', href: () => '/docs' },
  serviceApps: { path: '/service-apps', href: () => '/service-apps' },
  serviceApp: { path: '/service-apps/:id', href: (id: string) => `/service-apps/${encodeURIComponent(id)}` },
  activity: { path: '/activity', href: () => '/activity' },
  workspaces: { path: '/workspaces', href: () => '/workspaces' },
  workspace: {
    path: '/workspaces/:id',
    /** tab: one of the page's sections (members, groups, roles, settings); the overview without. */
    href: (id: string, tab?: string) => `/workspaces/${encodeURIComponent(id)}${tab ? `?tab=${encodeURIComponent(tab)}` : ''}`,
  },
  role: {
    path: '/workspaces/:id/roles/:rid',
    href: (workspaceId: string, roleId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/roles/${encodeURIComponent(roleId)}`,
  },
  group: {
    path: '/workspaces/:id/groups/:gid',
    href: (workspaceId: string, groupId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/groups/${encodeURIComponent(groupId)}`,
  },
  serviceActions: { path: '/service-actions', href: () => '/service-actions' },
  permissions: { path: '/permissions', href: () => '/permissions' },
  permission: { path: '/permissions/:id', href: (id: string) => `/permissions/${encodeURIComponent(id)}` },
  users: { path: '/users', href: () => '/users' },
  user: { path: '/users/:id', href: (id: string) => `/users/${encodeURIComponent(id)}` },
  admins: { path: '/admins', href: () => '/admins' },
  health: { path: '/health', href: () => '/health' },
  settings: { path: '/settings', href: () => '/settings' },
  account: { path: '/account', href: () => '/account' },
} as const;

// safeNext returns a local path to continue to after sign-in, or the default.
// Anything that is not a same-origin SPA path (protocol-relative URLs,
// absolute URLs, the API's /admin prefix) is ignored.
export function safeNext(next: string | null | undefined): string {
  const fallback = paths.home.href();
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next === '/admin' || next.startsWith('/admin/') || next.startsWith('/admin?')) return fallback;
  if (next.startsWith(paths.signIn.path)) return fallback;
  return next;
}
