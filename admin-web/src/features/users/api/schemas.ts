import { z } from 'zod';

// Users as the admin API answers them (internal/directory contract.go, users.go).

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable().optional().transform((v) => v ?? ''),
  avatar_url: z.string().nullable().optional().transform((v) => v ?? ''),
  is_active: z.boolean(),
  created_at: z.string(),
});

const RefSchema = z.object({ id: z.string(), name: z.string() });
const refs = z.array(RefSchema).nullable().optional().transform((v) => v ?? []);

export const UserMembershipSchema = z.object({
  workspace_id: z.string(),
  workspace_name: z.string(),
  workspace_slug: z.string(),
  role: z.string(),
  joined_at: z.string().nullable().optional().default(null),
  groups: refs,
  roles: refs,
});

export const UserDetailSchema = UserSchema.extend({
  memberships: z.array(UserMembershipSchema).nullable().optional().transform((v) => v ?? []),
});

export type User = z.infer<typeof UserSchema>;
export type UserMembership = z.infer<typeof UserMembershipSchema>;
export type UserDetail = z.infer<typeof UserDetailSchema>;
