import { describe, expect, it } from 'vitest';
import { ApiError } from './api-client';
import { bulkSummary, keepFailed, runBulk, selectedRows, selectionUnder, type FilteredSelection } from './bulk';

const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
const id = (r: { id: string }) => r.id;
const noun = { one: 'user', many: 'users' };

describe('bulk actions', () => {
  it('turns a selection into the rows to act on, in row order, leaving out ids not loaded', () => {
    expect(selectedRows(rows, { c: true, a: true, zz: true }, id)).toEqual([{ id: 'a' }, { id: 'c' }]);
    expect(selectedRows(rows, {}, id)).toEqual([]);
  });

  it('drops a selection made under another search or filter', () => {
    const made: FilteredSelection = { filter: 'ada', selected: { a: true, c: true } };
    expect(selectionUnder(made, 'ada')).toEqual({ a: true, c: true });
    expect(selectionUnder(made, 'ad')).toEqual({});
    expect(selectionUnder(made, '')).toEqual({});
    expect(selectedRows(rows, selectionUnder(made, 'bob'), id)).toEqual([]);
  });

  it('calls once per row in order and records each failure without stopping', async () => {
    const calls: string[] = [];
    const result = await runBulk(rows, async (r) => {
      calls.push(r.id);
      if (r.id === 'b') throw new ApiError({ kind: 'conflict', status: 409, message: 'The last owner stays.' });
    });
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(result.done.map(id)).toEqual(['a', 'c']);
    expect(result.failed.map((f) => [f.item.id, f.error.message])).toEqual([['b', 'The last owner stays.']]);
    expect(keepFailed(result, id)).toEqual({ b: true });
    expect(bulkSummary(result, noun, 'deactivated')).toBe('2 users deactivated; 1 could not be:');
  });

  it('stops at a lost session and reports unexpected errors in plain words', async () => {
    const calls: string[] = [];
    const lost = await runBulk(rows, async (r) => {
      calls.push(r.id);
      throw new ApiError({ kind: 'unauthorized', status: 401, message: 'Your session has expired.' });
    });
    expect(calls).toEqual(['a']);
    expect(lost.failed).toHaveLength(1);
    const odd = await runBulk([rows[0]], async () => {
      throw new TypeError('boom');
    });
    expect(odd.failed[0]?.error.message).toMatch(/Something went wrong/);
    expect(bulkSummary({ done: [1], failed: [] }, noun, 'deactivated')).toBe('1 user deactivated.');
  });
});
