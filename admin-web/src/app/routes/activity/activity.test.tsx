import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppProviders } from '@/app/provider';
import { mockFetch, on } from '@/testing/fetch';
import { routes } from '../../router';
import { targetHref } from './activity';

const me = { id: 'a1', email: 'admin@sentinel.local' };
const entry = (n: number, over: Record<string, unknown> = {}) => ({
  id: `e${n}`,
  at: '2026-11-01T10:00:00Z',
  actor: 'admin@sentinel.local',
  action: 'member.add',
  target_type: 'workspace',
  target_id: '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10',
  detail: { email: `user${n}@example.com`, role: 'editor' },
  ...over,
});

function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <AppProviders>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

describe('activity page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('follows next_cursor on Load more and appends the page', async () => {
    const { calls } = mockFetch(
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', '/admin/activity?limit=50', { status: 200, body: { items: [entry(1), entry(2)], next_cursor: 'c1' } }),
      on('GET', '/admin/activity?limit=50&cursor=c1', { status: 200, body: { items: [entry(3)], next_cursor: null } }),
    );
    renderAt('/activity');
    const table = await screen.findByRole('table', { name: 'Activity, newest first' });
    expect(within(table).getAllByText('Member added')).toHaveLength(2);
    expect(within(table).getByText('user1@example.com')).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByText('user3@example.com')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText(/3 entries · the end of the log/)).toBeTruthy();
    expect(calls.map((c) => c.url)).toContain('/admin/activity?limit=50&cursor=c1');
  });

  it('sends the filters from the URL, follows empty filtered pages, and never shows secret-looking values', async () => {
    const target = '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10';
    const base = `/admin/activity?action=member.add&target_type=workspace&target_id=${target}&limit=50`;
    mockFetch(
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', base, { status: 200, body: { items: [], next_cursor: 'c1' } }),
      on('GET', `${base}&cursor=c1`, {
        status: 200,
        body: { items: [entry(1, { detail: { token: 'should-not-show', role: 'viewer' } })], next_cursor: null },
      }),
    );
    renderAt(`/activity?action=member.add&target_type=workspace&target_id=${target}`);
    const table = await screen.findByRole('table', { name: 'Activity, newest first' });
    expect(within(table).getByText('viewer')).toBeTruthy();
    expect(within(table).getByText('(hidden)')).toBeTruthy();
    expect(document.body.textContent).not.toContain('should-not-show');
    expect((screen.getByLabelText('Action') as HTMLSelectElement).value).toBe('member.add');
    expect((screen.getByLabelText('Target ID') as HTMLInputElement).value).toBe(target);
    expect(within(table).getByRole('link', { name: target }).getAttribute('href')).toBe(`/workspaces/${target}`);
  });
});

describe('targetHref', () => {
  const id = '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10';
  it('links every target type the log records to its page', () => {
    const href = (target_type: string, detail: Record<string, unknown> = {}) => targetHref({ target_type, target_id: id, detail });
    expect(href('resource_permission')).toBe(`/permissions/${id}`);
    expect(href('admin')).toBe('/admins');
    expect(href('service_app')).toBe(`/service-apps/${id}`);
    expect(href('group', { workspace_id: 'w1' })).toBe(`/workspaces/w1/groups/${id}`);
    expect(href('unknown')).toBeNull();
  });
});
