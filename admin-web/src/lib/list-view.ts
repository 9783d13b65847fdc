// Data shaping for the lists the admin site shows: search, sort and the
// counts in section headers. Pure functions, tested in list-view.test.ts.

export type SortDir = 'asc' | 'desc';
export type Sort<K extends string> = { key: K; dir: SortDir };

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** compareValues orders text case-insensitively (numbers inside by value), numbers by value; empty values last. */
export function compareValues(a: string | number | null | undefined, b: string | number | null | undefined): number {
  const emptyA = a === null || a === undefined || a === '';
  const emptyB = b === null || b === undefined || b === '';
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * sortItems returns a sorted copy: by value(item) in dir, ties kept in their
 * original order; empty values last in either direction.
 */
export function sortItems<T>(items: readonly T[], value: (item: T) => string | number | null | undefined, dir: SortDir): T[] {
  return items
    .map((item, index) => ({ item, index, v: value(item) }))
    .sort((x, y) => {
      const emptyX = x.v === null || x.v === undefined || x.v === '';
      const emptyY = y.v === null || y.v === undefined || y.v === '';
      if (emptyX !== emptyY) return emptyX ? 1 : -1;
      const c = compareValues(x.v, y.v);
      return (dir === 'asc' ? c : -c) || x.index - y.index;
    })
    .map((x) => x.item);
}

/** nextSort: clicking the sorted column flips its direction; another column starts ascending. */
export function nextSort<K extends string>(current: Sort<K>, key: K): Sort<K> {
  return current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
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
