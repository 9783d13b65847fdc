import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from './api/get-activity';
import { activityCsv, csvField, csvFileName } from './csv';
import { recordedName } from './use-target-names';

const entry = (over: Partial<ActivityEntry>): ActivityEntry => ({
  id: 'e1',
  at: '2026-06-01T12:00:00.000Z',
  actor: 'ada@example.com',
  action: 'workspace.update',
  target_type: 'workspace',
  target_id: 'w1',
  detail: {},
  ...over,
});

describe('csvField', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
  it('defuses spreadsheet formulas', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@sum')).toBe("'@sum");
  });
});

describe('activityCsv', () => {
  it('writes a header and one line per entry, with names and detail, secrets hidden', () => {
    const csv = activityCsv(
      [
        entry({ detail: { name: 'Acme, Inc', api_key: 'sk_live_x' } }),
        entry({ id: 'e2', action: 'admin.login', target_type: 'admin', target_id: 'a1', actor: '' }),
      ],
      (e) => (e.target_id === 'w1' ? 'Acme' : ''),
    );
    expect(csv.split('\r\n')).toEqual([
      'time,action,action_label,actor,target_type,target_id,target_name,detail',
      '2026-06-01T12:00:00.000Z,workspace.update,Workspace updated,ada@example.com,workspace,w1,Acme,"api_key=(hidden); name=Acme, Inc"',
      '2026-06-01T12:00:00.000Z,admin.login,Admin signed in,,admin,a1,,',
      '',
    ]);
    expect(csv).not.toContain('sk_live_x');
  });
  it('an empty view is the header alone', () => {
    expect(activityCsv([])).toBe('time,action,action_label,actor,target_type,target_id,target_name,detail\r\n');
  });
});

describe('csvFileName', () => {
  it('names the filters and the day', () => {
    expect(csvFileName({ action: 'member.add', actor: 'ada@example.com', from: '' }, new Date('2026-06-02T10:00:00Z'))).toBe(
      'activity-member.add-ada_example.com-2026-06-02.csv',
    );
    expect(csvFileName({}, new Date('2026-06-02T10:00:00Z'))).toBe('activity-2026-06-02.csv');
  });
});

describe('recordedName', () => {
  it('takes the name the entry recorded for its own target only', () => {
    expect(recordedName({ target_type: 'workspace', detail: { name: 'Acme', slug: 'acme' } })).toBe('Acme');
    // member.add records the member's email under a workspace target: not the workspace's name.
    expect(recordedName({ target_type: 'workspace', detail: { email: 'ada@example.com', role: 'viewer' } })).toBe('');
    expect(recordedName({ target_type: 'user', detail: { email: 'ada@example.com', name: '' } })).toBe('ada@example.com');
  });
});
