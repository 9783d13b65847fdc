import { z } from 'zod';
import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { cursorList } from '@/lib/query';

export const TeamAdminSchema = z.object({
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'deactivated']),
  created_at: z.string(),
  last_sign_in_at: z.string().nullable(),
  must_change_password: z.boolean(),
  totp_enabled: z.boolean(),
});

export type TeamAdmin = z.infer<typeof TeamAdminSchema>;

const AdminPageSchema = pageSchema(TeamAdminSchema);

/** GET /admin/admins?limit=&cursor= */
export function getAdmins(cursor: string | null, signal?: AbortSignal): Promise<Page<TeamAdmin>> {
  return request(`/admins${listQuery({ limit: 50, cursor })}`, { schema: AdminPageSchema, ...(signal ? { signal } : {}) });
}

export const CreateAdminInputSchema = z.object({
  email: z.string().trim().min(1, 'Enter an email address.').regex(/^[^\s@]+@[^\s@]+$/, 'Enter a valid email address.'),
  name: z.string().trim().max(200, 'At most 200 characters.'),
});

export type CreateAdminInput = z.infer<typeof CreateAdminInputSchema>;

const CreatedSchema = TeamAdminSchema.extend({ temporary_password: z.string().min(1) });

/** POST /admin/admins: the answer carries the temporary password, once. */
export async function createAdmin(input: CreateAdminInput): Promise<{ admin: TeamAdmin; temporaryPassword: string }> {
  const { temporary_password, ...admin } = await request('/admins', { method: 'POST', body: input, schema: CreatedSchema });
  return { admin, temporaryPassword: temporary_password };
}

/** POST /admin/admins/{email}/deactivate or /reactivate */
export function setAdminActive(email: string, active: boolean): Promise<TeamAdmin> {
  return request(`/admins/${encodeURIComponent(email)}/${active ? 'reactivate' : 'deactivate'}`, {
    method: 'POST',
    schema: TeamAdminSchema,
  });
}

/** POST /admin/admins/{email}/reset-totp: another admin's two-factor sign-in is reset; their sessions end. */
export function resetAdminTotp(email: string): Promise<TeamAdmin> {
  return request(`/admins/${encodeURIComponent(email)}/reset-totp`, { method: 'POST', schema: TeamAdminSchema });
}

/** The query of admins (see lib/query.ts). */
export const adminsQuery = () => cursorList(['admins'], (cursor, signal) => getAdmins(cursor, signal));
