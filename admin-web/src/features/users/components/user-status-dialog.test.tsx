import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on } from '@/testing/fetch';
import { UserStatusDialog } from './user-status-dialog';

const user = {
  id: '7d1c8f0a-3b2e-4c5d-8e9f-0a1b2c3d4e5f',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  avatar_url: '',
  is_active: true,
  created_at: '2026-11-01T10:00:00Z',
};

describe('user status dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('explains that tokens stop within 5 seconds, then deactivates', async () => {
    const { calls } = mockFetch(on('PATCH', `/admin/users/${user.id}`, { status: 200, body: { ...user, is_active: false } }));
    const onSaved = vi.fn();
    render(<UserStatusDialog user={user} onClose={vi.fn()} onSaved={onSaved} />);
    const dialog = screen.getByRole('alertdialog', { name: 'Deactivate Ada Lovelace?' });
    expect(dialog.textContent).toMatch(/stop working within 5 seconds/);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Deactivate user' }));
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ is_active: false });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ is_active: false }));
  });

  it('activates an inactive user, and shows an error in place', async () => {
    mockFetch(on('PATCH', `/admin/users/${user.id}`, { status: 404, body: { detail: 'User not found' } }));
    const onSaved = vi.fn();
    render(<UserStatusDialog user={{ ...user, is_active: false }} onClose={vi.fn()} onSaved={onSaved} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Activate user' }));
    expect(await screen.findByText('User not found')).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
  });
});
