import { describe, expect, it } from 'vitest';
import { membersLabel } from '@/app/routes/groups/group';
import { GroupSchema } from './schemas';

describe('GroupSchema', () => {
  const group = { id: 'g1', workspace_id: 'w1', name: 'Reviewers', description: null, created_at: null };
  it('keeps the member count of an admin answer', () => {
    expect(GroupSchema.parse({ ...group, member_count: 3 })).toEqual({ ...group, description: '', member_count: 3 });
  });
  it('refuses an answer without a count, or with a negative one', () => {
    expect(GroupSchema.safeParse(group).success).toBe(false);
    expect(GroupSchema.safeParse({ ...group, member_count: -1 }).success).toBe(false);
  });
});

describe('membersLabel', () => {
  it('says member or members', () => {
    expect([0, 1, 2].map(membersLabel)).toEqual(['0 members', '1 member', '2 members']);
  });
});
