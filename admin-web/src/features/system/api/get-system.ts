import { z } from 'zod';
import { request } from '@/lib/api-client';

// GET /admin/health and GET /admin/settings (internal/system). Neither
// holds a secret: keys are named by kid only.

const CheckSchema = z.object({ status: z.enum(['ok', 'failed']), reason: z.string() });

export const HealthSchema = z.object({
  status: z.enum(['ok', 'failed']),
  stage: z.string(),
  version: z.string(),
  checked_at: z.string(),
  tables: z.array(CheckSchema.extend({ name: z.string() })),
  signing_keys: z.array(
    CheckSchema.extend({
      ring: z.string(),
      keys: z.array(
        z.object({
          kid: z.string(),
          stage: z.string(),
          signs_from: z.string().nullable(),
          age_seconds: z.number().nullable(),
          current: z.boolean(),
        }),
      ),
    }),
  ),
  identity_providers: z.array(CheckSchema.extend({ name: z.string(), issuers: z.array(z.string()), keys_cached: z.number() })),
});
export type Health = z.infer<typeof HealthSchema>;

export const SettingsSchema = z.object({
  stage: z.string(),
  version: z.string(),
  issuer: z.string(),
  authz_token_seconds: z.number(),
  max_token_seconds: z.number(),
  admin_session_seconds: z.number(),
  authz_resolve_per_minute: z.number(),
  auth_failures_per_minute: z.number(),
  admin_login_failures_per_ip_minute: z.number(),
  admin_login_failures_per_email: z.number(),
  admin_login_email_window_seconds: z.number(),
  key_cache_seconds: z.number(),
  jwks_max_age_seconds: z.number(),
  admin_require_totp: z.boolean(),
  admin_origins: z.array(z.string()),
  identity_providers: z.array(
    z.object({
      name: z.string(),
      issuers: z.array(z.string()),
      jwks_uri: z.string(),
      audiences: z.array(z.string()),
      max_age_seconds: z.number(),
    }),
  ),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** GET /admin/health: 200 with each component's state, even when one failed. */
export function getHealth(signal?: AbortSignal): Promise<Health> {
  return request('/health', { schema: HealthSchema, ...(signal ? { signal } : {}) });
}

/** GET /admin/settings */
export function getSettings(signal?: AbortSignal): Promise<Settings> {
  return request('/settings', { schema: SettingsSchema, ...(signal ? { signal } : {}) });
}

/** duration says a number of seconds briefly: "5 s", "15 min", "1 h", "2 d 3 h". */
export function duration(seconds: number): string {
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '−' : '';
  if (s < 60) return `${sign}${s} s`;
  if (s < 3600) return `${sign}${Math.round(s / 60)} min`;
  if (s < 86400) return `${sign}${Math.round((s / 3600) * 10) / 10} h`;
  const d = Math.floor(s / 86400);
  const h = Math.round((s % 86400) / 3600);
  return `${sign}${d} d${h ? ` ${h} h` : ''}`;
}
