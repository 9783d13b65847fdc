import type { PermissionFilter } from './api/get-permissions';
import type { ListedResource } from './api/schemas';
import { displayName } from '@/lib/list-view';

// The Permissions list's data shaping (tested in filters.test.ts): the filter
// in the URL, the workspace chosen on arrival, short ids and owner labels.

export const FILTER_KEYS = ['workspace_id', 'service_name', 'resource_type'] as const;

/** filterFromParams reads the list's filter from the URL's query. */
export function filterFromParams(params: URLSearchParams): PermissionFilter {
  return {
    workspace_id: params.get('workspace_id') ?? '',
    service_name: params.get('service_name') ?? '',
    resource_type: params.get('resource_type') ?? '',
  };
}

/** filterParams: the URL query of a filter, trimmed, without empty values (in a stable order). */
export function filterParams(f: PermissionFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = f[k].trim();
    if (v) out[k] = v;
  }
  return out;
}

/** sameFilter compares two filters as the URL would hold them. */
export function sameFilter(a: PermissionFilter, b: PermissionFilter): boolean {
  return JSON.stringify(filterParams(a)) === JSON.stringify(filterParams(b));
}

/**
 * arrivalWorkspace: on arrival without any filter in the URL, the first
 * workspace (so a list shows at once); null when the URL has a filter or
 * there is no workspace.
 */
export function arrivalWorkspace(params: URLSearchParams, workspaces: readonly { id: string }[] | undefined): string | null {
  if (FILTER_KEYS.some((k) => params.get(k))) return null;
  return workspaces?.[0]?.id ?? null;
}

/** ownerLabel: the owner's name (or email when nameless), null when the directory does not know them. */
export function ownerLabel(r: Pick<ListedResource, 'owner_name' | 'owner_email'>): string | null {
  return r.owner_email ? displayName({ name: r.owner_name, email: r.owner_email }) : null;
}
