import { z } from 'zod';
import { request } from '@/lib/api-client';
import { allowedOriginsSchema, clientIdsSchema, nameSchema } from '../validation';
import { ServiceAppSchema, type ServiceApp } from './schemas';

export const UpdateServiceAppInputSchema = z
  .object({
    name: nameSchema,
    is_active: z.boolean(),
    allowed_origins: allowedOriginsSchema,
    idp_client_ids: clientIdsSchema,
  })
  .partial();

export type UpdateServiceAppInput = z.infer<typeof UpdateServiceAppInputSchema>;

/** PATCH /admin/service-apps/{id} with any of name, is_active, allowed_origins, idp_client_ids. */
export function updateServiceApp(id: string, input: UpdateServiceAppInput): Promise<ServiceApp> {
  return request(`/service-apps/${encodeURIComponent(id)}`, { method: 'PATCH', body: input, schema: ServiceAppSchema });
}
