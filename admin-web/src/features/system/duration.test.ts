import { describe, expect, it } from 'vitest';
import { duration } from './api/get-system';

describe('duration', () => {
  it('says seconds, minutes, hours and days briefly', () => {
    expect(duration(5)).toBe('5 s');
    expect(duration(900)).toBe('15 min');
    expect(duration(3600)).toBe('1 h');
    expect(duration(5400)).toBe('1.5 h');
    expect(duration(2 * 86400 + 3 * 3600)).toBe('2 d 3 h');
    expect(duration(-3600)).toBe('−1 h');
  });
});
