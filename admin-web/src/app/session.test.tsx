import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { safeNext } from '@/config/paths';
import { AppProviders } from '@/app/provider';
import { mockFetch, on, sampleApp } from '@/testing/fetch';
import { routes } from './router';

function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <AppProviders>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

const me = { id: 'a1', email: 'admin@sentinel.local' };

describe('session handling', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends a visitor without a session to sign-in, then back to the page asked for', async () => {
    let signedIn = false;
    mockFetch(
      on('GET', '/admin/auth/me', () => (signedIn ? { status: 200, body: me } : { status: 401, body: { detail: 'Not signed in' } })),
      on('POST', '/admin/auth/login', () => {
        signedIn = true;
        return { status: 200, body: me };
      }),
      on('GET', `/admin/service-apps/${sampleApp().id}`, { status: 200, body: sampleApp() }),
    );
    const router = renderAt(`/service-apps/${sampleApp().id}`);
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent(`/service-apps/${sampleApp().id}`)}`);

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), me.email);
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Document store', level: 1 })).toBeTruthy();
    expect(router.state.location.pathname).toBe(`/service-apps/${sampleApp().id}`);
  });

  it('returns to sign-in with a message when a call answers 401 mid-session', async () => {
    mockFetch(
      on('GET', '/admin/auth/me', { status: 200, body: me }),
      on('GET', '/admin/service-apps', { status: 401, body: { detail: 'Session expired' } }),
    );
    const router = renderAt('/service-apps');
    expect(await screen.findByText('Your session has expired.')).toBeTruthy();
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.search).toBe('?next=%2Fservice-apps');
  });

  it('shows a wrong password in place', async () => {
    mockFetch(
      on('GET', '/admin/auth/me', { status: 401, body: { detail: 'Not signed in' } }),
      on('POST', '/admin/auth/login', { status: 401, body: { detail: 'Invalid email or password' } }),
    );
    renderAt('/sign-in');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), me.email);
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Invalid email or password.')).toBeTruthy();
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
  });

  it('shows a lockout with its wait', async () => {
    mockFetch(
      on('GET', '/admin/auth/me', { status: 401, body: { detail: 'Not signed in' } }),
      on('POST', '/admin/auth/login', { status: 429, body: { detail: 'Too many failed logins' }, headers: { 'Retry-After': '900' } }),
    );
    renderAt('/sign-in');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), me.email);
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Too many attempts. Try again in 15 minutes.')).toBeTruthy();
  });

  it('only continues to same-site app paths after sign-in', () => {
    expect(safeNext('/service-apps/1')).toBe('/service-apps/1');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/admin/auth/me')).toBe('/');
    expect(safeNext('/sign-in')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
