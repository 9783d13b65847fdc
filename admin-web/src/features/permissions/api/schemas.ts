import { z } from 'zod';

// The permission records (internal/permissions/model.go, api.md sections 4 and 8).

const optionalText = z.string().nullable().optional().transform((v) => v ?? '');

export const ResourceSchema = z.object({
  id: z.string(),
  service_name: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  workspace_id: z.string(),
  owner_id: z.string(),
  visibility: z.string(),
  created_at: z.string().nullable().optional().default(null),
});

/** An item of the admin list: the record without its shares, its owner named (api.md section 8). */
export const ListedResourceSchema = ResourceSchema.extend({
  owner_name: optionalText,
  owner_email: optionalText,
});

export const EnrichedShareSchema = z.object({
  id: z.string(),
  grantee_type: z.string(),
  grantee_id: z.string(),
  permission: z.string(),
  granted_by: optionalText,
  granted_at: z.string().nullable().optional().default(null),
  grantee_name: optionalText,
  grantee_email: optionalText,
  granted_by_name: optionalText,
});

export const EnrichedResourceSchema = ListedResourceSchema.extend({
  shares: z.array(EnrichedShareSchema).nullable().optional().transform((v) => v ?? []),
});

export type Resource = z.infer<typeof ResourceSchema>;
export type ListedResource = z.infer<typeof ListedResourceSchema>;
export type EnrichedShare = z.infer<typeof EnrichedShareSchema>;
export type EnrichedResource = z.infer<typeof EnrichedResourceSchema>;

export const VISIBILITIES = ['private', 'workspace'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const VISIBILITY_LABELS: Record<Visibility, string> = {
  private: 'Private: the owner, workspace owners and admins, and whom it is shared with',
  workspace: 'Workspace: every member may view; editors may edit',
};
export const LEVELS = ['view', 'edit'] as const;
export type Level = (typeof LEVELS)[number];
