import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppProviders } from '@/app/provider';
import { mockFetch, on } from '@/testing/fetch';
import { routes } from '../../router';

const me = { id: 'a1', email: 'admin@sentinel.local' };
const wid = '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10';
const pid = '2d6f9a56-1b8e-4a47-9a0e-2c4a3b1d7e12';
const ws = { id: wid, name: 'Acme', slug: 'acme', description: '', created_at: '2026-11-01T10:00:00Z', updated_at: null };
const record = (over: Record<string, unknown> = {}) => ({
  id: pid,
  service_name: 'docs',
  resource_type: 'document',
  resource_id: '3e6f9a56-1b8e-4a47-9a0e-2c4a3b1d7e13',
  workspace_id: wid,
  owner_id: 'u9',
  visibility: 'private',
  created_at: '2026-11-01T10:00:00Z',
  owner_name: 'Carol',
  owner_email: 'carol@example.com',
  shares: [],
  ...over,
});
const reviewers = { id: 'g1', workspace_id: wid, name: 'Reviewers', description: null, created_at: null, member_count: 1 };
const dora = { user_id: 'u2', email: 'dora@example.com', name: 'Dora', avatar_url: null, role: 'viewer', joined_at: null };
const share = {
  id: 's1',
  grantee_type: 'group',
  grantee_id: 'g1',
  permission: 'edit',
  granted_by: 'a1',
  granted_at: '2026-11-01T10:00:00Z',
  grantee_name: 'Reviewers',
  grantee_email: null,
  granted_by_name: null,
};

function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <AppProviders>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

describe('permission page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shares with a group of the workspace, then revokes with confirmation', async () => {
    let current = record();
    const { calls } = mockFetch(
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', `/admin/permissions/${pid}`, () => ({ status: 200, body: current })),
      on('GET', `/admin/workspaces/${wid}`, { status: 200, body: ws }),
      on('GET', `/admin/workspaces/${wid}/members?q=rev&limit=20`, { status: 200, body: { items: [], next_cursor: null } }),
      on('GET', `/admin/workspaces/${wid}/groups?limit=100`, { status: 200, body: { items: [reviewers], next_cursor: null } }),
      on('POST', `/admin/permissions/${pid}/share`, () => {
        current = record({ shares: [share] });
        return { status: 201, body: { status: 'ok' } };
      }),
      on('DELETE', `/admin/permissions/${pid}/share`, { status: 200, body: { status: 'ok' } }),
    );
    renderAt(`/permissions/${pid}`);
    const user = userEvent.setup();
    // The picker searches members (server) and the groups by name.
    await user.type(await screen.findByRole('combobox', { name: 'Share with' }), 'rev');
    const option = await screen.findByRole('option', { name: /Reviewers\s*Group · 1 member/ });
    await user.click(option);
    expect((screen.getByRole('combobox', { name: 'Share with' }) as HTMLInputElement).value).toBe('Reviewers');
    await user.selectOptions(screen.getByLabelText('Permission'), 'edit');
    await user.click(screen.getByRole('button', { name: 'Share' }));
    const post = calls.find((c) => c.init.method === 'POST')!;
    expect(JSON.parse(String(post.init.body))).toEqual({ grantee_type: 'group', grantee_id: 'g1', permission: 'edit' });
    const table = await screen.findByRole('table', { name: 'Shares' });
    expect(within(table).getByRole('row', { name: /group Reviewers edit/ })).toBeTruthy();

    await user.click(within(table).getByRole('button', { name: /^Revoke\s*Reviewers/ }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke Reviewers’s access?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke share' }));
    const del = calls.find((c) => c.init.method === 'DELETE')!;
    expect(JSON.parse(String(del.init.body))).toEqual({ grantee_type: 'group', grantee_id: 'g1' });
    expect(await screen.findByText('Not shared with anyone.')).toBeTruthy();
  });

  it('shares with a typed exact email; says in place when nothing matches, and shows the API error', async () => {
    const { calls } = mockFetch(
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', `/admin/permissions/${pid}`, { status: 200, body: record() }),
      on('GET', `/admin/workspaces/${wid}`, { status: 200, body: ws }),
      on('GET', `/admin/workspaces/${wid}/members?q=nobody%40example.com&limit=20`, { status: 200, body: { items: [], next_cursor: null } }),
      on('GET', `/admin/workspaces/${wid}/members?q=dora%40example.com&limit=20`, { status: 200, body: { items: [dora], next_cursor: null } }),
      on('GET', `/admin/workspaces/${wid}/groups?limit=100`, { status: 200, body: { items: [reviewers], next_cursor: null } }),
      on('POST', `/admin/permissions/${pid}/share`, { status: 400, body: { detail: 'The resource is not in that workspace.' } }),
    );
    renderAt(`/permissions/${pid}`);
    const user = userEvent.setup();
    const combo = await screen.findByRole('combobox', { name: 'Share with' });
    const shareButton = screen.getByRole('button', { name: 'Share' });
    await user.click(shareButton);
    expect(screen.getByText('Choose a member or a group to share with.')).toBeTruthy();
    expect(combo.getAttribute('aria-invalid')).toBe('true');

    await user.type(combo, 'nobody@example.com');
    await user.click(shareButton);
    expect(await screen.findByText(/No member or group of this workspace is nobody@example.com/)).toBeTruthy();
    expect(calls.some((c) => c.init.method === 'POST')).toBe(false);

    await user.clear(combo);
    await user.type(combo, 'dora@example.com');
    await user.click(shareButton);
    const form = screen.getByRole('form', { name: 'Share this resource' });
    expect((await within(form).findByRole('alert')).textContent).toMatch(/not in that workspace/);
    const post = calls.find((c) => c.init.method === 'POST')!;
    expect(JSON.parse(String(post.init.body))).toEqual({ grantee_type: 'user', grantee_id: 'u2', permission: 'view' });
  });

  it('saves a new visibility and shows an error in place', async () => {
    mockFetch(
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', `/admin/permissions/${pid}`, { status: 200, body: record() }),
      on('GET', `/admin/workspaces/${wid}`, { status: 200, body: ws }),
      on('PATCH', `/admin/permissions/${pid}/visibility`, { status: 500, body: { detail: 'Internal error' } }),
    );
    renderAt(`/permissions/${pid}`);
    const user = userEvent.setup();
    const save = await screen.findByRole('button', { name: 'Save visibility' });
    expect(save.hasAttribute('disabled')).toBe(true);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Visibility' }), 'workspace');
    await user.click(save);
    const form = screen.getByRole('form', { name: 'Change visibility' });
    expect(await within(form).findByRole('alert')).toBeTruthy();
  });
});
