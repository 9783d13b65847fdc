import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppProviders } from '@/app/provider';
import { mockFetch, on } from '@/testing/fetch';
import { routes } from '../../router';

const me = { id: 'a1', email: 'admin@sentinel.local' };
const wid = '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10';
const ws = { id: wid, name: 'Acme', slug: 'acme', description: '', created_at: '2026-11-01T10:00:00Z', updated_at: null };
const member = (user_id: string, email: string) => ({ user_id, email, name: '', avatar_url: null, role: 'viewer', joined_at: null });
const empty = { status: 200, body: { items: [], next_cursor: null } };

/** renderMembers opens the workspace's members tab; the fake API removes members for real (the page refetches). */
function renderMembers(start: ReturnType<typeof member>[]) {
  let members = start;
  const removePrefix = `/admin/workspaces/${wid}/members/`;
  const { calls } = mockFetch(
    on('GET', '/admin/auth/me', { status: 200, body: me }),
    on('GET', `/admin/workspaces/${wid}`, { status: 200, body: ws }),
    on('GET', `/admin/workspaces/${wid}/members?limit=100`, () => ({ status: 200, body: { items: members, next_cursor: null } })),
    on('GET', `/admin/workspaces/${wid}/groups?limit=100`, empty),
    on('GET', `/admin/workspaces/${wid}/roles?limit=100`, empty),
    (url, init) => {
      if (init.method !== 'DELETE' || !url.startsWith(removePrefix)) return undefined;
      members = members.filter((m) => m.user_id !== url.slice(removePrefix.length));
      return { status: 204 };
    },
  );
  const router = createMemoryRouter(routes, { initialEntries: [`/workspaces/${wid}?tab=members`] });
  render(
    <AppProviders>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return calls;
}

describe('workspace members: bulk removal', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('clears the selection when the search changes, so hidden rows are never acted on', async () => {
    const calls = renderMembers([member('u1', 'ada@example.com'), member('u2', 'bob@example.com'), member('u3', 'cy@example.com')]);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('checkbox', { name: 'Select ada@example.com' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select bob@example.com' }));
    expect(screen.getByRole('region', { name: 'Selected members' }).textContent).toMatch(/2 selected/);

    const search = screen.getByLabelText('Search members');
    await user.type(search, 'cy');
    expect(screen.queryByRole('region', { name: 'Selected members' })).toBeNull();
    await user.clear(search);
    expect((screen.getByRole('checkbox', { name: 'Select ada@example.com' }) as HTMLInputElement).checked).toBe(false);
    expect(screen.queryByRole('region', { name: 'Selected members' })).toBeNull();

    // Selected under a search, acted on under it: only the row shown.
    await user.type(search, 'cy');
    await user.click(screen.getByRole('checkbox', { name: 'Select cy@example.com' }));
    await user.click(screen.getByRole('button', { name: 'Remove 1 member…' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Remove 1 member?' });
    expect(within(confirm).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['cy@example.com']);
    await user.click(within(confirm).getByRole('button', { name: 'Remove 1 member' }));
    expect(await screen.findByText('1 member removed.')).toBeTruthy();
    expect(calls.filter((c) => c.init.method === 'DELETE').map((c) => c.url)).toEqual([`/admin/workspaces/${wid}/members/u3`]);
  });

  it('keeps the report when the removal leaves the list empty, until dismissed', async () => {
    renderMembers([member('u1', 'ada@example.com'), member('u2', 'bob@example.com')]);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('checkbox', { name: 'Select all 2 shown' }));
    await user.click(screen.getByRole('button', { name: 'Remove 2 members…' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove 2 members' }));
    expect(await screen.findByText('No members yet.')).toBeTruthy();
    const report = screen.getByText('2 members removed.');
    await user.click(within(report.closest('.alert') as HTMLElement).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText('2 members removed.')).toBeNull();
  });
});
