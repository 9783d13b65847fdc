import { z } from 'zod';
import { request } from '@/lib/api-client';
import { AdminSchema, type Admin } from './schemas';

/** POST /admin/auth/change-password: renews the session cookie. */
export function changePassword(input: { current_password: string; new_password: string }): Promise<Admin> {
  return request('/auth/change-password', { method: 'POST', body: input, schema: AdminSchema, unauthorizedIsAnswer: true });
}

/** POST /admin/auth/totp/verify: the code step of a sign-in (a TOTP code or a recovery code). */
export function verifyTotp(input: { code: string } | { recovery_code: string }): Promise<Admin> {
  return request('/auth/totp/verify', { method: 'POST', body: input, schema: AdminSchema, unauthorizedIsAnswer: true });
}

const EnrolmentSchema = z.object({ secret: z.string().min(1), otpauth_uri: z.string().startsWith('otpauth://') });
export type Enrolment = z.infer<typeof EnrolmentSchema>;

/** POST /admin/auth/totp/enrol: a new secret, answered once. */
export function startTotpEnrol(): Promise<Enrolment> {
  return request('/auth/totp/enrol', { method: 'POST', schema: EnrolmentSchema });
}

const ConfirmedSchema = AdminSchema.extend({ recovery_codes: z.array(z.string()) });
export type Confirmed = z.infer<typeof ConfirmedSchema>;

/** POST /admin/auth/totp/confirm: enables TOTP; the recovery codes are answered once. */
export function confirmTotp(code: string): Promise<Confirmed> {
  return request('/auth/totp/confirm', { method: 'POST', body: { code }, schema: ConfirmedSchema, unauthorizedIsAnswer: true });
}
