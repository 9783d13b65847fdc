import { describe, expect, it } from 'vitest';
import { arrivalWorkspace, filterFromParams, filterParams, ownerLabel, sameFilter } from './filters';

describe('permissions list filters', () => {
  it('reads the filter from the URL, empty where absent', () => {
    expect(filterFromParams(new URLSearchParams('service_name=docs&x=1'))).toEqual({ workspace_id: '', service_name: 'docs', resource_type: '' });
  });

  it('writes a trimmed filter without empty values, in a stable order', () => {
    expect(filterParams({ resource_type: ' doc ', service_name: 'docs ', workspace_id: '' })).toEqual({ service_name: 'docs', resource_type: 'doc' });
    expect(Object.keys(filterParams({ resource_type: 't', service_name: 's', workspace_id: 'w' }))).toEqual(['workspace_id', 'service_name', 'resource_type']);
    expect(sameFilter({ workspace_id: 'w', service_name: 'a ', resource_type: '' }, { workspace_id: 'w', service_name: 'a', resource_type: '' })).toBe(true);
    expect(sameFilter({ workspace_id: 'w', service_name: 'a', resource_type: '' }, { workspace_id: 'w', service_name: 'ab', resource_type: '' })).toBe(false);
  });

  it('chooses the first workspace on arrival only when the URL has no filter', () => {
    const ws = [{ id: 'w1' }, { id: 'w2' }];
    expect(arrivalWorkspace(new URLSearchParams(''), ws)).toBe('w1');
    expect(arrivalWorkspace(new URLSearchParams('service_name=docs'), ws)).toBeNull();
    expect(arrivalWorkspace(new URLSearchParams('workspace_id=w2'), ws)).toBeNull();
    expect(arrivalWorkspace(new URLSearchParams(''), [])).toBeNull();
    expect(arrivalWorkspace(new URLSearchParams(''), undefined)).toBeNull();
  });

  it('labels an owner by name, by email when nameless, and not at all when unknown', () => {
    expect(ownerLabel({ owner_name: 'Ada Lovelace', owner_email: 'ada@example.com' })).toBe('Ada Lovelace');
    expect(ownerLabel({ owner_name: '', owner_email: 'ada@example.com' })).toBe('ada@example.com');
    expect(ownerLabel({ owner_name: '', owner_email: '' })).toBeNull();
  });
});
