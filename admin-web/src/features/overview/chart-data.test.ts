import { describe, expect, it } from 'vitest';
import { fillDays, toSeries, total, utcDay, windowDays } from './chart-data';

describe('windowDays', () => {
  it('lists 30 UTC days ending today, oldest first', () => {
    const days = windowDays(new Date('2026-03-10T15:00:00Z'));
    expect(days).toHaveLength(30);
    expect(days[0]).toBe('2026-02-09');
    expect(days[29]).toBe('2026-03-10');
  });

  it('takes the UTC day, not the local one, near midnight', () => {
    // 23:30 on 31 Dec in UTC-5 is already 1 Jan in UTC.
    const t = new Date('2026-01-01T04:30:00Z');
    expect(utcDay(t)).toBe('2026-01-01');
    expect(windowDays(t, 2)).toEqual(['2025-12-31', '2026-01-01']);
  });

  it('crosses month ends and leap days', () => {
    expect(windowDays(new Date('2028-03-01T00:00:00Z'), 3)).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
  });
});

describe('fillDays', () => {
  const today = new Date('2026-03-10T08:00:00Z');

  it('fills missing days with zero', () => {
    const got = fillDays([{ day: '2026-03-08', count: 4 }], today, 4);
    expect(got).toEqual([
      { day: '2026-03-07', count: 0 },
      { day: '2026-03-08', count: 4 },
      { day: '2026-03-09', count: 0 },
      { day: '2026-03-10', count: 0 },
    ]);
  });

  it('keeps only the window, in order, whatever the answer order', () => {
    const got = fillDays(
      [
        { day: '2026-03-10', count: 2 },
        { day: '2026-01-01', count: 99 },
        { day: '2026-03-09', count: 1 },
        { day: '2026-03-11', count: 7 },
      ],
      today,
      2,
    );
    expect(got).toEqual([
      { day: '2026-03-09', count: 1 },
      { day: '2026-03-10', count: 2 },
    ]);
  });

  it('answers 30 days by default, all zero without data', () => {
    const got = fillDays([], today);
    expect(got).toHaveLength(30);
    expect(total(got)).toBe(0);
  });

  it('adds up a day given twice', () => {
    expect(fillDays([{ day: '2026-03-10', count: 2 }, { day: '2026-03-10', count: 3 }], today, 1)).toEqual([{ day: '2026-03-10', count: 5 }]);
  });
});

describe('toSeries', () => {
  it('puts each day at its UTC midnight in Unix seconds', () => {
    const [xs, ys] = toSeries([
      { day: '2026-03-09', count: 1 },
      { day: '2026-03-10', count: 2 },
    ]);
    expect(xs).toEqual([Date.UTC(2026, 2, 9) / 1000, Date.UTC(2026, 2, 10) / 1000]);
    expect(ys).toEqual([1, 2]);
  });
});
