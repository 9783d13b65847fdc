import { z } from 'zod';
import { request } from '@/lib/api-client';
import { gracePeriodSchema } from '../validation';
import { ServiceAppSchema, type OneTimeKey } from './schemas';

export const RotateKeyInputSchema = z.object({ grace_period_seconds: gracePeriodSchema });
export type RotateKeyInput = z.infer<typeof RotateKeyInputSchema>;

const RotatedSchema = ServiceAppSchema.extend({
  api_key: z.string().min(1),
  previous_key_expires_at: z.string().nullable().optional().default(null),
});

/** POST /admin/service-apps/{id}/rotate-key: the answer carries the new plaintext key, once. */
export async function rotateKey(id: string, input: RotateKeyInput): Promise<OneTimeKey> {
  const { api_key, previous_key_expires_at, ...app } = await request(
    `/service-apps/${encodeURIComponent(id)}/rotate-key`,
    { method: 'POST', body: input, schema: RotatedSchema },
  );
  return { apiKey: api_key, app, previousKeyExpiresAt: previous_key_expires_at };
}
