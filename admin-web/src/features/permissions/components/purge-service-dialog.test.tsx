import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on } from '@/testing/fetch';
import { PurgeServiceDialog } from './purge-service-dialog';

describe('purge service dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('purges only once the service name is typed, and reports the count', async () => {
    const { calls } = mockFetch(on('DELETE', '/admin/permissions/service/docs', { status: 200, body: { status: 'ok', deleted_count: 3 } }));
    const onPurged = vi.fn();
    render(<PurgeServiceDialog serviceName="docs" onClose={vi.fn()} onPurged={onPurged} />);
    const user = userEvent.setup();
    const button = screen.getByRole('button', { name: 'Purge permissions' });
    expect(button.hasAttribute('disabled')).toBe(true);
    await user.type(screen.getByLabelText('Type docs to confirm'), 'doc');
    expect(button.hasAttribute('disabled')).toBe(true);
    await user.type(screen.getByLabelText('Type docs to confirm'), 's');
    await user.click(button);
    expect(calls).toHaveLength(1);
    expect(onPurged).toHaveBeenCalledWith(3);
  });

  it('shows the API error in place', async () => {
    mockFetch(on('DELETE', '/admin/permissions/service/docs', { status: 500, body: { detail: 'Internal error' } }));
    const onPurged = vi.fn();
    render(<PurgeServiceDialog serviceName="docs" onClose={vi.fn()} onPurged={onPurged} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Type docs to confirm'), 'docs');
    await user.click(screen.getByRole('button', { name: 'Purge permissions' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(onPurged).not.toHaveBeenCalled();
  });
});
