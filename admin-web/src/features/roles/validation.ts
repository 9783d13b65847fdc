import { z } from 'zod';

// RBAC's rules for a role (internal/rbac/model.go): a name of at most 100
// bytes, a description of at most 1000, checked before anything is sent.

export const ROLE_NAME_MAX = 100;
export const ROLE_DESCRIPTION_MAX = 1000;

const bytes = (s: string) => new TextEncoder().encode(s).length;

export const roleNameSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'Enter a name.')
  .refine((s) => bytes(s.trim()) <= ROLE_NAME_MAX, `Use at most ${ROLE_NAME_MAX} characters.`);

export const roleDescriptionSchema = z
  .string()
  .refine((s) => bytes(s.trim()) <= ROLE_DESCRIPTION_MAX, `Use at most ${ROLE_DESCRIPTION_MAX} characters.`);

/** A service name as RBAC checks it (internal/rbac/model.go serviceNameRE). */
export const serviceFilterSchema = z
  .string()
  .trim()
  .refine((s) => s.length <= 255, 'Use at most 255 characters.')
  .refine((s) => /^[a-z][a-z0-9_.-]*$/.test(s), 'Use a service name: lowercase letters, digits, “-”, “_” or “.”, starting with a letter.');

/** groupByService orders actions into one list per service name (services and actions sorted). */
export function groupByService<T extends { service_name: string; action: string }>(actions: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const a of actions) groups.set(a.service_name, [...(groups.get(a.service_name) ?? []), a]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, list]) => [service, [...list].sort((x, y) => x.action.localeCompare(y.action))]);
}

export { firstError } from '@/features/service-apps/validation';
