import { z } from 'zod';
import { request } from '@/lib/api-client';
import { AdminSchema, type Admin } from './schemas';

/** POST /admin/auth/change-password: renews the session cookie. */
export function changePassword(input: { current_password: string; new_password: string }): Promise<Admin> {
  return request('/auth/change-password', { method: 'POST', body: input, schema: AdminSchema, unauthorizedIsAnswer: true });
}

/** A proof of two-factor sign-in: a code from the app, or a recovery code. */
export type CodeInput = { code: string } | { recovery_code: string };

/** POST /admin/auth/totp/verify: the code step of a sign-in (a TOTP code or a recovery code). */
export function verifyTotp(input: CodeInput): Promise<Admin> {
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

const TotpStateSchema = z.object({ totp_enabled: z.boolean() });

/** POST /admin/auth/totp/disable: turns two-factor sign-in off (409 while the stage requires it). */
export async function disableTotp(input: CodeInput): Promise<{ totp_enabled: boolean }> {
  return request('/auth/totp/disable', { method: 'POST', body: input, schema: TotpStateSchema, unauthorizedIsAnswer: true });
}

const RecoveryCodesSchema = z.object({ recovery_codes: z.array(z.string()).min(1) });

/** POST /admin/auth/totp/recovery-codes: new recovery codes, answered once; the old ones stop working. */
export async function newRecoveryCodes(input: CodeInput): Promise<string[]> {
  const out = await request('/auth/totp/recovery-codes', { method: 'POST', body: input, schema: RecoveryCodesSchema, unauthorizedIsAnswer: true });
  return out.recovery_codes;
}
