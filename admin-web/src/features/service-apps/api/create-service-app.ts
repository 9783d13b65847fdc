import { z } from 'zod';
import { request } from '@/lib/api-client';
import { allowedOriginsSchema, nameSchema, serviceNameSchema } from '../validation';
import { ServiceAppSchema, type OneTimeKey } from './schemas';

export const CreateServiceAppInputSchema = z.object({
  name: nameSchema,
  service_name: serviceNameSchema,
  allowed_origins: allowedOriginsSchema,
});

export type CreateServiceAppInput = z.infer<typeof CreateServiceAppInputSchema>;

const CreatedSchema = ServiceAppSchema.extend({ api_key: z.string().min(1) });

/** POST /admin/service-apps: the answer carries the plaintext key, once. */
export async function createServiceApp(input: CreateServiceAppInput): Promise<OneTimeKey> {
  const { api_key, ...app } = await request('/service-apps', { method: 'POST', body: input, schema: CreatedSchema });
  return { apiKey: api_key, app };
}
