import { describe, expect, it } from 'vitest';
import { actionGroups, actionLabel, detailPairs } from './labels';

describe('activity labels', () => {
  it('names known actions and keeps unknown codes', () => {
    expect(actionLabel('member.add')).toBe('Member added');
    expect(actionLabel('thing.happened')).toBe('thing.happened');
    expect(actionGroups().find((g) => g.area === 'workspace')?.actions).toEqual([
      'workspace.create',
      'workspace.update',
      'workspace.delete',
    ]);
  });

  it('shows detail compactly, sorted, and never a secret-looking value', () => {
    expect(
      detailPairs({ role: 'editor', email: 'a@example.com', members: 3, ids: ['x', 'y'], api_key: 'sk_live_x', password: 'p', key_prefix: 'sk_live_ab' }),
    ).toEqual([
      { key: 'api_key', value: '(hidden)' },
      { key: 'email', value: 'a@example.com' },
      { key: 'ids', value: 'x, y' },
      { key: 'key_prefix', value: 'sk_live_ab' },
      { key: 'members', value: '3' },
      { key: 'password', value: '(hidden)' },
      { key: 'role', value: 'editor' },
    ]);
    expect(detailPairs({ actions: [{ a: 1 }] })).toEqual([{ key: 'actions', value: '[{"a":1}]' }]);
    expect(detailPairs({ name: 'x'.repeat(100) }, 10)[0]?.value).toBe('xxxxxxxxx…');
  });
});
