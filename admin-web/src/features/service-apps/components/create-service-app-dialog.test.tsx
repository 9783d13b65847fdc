import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on, sampleApp } from '@/testing/fetch';
import { CreateServiceAppDialog, suggestServiceName } from './create-service-app-dialog';

const KEY = 'sk_test_' + 'B'.repeat(43);

function setup() {
  const onClose = vi.fn();
  const onCreated = vi.fn();
  render(<CreateServiceAppDialog onClose={onClose} onCreated={onCreated} />);
  return { onClose, onCreated, user: userEvent.setup() };
}

describe('create service app dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('suggests a service name from the display name', () => {
    expect(suggestServiceName('Docu Store')).toBe('docu-store');
    expect(suggestServiceName('  Billing (EU) 2 ')).toBe('billing-eu-2');
    expect(suggestServiceName('Café')).toBe('cafe');
    expect(suggestServiceName('123 go')).toBe('go');
  });

  it('shows the API rules next to each field and sends nothing', async () => {
    const { fn } = mockFetch();
    const { user } = setup();
    await user.type(screen.getByLabelText('Service name'), 'Docu_Store');
    await user.type(screen.getByLabelText('Allowed origins (optional)'), 'https://*.example.com');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(screen.getByText('Enter a display name.')).toBeTruthy();
    expect(screen.getByText(/Use lowercase letters, digits and hyphens/)).toBeTruthy();
    expect(screen.getByText(/Wildcards are not allowed/)).toBeTruthy();
    expect(screen.getByLabelText('Display name').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Display name'));
    expect(fn).not.toHaveBeenCalled();
  });

  it('creates the app and hands over the one-time key', async () => {
    const { calls } = mockFetch(
      on('POST', '/admin/service-apps', { status: 201, body: { ...sampleApp(), api_key: KEY } }),
    );
    const { user, onCreated } = setup();
    await user.type(screen.getByLabelText('Display name'), 'Docu Store');
    expect((screen.getByLabelText('Service name') as HTMLInputElement).value).toBe('docu-store');
    await user.type(screen.getByLabelText('Allowed origins (optional)'), 'https://docs.example.com');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({
      name: 'Docu Store',
      service_name: 'docu-store',
      allowed_origins: ['https://docs.example.com'],
    });
    expect(onCreated).toHaveBeenCalledTimes(1);
    const secret = onCreated.mock.calls[0]![0];
    expect(secret.apiKey).toBe(KEY);
    expect(secret.app).not.toHaveProperty('api_key');
  });

  it('shows a taken service name next to the field', async () => {
    mockFetch(on('POST', '/admin/service-apps', { status: 409, body: { detail: "Service name 'docu-store' is already taken" } }));
    const { user, onCreated } = setup();
    await user.type(screen.getByLabelText('Display name'), 'Docu Store');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    const input = await screen.findByLabelText('Service name');
    expect(await screen.findByText(/Another service app already uses this service name/)).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('shows an origin used by another app next to the origins', async () => {
    mockFetch(on('POST', '/admin/service-apps', { status: 409, body: { detail: 'Origin https://docs.example.com is already used by another service app' } }));
    const { user } = setup();
    await user.type(screen.getByLabelText('Display name'), 'Docu Store');
    await user.type(screen.getByLabelText('Allowed origins (optional)'), 'https://docs.example.com');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    await screen.findByText(/already used by another service app/);
    expect(screen.getByLabelText('Allowed origins (optional)').getAttribute('aria-invalid')).toBe('true');
  });

  it('closes with Escape', async () => {
    mockFetch();
    const { user, onClose } = setup();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
