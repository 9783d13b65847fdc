import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on } from '@/testing/fetch';
import { RoleDialog } from './role-dialog';

const wid = '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10';
const role = {
  id: 'r1',
  workspace_id: wid,
  name: 'Billing editor',
  description: '',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
  action_count: 0,
  member_count: 0,
};

describe('role dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('needs a short enough name, then creates the role', async () => {
    const { calls } = mockFetch(on('POST', `/admin/workspaces/${wid}/roles`, { status: 201, body: role }));
    const onSaved = vi.fn();
    render(<RoleDialog workspaceId={wid} onClose={vi.fn()} onSaved={onSaved} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Create role' }));
    expect(screen.getByText('Enter a name.')).toBeTruthy();
    await user.type(screen.getByLabelText('Role name'), 'x'.repeat(101));
    await user.click(screen.getByRole('button', { name: 'Create role' }));
    expect(screen.getByText('Use at most 100 characters.')).toBeTruthy();
    expect(calls).toHaveLength(0);
    await user.clear(screen.getByLabelText('Role name'));
    await user.type(screen.getByLabelText('Role name'), ' Billing editor ');
    await user.click(screen.getByRole('button', { name: 'Create role' }));
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ name: 'Billing editor', description: '' });
    expect(onSaved).toHaveBeenCalledWith(role);
  });

  it('sends only what changed, and shows a taken name next to the field', async () => {
    const { calls } = mockFetch(
      on('PATCH', '/admin/roles/r1', { status: 409, body: { detail: "A role named 'Admins' already exists in this workspace" } }),
    );
    const onSaved = vi.fn();
    render(<RoleDialog workspaceId={wid} role={role} onClose={vi.fn()} onSaved={onSaved} />);
    const user = userEvent.setup();
    const name = screen.getByLabelText('Role name');
    await user.clear(name);
    await user.type(name, 'Admins');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('This workspace already has a role with this name.')).toBeTruthy();
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ name: 'Admins' });
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(onSaved).not.toHaveBeenCalled();
  });
});
