import { z } from 'zod';
import { request } from '@/lib/api-client';

const PurgedSchema = z.object({ deleted_count: z.number().int().nullable().optional().transform((v) => v ?? 0) });

/** DELETE /admin/permissions/service/{service_name}: every record of the service, with its shares. */
export async function purgeService(serviceName: string): Promise<number> {
  const res = await request(`/permissions/service/${encodeURIComponent(serviceName)}`, { method: 'DELETE', schema: PurgedSchema });
  return res.deleted_count;
}
