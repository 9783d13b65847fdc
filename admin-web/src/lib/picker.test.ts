import { describe, expect, it } from 'vitest';
import { moveActive, pickerOptions } from './picker';

const ada = { user_id: 'u1', email: 'ada@example.com', name: 'Ada Lovelace' };
const bob = { user_id: 'u2', email: 'bob@example.com', name: '' };
const cy = { user_id: 'u3', email: 'cy@example.com', name: null };
const id = (m: { user_id: string }) => m.user_id;

describe('picker options', () => {
  it('shows the name over the email, the email alone for people without a name', () => {
    expect(pickerOptions([ada, bob, cy], id).map((o) => [o.id, o.primary, o.secondary, o.disabled])).toEqual([
      ['u1', 'Ada Lovelace', 'ada@example.com', null],
      ['u2', 'bob@example.com', '', null],
      ['u3', 'cy@example.com', '', null],
    ]);
  });

  it('lists an id once (the exact match the API puts first) and marks the held ones', () => {
    const options = pickerOptions([ada, bob, ada], id, (m) => (m.user_id === 'u2' ? 'already in the group' : null));
    expect(options.map((o) => o.id)).toEqual(['u1', 'u2']);
    expect(options[1]?.disabled).toBe('already in the group');
    expect(options[0]?.item).toBe(ada);
  });
});

describe('the keyboard highlight', () => {
  const opts = (...disabled: boolean[]) => disabled.map((d) => ({ disabled: d ? 'held' : null }));

  it('moves down and up, wrapping at either end', () => {
    const o = opts(false, false, false);
    expect(moveActive(o, -1, 1)).toBe(0);
    expect(moveActive(o, 0, 1)).toBe(1);
    expect(moveActive(o, 2, 1)).toBe(0);
    expect(moveActive(o, 0, -1)).toBe(2);
    expect(moveActive(o, -1, -1)).toBe(2);
  });

  it('skips options that cannot be picked, and finds none when all are held', () => {
    expect(moveActive(opts(true, false, true), -1, 1)).toBe(1);
    expect(moveActive(opts(true, false, true), 1, 1)).toBe(1);
    expect(moveActive(opts(false, true, false), 0, 1)).toBe(2);
    expect(moveActive(opts(false, true, false), 2, -1)).toBe(0);
    expect(moveActive(opts(true, true), -1, 1)).toBe(-1);
    expect(moveActive([], -1, 1)).toBe(-1);
  });

  it('goes to the first and last pickable option (Home, End)', () => {
    expect(moveActive(opts(true, false, false, true), 2, 'first')).toBe(1);
    expect(moveActive(opts(true, false, false, true), 1, 'last')).toBe(2);
  });
});
