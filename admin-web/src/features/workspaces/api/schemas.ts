import { z } from 'zod';

// The directory's answers (internal/directory model.go, api.md section 8).

export const WorkspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable().optional().transform((v) => v ?? ''),
  created_at: z.string(),
  updated_at: z.string().nullable().optional().default(null),
});

export const MemberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string().nullable().optional().transform((v) => v ?? ''),
  avatar_url: z.string().nullable().optional().transform((v) => v ?? ''),
  role: z.string(),
  joined_at: z.string().nullable().optional().default(null),
});

export const GroupSchema = z.object({
  id: z.string(),
  workspace_id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional().transform((v) => v ?? ''),
  created_at: z.string().nullable().optional().default(null),
  /** Kept by the API with every add and removal (admin answers only). */
  member_count: z.number().int().nonnegative(),
});

export const GroupMemberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string().nullable().optional().transform((v) => v ?? ''),
  added_at: z.string().nullable().optional().default(null),
});

export type Workspace = z.infer<typeof WorkspaceSchema>;
export type Member = z.infer<typeof MemberSchema>;
export type Group = z.infer<typeof GroupSchema>;
export type GroupMember = z.infer<typeof GroupMemberSchema>;
