import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on, sampleApp } from '@/testing/fetch';
import { ServiceAppSchema } from '../api/schemas';
import { customSeconds, RotateKeyDialog } from './rotate-key-dialog';

const app = ServiceAppSchema.parse(sampleApp());
const KEY = 'sk_test_' + 'C'.repeat(43);
const rotatePath = `/admin/service-apps/${app.id}/rotate-key`;

describe('regenerate key dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('converts a custom grace period and keeps it within 7 days', () => {
    expect(customSeconds('90', 'minutes')).toEqual({ seconds: 5400 });
    expect(customSeconds('7', 'days')).toEqual({ seconds: 604800 });
    expect(customSeconds('8', 'days')).toEqual({ error: 'The grace period can be at most 7 days.' });
    expect(customSeconds('soon', 'hours')).toEqual({ error: 'Enter a number, e.g. 30.' });
  });

  it.each([
    ['None — the current key stops working immediately', 0],
    ['1 hour', 3600],
    ['24 hours', 86400],
    ['7 days', 604800],
  ])('sends grace %j as %d seconds and hands over the new key', async (label, seconds) => {
    const { calls } = mockFetch(
      on('POST', rotatePath, { status: 200, body: { ...sampleApp(), api_key: KEY, previous_key_expires_at: null } }),
    );
    const onRotated = vi.fn();
    const user = userEvent.setup();
    render(<RotateKeyDialog app={app} onClose={vi.fn()} onRotated={onRotated} />);
    await user.click(screen.getByLabelText(label));
    await user.click(screen.getByRole('button', { name: 'Regenerate key' }));
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ grace_period_seconds: seconds });
    expect(onRotated.mock.calls[0]![0].apiKey).toBe(KEY);
  });

  it('refuses a custom grace over 7 days without calling the API', async () => {
    const { fn } = mockFetch();
    const user = userEvent.setup();
    render(<RotateKeyDialog app={app} onClose={vi.fn()} onRotated={vi.fn()} />);
    await user.click(screen.getByLabelText('Custom'));
    const amount = screen.getByLabelText('Custom grace period amount');
    await user.clear(amount);
    await user.type(amount, '10');
    await user.selectOptions(screen.getByLabelText('Custom grace period unit'), 'days');
    await user.click(screen.getByRole('button', { name: 'Regenerate key' }));
    expect(screen.getByText('The grace period can be at most 7 days.')).toBeTruthy();
    expect(fn).not.toHaveBeenCalled();
  });

  it('shows an API error in place', async () => {
    mockFetch(on('POST', rotatePath, { status: 404, body: { detail: 'Service app not found' } }));
    const user = userEvent.setup();
    render(<RotateKeyDialog app={app} onClose={vi.fn()} onRotated={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Regenerate key' }));
    expect(await screen.findByText('Service app not found')).toBeTruthy();
  });
});
