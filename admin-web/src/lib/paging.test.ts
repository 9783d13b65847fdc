import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listQuery, pageSchema } from './paging';

describe('list paging', () => {
  it('reads the {items, next_cursor} envelope', () => {
    const schema = pageSchema(z.object({ id: z.string() }));
    expect(schema.parse({ items: [{ id: 'a' }], next_cursor: 'c1' })).toEqual({ items: [{ id: 'a' }], next_cursor: 'c1' });
    expect(schema.parse({ items: null, next_cursor: null })).toEqual({ items: [], next_cursor: null });
    expect(schema.parse({ items: [] })).toEqual({ items: [], next_cursor: null });
    expect(schema.safeParse([{ id: 'a' }]).success).toBe(false);
  });

  it('builds a query of the values that are set', () => {
    expect(listQuery({ q: '', limit: 50, cursor: null })).toBe('?limit=50');
    expect(listQuery({ q: 'a b&c', cursor: 'x/y' })).toBe('?q=a+b%26c&cursor=x%2Fy');
    expect(listQuery({})).toBe('');
  });
});
