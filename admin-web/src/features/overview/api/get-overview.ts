import { z } from 'zod';
import { request } from '@/lib/api-client';
import { ActivityEntrySchema, type ActivityEntry } from '@/features/activity/api/get-activity';
import { pageSchema } from '@/lib/paging';

// GET /admin/stats (internal/stats): counting Queries, never a Scan.
export const StatsSchema = z.object({
  users: z.number(),
  users_active: z.number(),
  users_inactive: z.number(),
  workspaces: z.number(),
  groups: z.number(),
  service_apps: z.number(),
  resources: z.number(),
});
export type Stats = z.infer<typeof StatsSchema>;

// GET /admin/stats/activity (internal/activity, daily.go): entries per UTC day.
export const DailySchema = z.object({
  time_zone: z.literal('UTC'),
  days: z.array(z.object({ day: z.string(), count: z.number() })),
});
export type Daily = z.infer<typeof DailySchema>;

/** GET /admin/stats */
export function getStats(signal?: AbortSignal): Promise<Stats> {
  return request('/stats', { schema: StatsSchema, ...(signal ? { signal } : {}) });
}

/** GET /admin/stats/activity?days= (UTC days, today last). */
export function getActivityPerDay(days: number, signal?: AbortSignal): Promise<Daily> {
  return request(`/stats/activity?days=${days}`, { schema: DailySchema, ...(signal ? { signal } : {}) });
}

export const RECENT_ACTIVITY = 5;

/** GET /admin/activity?limit=5: the latest entries. */
export async function getRecentActivity(signal?: AbortSignal): Promise<ActivityEntry[]> {
  const page = await request(`/activity?limit=${RECENT_ACTIVITY}`, { schema: pageSchema(ActivityEntrySchema), ...(signal ? { signal } : {}) });
  return page.items;
}
