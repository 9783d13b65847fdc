import { describe, expect, it } from 'vitest';
import { groupByService } from './validation';

describe('groupByService', () => {
  it('groups actions by service, both sorted', () => {
    const a = (service_name: string, action: string) => ({ service_name, action });
    expect(groupByService([a('docs', 'write'), a('billing', 'refund'), a('docs', 'read')])).toEqual([
      ['billing', [a('billing', 'refund')]],
      ['docs', [a('docs', 'read'), a('docs', 'write')]],
    ]);
  });
});

describe('serviceFilterSchema', () => {
  it('accepts RBAC service names and explains the rest', async () => {
    const { serviceFilterSchema, firstError } = await import('./validation');
    expect(firstError(serviceFilterSchema, 'docs_v2.api')).toBeNull();
    expect(firstError(serviceFilterSchema, 'Not A Name')).toMatch(/lowercase letters/);
  });
});
