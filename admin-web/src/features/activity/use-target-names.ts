import { useEffect, useState } from 'react';
import { getPermission } from '@/features/permissions/api/get-permission';
import { getServiceApp } from '@/features/service-apps/api/get-service-app';
import { shortId } from '@/lib/list-view';
import { getUser } from '@/features/users/api/get-user';
import { getGroup } from '@/features/workspaces/api/get-group';
import { getWorkspace } from '@/features/workspaces/api/get-workspace';
import type { ActivityEntry } from './api/get-activity';

// Names for the activity log's targets, looked up once per target (and
// kept for the session: a name seldom changes, and a deleted target keeps
// the name its entries recorded).

type Lookup = (id: string) => Promise<string>;

const LOOKUPS: Record<string, Lookup> = {
  workspace: async (id) => (await getWorkspace(id)).name,
  user: async (id) => {
    const u = await getUser(id);
    return u.name?.trim() || u.email;
  },
  service_app: async (id) => (await getServiceApp(id)).name,
  group: async (id) => (await getGroup(id)).name,
  resource_permission: async (id) => {
    const r = await getPermission(id);
    return `${r.service_name} · ${r.resource_type} ${shortId(r.resource_id)}`;
  },
};

const cache = new Map<string, Promise<string | null>>();

/** recordedName: the name the entry's own detail gives its target (what it was called then), if any. */
export function recordedName(e: Pick<ActivityEntry, 'target_type' | 'detail'>): string {
  const keys = e.target_type === 'user' ? ['name', 'email'] : ['name'];
  for (const key of keys) {
    const v = e.detail[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return '';
}

function lookup(type: string, id: string): Promise<string | null> | null {
  const find = LOOKUPS[type];
  if (!find || !id) return null;
  const key = `${type}#${id}`;
  let p = cache.get(key);
  if (!p) {
    p = find(id).catch(() => null); // gone or unreadable: fall back to the recorded name
    cache.set(key, p);
  }
  return p;
}

/** useTargetNames returns a name for each loaded entry's target: looked up, else recorded, else "". */
export function useTargetNames(entries: readonly ActivityEntry[]): (e: ActivityEntry) => string {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const wanted = [...new Set(entries.filter((e) => LOOKUPS[e.target_type]).map((e) => `${e.target_type}#${e.target_id}`))];
  const missing = wanted.filter((k) => !names.has(k)).join(',');
  useEffect(() => {
    if (!missing) return;
    let live = true;
    for (const key of missing.split(',')) {
      const [type = '', id = ''] = key.split('#');
      void lookup(type, id)?.then((name) => {
        if (live) setNames((prev) => (prev.has(key) ? prev : new Map(prev).set(key, name ?? '')));
      });
    }
    return () => {
      live = false;
    };
  }, [missing]);
  return (e) => names.get(`${e.target_type}#${e.target_id}`) || recordedName(e);
}
