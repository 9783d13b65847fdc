// Data shaping for the lists the admin site shows: the order of sorted
// columns (components/ui/data-table.tsx), search and the counts in headers.
// Pure functions, tested in list-view.test.ts.

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** compareValues orders text case-insensitively (numbers inside by value), numbers by value; empty values last. */
export function compareValues(a: string | number | null | undefined, b: string | number | null | undefined): number {
  const emptyA = a === null || a === undefined || a === '';
  const emptyB = b === null || b === undefined || b === '';
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** matchesQuery: every word of query occurs (case-insensitively) in one of the fields. */
export function matchesQuery(fields: readonly (string | null | undefined)[], query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fields.map((f) => (f ?? '').toLowerCase());
  return words.every((w) => hay.some((f) => f.includes(w)));
}

/** countLabel: "12", or "50+" while more pages remain to load. */
export function countLabel(loaded: number, more: boolean): string {
  return more ? `${loaded}+` : String(loaded);
}

/** displayName: a person's name, or their email when they have none yet. */
export function displayName(person: { name?: string | null; email: string }): string {
  return person.name?.trim() || person.email;
}

/** shortId: the first 8 characters of a long id and "…" (ids of 12 characters or fewer as they are). */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
