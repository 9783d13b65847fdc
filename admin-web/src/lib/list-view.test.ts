import { describe, expect, it } from 'vitest';
import { compareValues, countLabel, displayName, matchesQuery, shortId } from './list-view';

describe('compareValues', () => {
  it('orders text case-insensitively with numbers inside by value', () => {
    const names = ['bob', 'item 10', 'Alice', 'item 9', 'carol'];
    expect([...names].sort(compareValues)).toEqual(['Alice', 'bob', 'carol', 'item 9', 'item 10']);
    expect(compareValues(10, 9)).toBeGreaterThan(0);
  });
  it('orders null after values', () => {
    expect(compareValues(null, 'a')).toBeGreaterThan(0);
    expect(compareValues('a', undefined)).toBeLessThan(0);
    expect(compareValues(null, '')).toBe(0);
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

describe('shortId', () => {
  it('shortens long ids only', () => {
    expect(shortId('7a094df3-2c94-4bde-a851-7cd47e45e1b6')).toBe('7a094df3…');
    expect(shortId('report-2024')).toBe('report-2024');
    expect(shortId('abcdefghijkl')).toBe('abcdefghijkl');
    expect(shortId('abcdefghijklm')).toBe('abcdefgh…');
  });
});
