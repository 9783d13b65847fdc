import { displayName } from './list-view';

// Search-as-you-type pickers (components/ui/search-picker.tsx): what a
// search answer offers, and where the keyboard's highlight goes next.
// Pure functions, tested in picker.test.ts.

/** The debounce before a picker searches, in ms: one request per pause in typing, not per key. */
export const PICKER_DEBOUNCE_MS = 250;

/** How many matches a picker asks the API for. */
export const PICKER_LIMIT = 20;

export type PickerOption<T> = {
  id: string;
  item: T;
  /** The person's name, or their email when they have none. */
  primary: string;
  /** The email under the name (empty when primary is the email already). */
  secondary: string;
  /** Why it cannot be picked (e.g. "already in the group"), or null. */
  disabled: string | null;
};

/**
 * pickerOptions shapes a search answer for the listbox: name over email,
 * one option per id (the API puts an exact match first on its first page),
 * and those already held kept visible but not pickable, so a search for
 * someone already in says so instead of finding nobody.
 */
export function pickerOptions<T extends { name?: string | null; email: string }>(
  items: readonly T[],
  id: (item: T) => string,
  held?: (item: T) => string | null,
): PickerOption<T>[] {
  const seen = new Set<string>();
  const options: PickerOption<T>[] = [];
  for (const item of items) {
    const key = id(item);
    if (seen.has(key)) continue;
    seen.add(key);
    const primary = displayName(item);
    options.push({ id: key, item, primary, secondary: primary === item.email ? '' : item.email, disabled: held?.(item) ?? null });
  }
  return options;
}

/**
 * moveActive: the option the highlight moves to from current (-1: none) by
 * delta (+1 down, -1 up; wrapping), skipping options that cannot be picked;
 * "first"/"last" for Home and End. -1 when nothing can be picked.
 */
export function moveActive(options: readonly { disabled: string | null }[], current: number, delta: 1 | -1 | 'first' | 'last'): number {
  const n = options.length;
  if (n === 0) return -1;
  const step = delta === 'first' ? 1 : delta === 'last' ? -1 : delta;
  let i = delta === 'first' ? -1 : delta === 'last' ? n : current < 0 && step < 0 ? n : current;
  for (let tries = 0; tries < n; tries++) {
    i = (((i + step) % n) + n) % n;
    if (!options[i]?.disabled) return i;
  }
  return -1;
}
