import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppProviders } from '@/app/provider';
import { mockFetch, on } from '@/testing/fetch';
import { routes } from '../../router';

const me = { id: 'a1', email: 'admin@sentinel.local' };
const wid = '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10';
const rid = '1c6f9a56-1b8e-4a47-9a0e-2c4a3b1d7e11';
const ws = { id: wid, name: 'Acme', slug: 'acme', description: '', created_at: '2026-11-01T10:00:00Z', updated_at: null };
const role = {
  id: rid,
  workspace_id: wid,
  name: 'Editors',
  description: null,
  created_by: 'a1',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
  action_count: 0,
  member_count: 0,
};
const action = (id: string, service_name: string, a: string) => ({
  id,
  service_name,
  action: a,
  description: null,
  created_at: '2026-11-01T10:00:00Z',
});
const member = { user_id: 'u1', email: 'ada@example.com', name: '', avatar_url: null, role: 'viewer', joined_at: null };

function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <AppProviders>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

describe('role page', () => {
  afterEach(() => vi.unstubAllGlobals());

  function stubs(...extra: Parameters<typeof on>[]) {
    return mockFetch(
      ...extra.map((args) => on(...args)),
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', `/admin/workspaces/${wid}`, { status: 200, body: ws }),
      on('GET', `/admin/workspaces/${wid}/roles?limit=100`, { status: 200, body: { items: [role], next_cursor: null } }),
      on('GET', `/admin/roles/${rid}/actions?limit=100`, { status: 200, body: { items: [], next_cursor: null } }),
      on('GET', `/admin/roles/${rid}/members?limit=100`, { status: 200, body: { items: [], next_cursor: null } }),
      on('GET', `/admin/workspaces/${wid}/members?q=ada&limit=20`, { status: 200, body: { items: [member], next_cursor: null } }),
      on('GET', '/admin/service-actions?limit=100', {
        status: 200,
        body: { items: [action('s2', 'docs', 'write'), action('s1', 'billing', 'refund'), action('s3', 'docs', 'read')], next_cursor: null },
      }),
    );
  }

  it('offers the registered actions grouped by service and adds one', async () => {
    const { calls } = stubs(['POST', `/admin/roles/${rid}/actions`, { status: 201, body: { status: 'ok' } }]);
    renderAt(`/workspaces/${wid}/roles/${rid}`);
    const select = await screen.findByLabelText('Service action to add');
    const groups = within(select).getAllByRole('group');
    expect(groups.map((g) => g.getAttribute('label'))).toEqual(['billing', 'docs']);
    expect(within(groups[1]!).getAllByRole('option').map((o) => o.textContent)).toEqual(['docs · read', 'docs · write']);
    const user = userEvent.setup();
    await user.selectOptions(select, 's3');
    await user.click(screen.getByRole('button', { name: 'Add action' }));
    const post = calls.find((c) => c.init.method === 'POST')!;
    expect(JSON.parse(String(post.init.body))).toEqual({ service_action_ids: ['s3'] });
    const table = await screen.findByRole('table', { name: 'Role actions' });
    expect(within(table).getByText('read')).toBeTruthy();
    expect(screen.getByText(/1 action · 0 members/)).toBeTruthy();
  });

  it('shows a 400 for someone who left the workspace next to the member picker', async () => {
    stubs([
      'POST',
      `/admin/roles/${rid}/members/u1`,
      { status: 400, body: { detail: "User 'u1' is not a member of the role's workspace" } },
    ]);
    renderAt(`/workspaces/${wid}/roles/${rid}`);
    const picker = await screen.findByRole('combobox', { name: 'Workspace member to add' });
    const user = userEvent.setup();
    await user.type(picker, 'ada');
    // The server's search answers; the keyboard highlights and picks.
    const option = await screen.findByRole('option', { name: /ada@example.com/ });
    await user.keyboard('{ArrowDown}');
    expect(option.getAttribute('aria-selected')).toBe('true');
    expect(picker.getAttribute('aria-activedescendant')).toBe(option.id);
    await user.keyboard('{Enter}');
    expect((picker as HTMLInputElement).value).toBe('ada@example.com');
    expect(picker.getAttribute('aria-expanded')).toBe('false');
    await user.click(screen.getByRole('button', { name: 'Add to role' }));
    const form = screen.getByRole('form', { name: 'Add a member to the role' });
    expect(await within(form).findByText(/ada@example.com is not a member of this workspace any more/)).toBeTruthy();
  });

  it('says so when the role is not in its workspace', async () => {
    mockFetch(
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', `/admin/workspaces/${wid}`, { status: 200, body: ws }),
      on('GET', `/admin/workspaces/${wid}/roles?limit=100`, { status: 200, body: { items: [], next_cursor: null } }),
      on('GET', `/admin/roles/${rid}/actions?limit=100`, { status: 404, body: { detail: 'Role not found' } }),
      on('GET', `/admin/roles/${rid}/members?limit=100`, { status: 404, body: { detail: 'Role not found' } }),
    );
    renderAt(`/workspaces/${wid}/roles/${rid}`);
    expect(await screen.findByText('This role does not exist.')).toBeTruthy();
  });
});
