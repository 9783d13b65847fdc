import { z } from 'zod';
import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { cursorList } from '@/lib/query';

// An entry as GET /admin/activity answers it (internal/activity). Detail
// never holds a secret; the page still hides values under secret-looking keys.
export const ActivityEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string(),
  detail: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .transform((v) => v ?? {}),
});

export type ActivityEntry = z.infer<typeof ActivityEntrySchema>;

export type ActivityFilter = { action: string; target_type: string; target_id: string; actor: string; from: string; to: string };

export const NO_FILTER: ActivityFilter = { action: '', target_type: '', target_id: '', actor: '', from: '', to: '' };

const ActivityPageSchema = pageSchema(ActivityEntrySchema);

// Filters apply to each page after it is read, so a page can come back empty
// with more to follow: keep following the cursor a few times before answering.
const MAX_EMPTY_PAGES = 5;
export const ACTIVITY_PAGE_SIZE = 50;

/** GET /admin/activity?action=&target_type=&target_id=&actor=&from=&to=&limit=&cursor= (newest first; from/to are days, to inclusive). */
export async function getActivity(filter: ActivityFilter, cursor: string | null, signal?: AbortSignal): Promise<Page<ActivityEntry>> {
  let next = cursor;
  for (let i = 0; ; i++) {
    const page = await request(
      `/activity${listQuery({
        action: filter.action,
        target_type: filter.target_type,
        target_id: filter.target_type ? filter.target_id.trim() : '',
        actor: filter.actor.trim(),
        from: filter.from,
        to: filter.to,
        limit: ACTIVITY_PAGE_SIZE,
        cursor: next,
      })}`,
      { schema: ActivityPageSchema, ...(signal ? { signal } : {}) },
    );
    if (page.items.length > 0 || !page.next_cursor || i + 1 >= MAX_EMPTY_PAGES) return page;
    next = page.next_cursor;
  }
}

/** The query of activity (see lib/query.ts). */
export const activityQuery = (filter: ActivityFilter) => cursorList(['activity', filter], (cursor, signal) => getActivity(filter, cursor, signal));
