import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ServiceAppSchema } from '../api/schemas';
import { sampleApp } from '@/testing/fetch';
import { OneTimeKeyDialog } from './one-time-key-dialog';

const KEY = 'sk_test_' + 'A'.repeat(43);
const secret = { apiKey: KEY, app: ServiceAppSchema.parse(sampleApp()) };

function setup(extra: Partial<Parameters<typeof OneTimeKeyDialog>[0]> = {}) {
  const onClose = vi.fn();
  const user = userEvent.setup();
  render(<OneTimeKeyDialog secret={secret} mode="created" onClose={onClose} {...extra} />);
  return { onClose, user, dialog: screen.getByRole('dialog', { name: /copy (its|the new) API key/ }) };
}

describe('one-time key panel', () => {
  it('shows the key once, with the warning', () => {
    setup();
    expect(screen.getByLabelText(/API key for/).textContent).toBe(KEY);
    expect(screen.getByText('You will not see this key again.')).toBeTruthy();
  });

  it('cannot be closed with Escape or Done until the admin acknowledges', async () => {
    const { onClose, user } = setup();
    await user.keyboard('{Escape}');
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByText(/Confirm that you have stored the key/).getAttribute('role')).toBe('alert');
    expect(document.activeElement).toBe(screen.getByLabelText(/I have copied this key/));

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(onClose).not.toHaveBeenCalled();

    await user.click(screen.getByLabelText(/I have copied this key/));
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('closes with Escape once acknowledged', async () => {
    const { onClose, user } = setup();
    await user.click(screen.getByLabelText(/I have copied this key/));
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('copies the key to the clipboard', async () => {
    const { user } = setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    await user.click(screen.getByRole('button', { name: 'Copy key' }));
    expect(writeText).toHaveBeenCalledWith(KEY);
    expect(await screen.findByText('Key copied to the clipboard.')).toBeTruthy();
  });

  it('keeps keyboard focus inside and makes the page behind inert', async () => {
    const root = document.createElement('div');
    root.id = 'root';
    const outside = document.createElement('button');
    outside.textContent = 'outside';
    root.appendChild(outside);
    document.body.appendChild(root);
    const { user, dialog } = setup();
    expect(root.hasAttribute('inert')).toBe(true);
    expect(dialog.contains(document.activeElement)).toBe(true);
    for (let i = 0; i < 6; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    await user.tab({ shift: true });
    expect(dialog.contains(document.activeElement)).toBe(true);
    root.remove();
  });

  it('after a rotation, says when the previous key stops', () => {
    setup({ mode: 'rotated', secret: { ...secret, previousKeyExpiresAt: '2099-01-01T00:00:00Z' } });
    expect(screen.getByText(/The previous key keeps working until/)).toBeTruthy();
  });

  it('after a rotation without grace, says the previous key stopped', () => {
    setup({ mode: 'rotated', secret: { ...secret, previousKeyExpiresAt: null } });
    expect(screen.getByText('The previous key has stopped working.')).toBeTruthy();
  });
});
