import { describe, expect, it } from 'vitest';
import { filterErrors } from './validation';

describe('permission filter', () => {
  it('needs a workspace or a service, and a service for a resource type', () => {
    expect(filterErrors({ workspace_id: '', service_name: '', resource_type: '' })).toEqual({
      service_name: 'Choose a workspace or enter a service name.',
    });
    expect(filterErrors({ workspace_id: 'w1', service_name: '', resource_type: 'doc' })).toEqual({
      resource_type: 'A resource type needs a service name.',
    });
    expect(filterErrors({ workspace_id: 'w1', service_name: '', resource_type: '' })).toBeNull();
    expect(filterErrors({ workspace_id: '', service_name: 'docs', resource_type: 'doc.page' })).toBeNull();
  });

  it('checks names against the API pattern', () => {
    expect(filterErrors({ workspace_id: '', service_name: 'Docs', resource_type: '' })?.service_name).toMatch(/lowercase/);
  });
});
