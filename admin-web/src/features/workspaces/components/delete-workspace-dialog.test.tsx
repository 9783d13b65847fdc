import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on } from '@/testing/fetch';
import { DeleteWorkspaceDialog } from './delete-workspace-dialog';

const workspace = {
  id: '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10',
  name: 'Acme Europe',
  slug: 'acme-europe',
  description: '',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: null,
};

describe('delete workspace dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('explains the cascade and deletes only once the slug is typed', async () => {
    const { calls } = mockFetch(on('DELETE', `/admin/workspaces/${workspace.id}`, { status: 204 }));
    const onDeleted = vi.fn();
    render(<DeleteWorkspaceDialog workspace={workspace} onClose={vi.fn()} onDeleted={onDeleted} />);
    const user = userEvent.setup();
    expect(screen.getByRole('alertdialog', { name: 'Delete Acme Europe?' }).textContent).toMatch(
      /memberships, groups, roles and role assignments, and every resource ACL/,
    );
    const confirm = screen.getByRole('button', { name: 'Delete workspace' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(screen.getByLabelText('Type acme-europe to confirm'), 'acme-euro');
    expect(confirm.disabled).toBe(true);
    await user.type(screen.getByLabelText('Type acme-europe to confirm'), 'pe');
    await user.click(confirm);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.method).toBe('DELETE');
    expect(onDeleted).toHaveBeenCalledTimes(1);
  });

  it('shows the API error in place', async () => {
    mockFetch(on('DELETE', `/admin/workspaces/${workspace.id}`, { status: 404, body: { detail: 'Workspace not found' } }));
    const onDeleted = vi.fn();
    render(<DeleteWorkspaceDialog workspace={workspace} onClose={vi.fn()} onDeleted={onDeleted} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Type acme-europe to confirm'), 'acme-europe{Enter}');
    expect(await screen.findByText('Workspace not found')).toBeTruthy();
    expect(onDeleted).not.toHaveBeenCalled();
  });
});
