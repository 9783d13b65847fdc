import { z } from 'zod';

// ServiceApp as GET /admin/service-apps/{id} answers it (api.md section 3).
// key_hash is never returned; plaintext keys appear only in the create and
// rotate answers (see CreatedServiceAppSchema / RotatedServiceAppSchema).

export const ServiceKeySchema = z.object({
  key_prefix: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable().optional().default(null),
  last_used_at: z.string().nullable().optional().default(null),
});

export const ServiceAppSchema = z.object({
  id: z.string(),
  name: z.string(),
  service_name: z.string(),
  key_prefix: z.string(),
  allowed_origins: z.array(z.string()).nullable().optional().transform((v) => v ?? []),
  // OIDC client ids of the app's frontends, by identity provider; {} when
  // none: the app is not bound to a client id.
  idp_client_ids: z
    .record(z.string(), z.array(z.string()))
    .nullable()
    .optional()
    .transform((v) => v ?? {}),
  is_active: z.boolean(),
  last_used_at: z.string().nullable().optional().default(null),
  created_by: z.string().nullable().optional().default(null),
  created_at: z.string(),
  updated_at: z.string().nullable().optional().default(null),
  keys: z.array(ServiceKeySchema).nullable().optional().transform((v) => v ?? []),
});

export type ServiceKey = z.infer<typeof ServiceKeySchema>;
export type ServiceApp = z.infer<typeof ServiceAppSchema>;

/** isBound reports whether the app lists any client id: then only ID tokens issued to them resolve for it. */
export function isBound(app: Pick<ServiceApp, 'idp_client_ids'>): boolean {
  return Object.values(app.idp_client_ids).some((ids) => ids.length > 0);
}

/**
 * A one-time key: the plaintext api_key from a create or rotate answer, kept
 * apart from the ServiceApp so it never lands in lists or caches.
 */
export type OneTimeKey = {
  apiKey: string;
  app: ServiceApp;
  /** Only after a rotation: when the previous key stops working (null: it already has). */
  previousKeyExpiresAt?: string | null;
};
