import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on } from '@/testing/fetch';
import { GroupDialog } from './group-dialog';

const wid = '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10';
const group = { id: 'g1', workspace_id: wid, name: 'Reviewers', description: '', created_at: '2026-11-01T10:00:00Z', member_count: 2 };

describe('group dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('needs a name, then creates the group', async () => {
    const { calls } = mockFetch(on('POST', `/admin/workspaces/${wid}/groups`, { status: 201, body: group }));
    const onSaved = vi.fn();
    render(<GroupDialog workspaceId={wid} onClose={vi.fn()} onSaved={onSaved} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    expect(screen.getByText('Enter a name.')).toBeTruthy();
    expect(calls).toHaveLength(0);
    await user.type(screen.getByLabelText('Group name'), ' Reviewers ');
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ name: 'Reviewers', description: '' });
    expect(onSaved).toHaveBeenCalledWith(group);
  });

  it('renames a group and shows a taken name next to the field', async () => {
    mockFetch(on('PATCH', '/admin/groups/g1', { status: 409, body: { detail: "Group 'Admins' already exists" } }));
    const onSaved = vi.fn();
    render(<GroupDialog workspaceId={wid} group={group} onClose={vi.fn()} onSaved={onSaved} />);
    const user = userEvent.setup();
    const name = screen.getByLabelText('Group name');
    await user.clear(name);
    await user.type(name, 'Admins');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('This workspace already has a group with this name.')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(onSaved).not.toHaveBeenCalled();
  });
});
