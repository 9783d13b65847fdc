import { z } from 'zod';
import { request } from '@/lib/api-client';
import { listQuery } from '@/lib/paging';
import { ServiceAppSchema, type ServiceApp } from './schemas';
import { apiQuery } from '@/lib/query';

// api.md section 3 answers a plain array; section 8's list envelope
// ({items, next_cursor}) is accepted too, and followed page by page.
const PageSchema = z.union([
  z.array(ServiceAppSchema).transform((items) => ({ items, next_cursor: null as string | null })),
  z.object({ items: z.array(ServiceAppSchema), next_cursor: z.string().nullable().optional().default(null) }),
]);

const MAX_PAGES = 50;

/** GET /admin/service-apps?q= (every app; q searches them, api.md section 10) */
export async function getServiceApps(q: string, signal?: AbortSignal): Promise<ServiceApp[]> {
  const all: ServiceApp[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: string = listQuery({ q: q.trim(), cursor });
    const res: z.infer<typeof PageSchema> = await request(`/service-apps${query}`, {
      schema: PageSchema,
      ...(signal ? { signal } : {}),
    });
    all.push(...res.items);
    cursor = res.next_cursor;
    if (!cursor) break;
  }
  return all;
}

/** The query of serviceApps (see lib/query.ts). */
export const serviceAppsQuery = (q: string) => apiQuery(['service-apps', 'list', q], (signal) => getServiceApps(q, signal));
