import { z } from 'zod';

// The list filter's rules (internal/permissions handlers.go List): a
// workspace or a service is required, a resource type needs a service, and
// names follow ^[a-z][a-z0-9_.-]*$ (at most 255 characters).

const NAME = /^[a-z][a-z0-9_.-]*$/;
const name = (what: string) =>
  z
    .string()
    .refine((s) => s.length <= 255, 'Use at most 255 characters.')
    .refine((s) => s === '' || NAME.test(s), `Use a ${what}: lowercase letters, digits, “-”, “_” or “.”, starting with a letter.`);

export const permissionFilterSchema = z
  .object({ workspace_id: z.string(), service_name: name('service name'), resource_type: name('resource type') })
  .superRefine((f, ctx) => {
    if (!f.workspace_id && !f.service_name)
      ctx.addIssue({ code: 'custom', path: ['service_name'], message: 'Choose a workspace or enter a service name.' });
    if (f.resource_type && !f.service_name)
      ctx.addIssue({ code: 'custom', path: ['resource_type'], message: 'A resource type needs a service name.' });
  });

export type FilterErrors = Partial<Record<'workspace_id' | 'service_name' | 'resource_type', string>>;

/** filterErrors returns the first problem of each field, or null when the filter can be sent. */
export function filterErrors(f: { workspace_id: string; service_name: string; resource_type: string }): FilterErrors | null {
  const r = permissionFilterSchema.safeParse(f);
  if (r.success) return null;
  const out: FilterErrors = {};
  for (const issue of r.error.issues) {
    const key = issue.path[0] as keyof FilterErrors;
    out[key] ??= issue.message;
  }
  return out;
}
