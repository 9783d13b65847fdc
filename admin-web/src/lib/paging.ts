import { z } from 'zod';

// The admin API's list envelope (api.md section 8): {items, next_cursor},
// next_cursor null on the last page; ?limit=&cursor= (and q= where noted).

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item).nullable().transform((v) => v ?? []),
    next_cursor: z.string().nullable().optional().transform((v) => v || null),
  });
}

export type Page<T> = { items: T[]; next_cursor: string | null };

/** listQuery builds "?q=…&limit=…&cursor=…" from the values that are set. */
export function listQuery(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

/**
 * loadAll follows next_cursor until the last page (at most maxPages pages),
 * for the short lists a picker needs whole: a workspace's roles and members,
 * the registered service actions.
 */
export async function loadAll<T>(
  load: (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>,
  signal?: AbortSignal,
  maxPages = 20,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await load(cursor, signal);
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}
