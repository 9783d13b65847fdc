import type { RowSelectionState } from '@tanstack/react-table';
import { ApiError, asApiError } from './api-client';

// Bulk actions: what the selected rows ask for, one request per row, and
// what became of each. Pure, tested in bulk.test.ts.

export type BulkResult<T> = { done: T[]; failed: { item: T; error: ApiError }[] };

/** selectedRows: the rows whose ids are selected, in the rows' order (ids of rows no longer loaded are left out). */
export function selectedRows<T>(rows: readonly T[], selection: RowSelectionState, id: (row: T) => string): T[] {
  return rows.filter((row) => selection[id(row)]);
}

/**
 * runBulk calls action for each item, one after the other (gentle on the
 * API's rate limits); a failure is recorded and the rest still run. A lost
 * session (401) stops it: every later call would fail the same way.
 */
export async function runBulk<T>(items: readonly T[], action: (item: T) => Promise<unknown>): Promise<BulkResult<T>> {
  const result: BulkResult<T> = { done: [], failed: [] };
  for (const item of items) {
    try {
      await action(item);
      result.done.push(item);
    } catch (err) {
      const error = asApiError(err);
      result.failed.push({ item, error });
      if (error.kind === 'unauthorized') break;
    }
  }
  return result;
}

/**
 * A row selection made under one search or filter. It lapses when the
 * search or filter changes (the AWS console's tables clear theirs then
 * too), so a bulk action never reaches rows the admin no longer sees.
 */
export type FilteredSelection = { filter: string; selected: RowSelectionState };

/** selectionUnder: the selection in effect under filter (none when it was made under another). */
export function selectionUnder(s: FilteredSelection, filter: string): RowSelectionState {
  return s.filter === filter ? s.selected : {};
}

/** keepFailed: the selection after a bulk action, the rows that failed only (to retry or inspect). */
export function keepFailed<T>(result: BulkResult<T>, id: (row: T) => string): RowSelectionState {
  return Object.fromEntries(result.failed.map((f) => [id(f.item), true]));
}

/** bulkSummary: "3 users deactivated." or "2 members removed; 1 could not be:" (the failures listed apart). */
export function bulkSummary(result: BulkResult<unknown>, noun: { one: string; many: string }, past: string): string {
  const n = result.done.length;
  const done = `${n} ${n === 1 ? noun.one : noun.many} ${past}`;
  if (result.failed.length === 0) return `${done}.`;
  return `${done}; ${result.failed.length} could not be:`;
}
