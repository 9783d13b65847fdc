import { describe, expect, it } from 'vitest';
import { compareValues, countLabel, displayName, matchesQuery, nextSort, sortItems } from './list-view';

describe('sortItems', () => {
  const people = [
    { name: 'bob', n: 10 },
    { name: 'Alice', n: 2 },
    { name: '', n: 1 },
    { name: 'carol', n: 2 },
    { name: 'item 10', n: 3 },
    { name: 'item 9', n: 4 },
  ];
  it('sorts text case-insensitively with numbers by value, empty last', () => {
    expect(sortItems(people, (p) => p.name, 'asc').map((p) => p.name)).toEqual(['Alice', 'bob', 'carol', 'item 9', 'item 10', '']);
  });
  it('descending keeps empty values last', () => {
    expect(sortItems(people, (p) => p.name, 'desc').map((p) => p.name)).toEqual(['item 10', 'item 9', 'carol', 'bob', 'Alice', '']);
  });
  it('sorts numbers by value and keeps ties in their order', () => {
    expect(sortItems(people, (p) => p.n, 'asc').map((p) => p.name)).toEqual(['', 'Alice', 'carol', 'item 10', 'item 9', 'bob']);
  });
  it('does not change its input', () => {
    const copy = [...people];
    sortItems(people, (p) => p.name, 'desc');
    expect(people).toEqual(copy);
  });
});

describe('compareValues and nextSort', () => {
  it('orders null after values', () => {
    expect(compareValues(null, 'a')).toBeGreaterThan(0);
    expect(compareValues('a', undefined)).toBeLessThan(0);
    expect(compareValues(null, '')).toBe(0);
  });
  it('flips the same column and starts another ascending', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'desc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort<'name' | 'role'>({ key: 'name', dir: 'desc' }, 'role')).toEqual({ key: 'role', dir: 'asc' });
  });
});

describe('matchesQuery', () => {
  it('needs every word somewhere in the fields', () => {
    expect(matchesQuery(['Ada Lovelace', 'ada@example.com'], 'ada example')).toBe(true);
    expect(matchesQuery(['Ada Lovelace', 'ada@example.com'], 'LOVE')).toBe(true);
    expect(matchesQuery(['Ada Lovelace', 'ada@example.com'], 'ada grace')).toBe(false);
    expect(matchesQuery([null, undefined], 'x')).toBe(false);
  });
  it('an empty query matches', () => {
    expect(matchesQuery([], '   ')).toBe(true);
  });
});

describe('countLabel and displayName', () => {
  it('marks a count with more to load', () => {
    expect(countLabel(50, true)).toBe('50+');
    expect(countLabel(3, false)).toBe('3');
  });
  it('falls back to the email', () => {
    expect(displayName({ name: '', email: 'a@b.c' })).toBe('a@b.c');
    expect(displayName({ name: '  ', email: 'a@b.c' })).toBe('a@b.c');
    expect(displayName({ name: null, email: 'a@b.c' })).toBe('a@b.c');
    expect(displayName({ name: 'Ada', email: 'a@b.c' })).toBe('Ada');
  });
});
