import { z } from 'zod';

// RBAC's answers (internal/rbac/model.go, api.md sections 5 and 8).

export const RoleSchema = z.object({
  id: z.string(),
  workspace_id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional().transform((v) => v ?? ''),
  created_at: z.string().nullable().optional().default(null),
  updated_at: z.string().nullable().optional().default(null),
  action_count: z.number().int().nullable().optional().transform((v) => v ?? 0),
  member_count: z.number().int().nullable().optional().transform((v) => v ?? 0),
});

export const ServiceActionSchema = z.object({
  id: z.string(),
  service_name: z.string(),
  action: z.string(),
  description: z.string().nullable().optional().transform((v) => v ?? ''),
  created_at: z.string().nullable().optional().default(null),
});

export const RoleMemberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string().nullable().optional().transform((v) => v ?? ''),
  assigned_at: z.string().nullable().optional().default(null),
});

export type Role = z.infer<typeof RoleSchema>;
export type ServiceAction = z.infer<typeof ServiceActionSchema>;
export type RoleMember = z.infer<typeof RoleMemberSchema>;
