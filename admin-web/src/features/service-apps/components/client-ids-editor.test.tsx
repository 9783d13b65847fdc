import { render, screen, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on, sampleApp } from '@/testing/fetch';
import { isBound, ServiceAppSchema, type ServiceApp } from '../api/schemas';
import { ClientIdsEditor } from './client-ids-editor';

const appPath = `/admin/service-apps/${sampleApp().id}`;

/** The editor on a page that keeps the app it saved, as the detail page does. */
function Page({ initial, onSaved }: { initial: ServiceApp; onSaved: (app: ServiceApp) => void }) {
  const [app, setApp] = useState(initial);
  return (
    <ClientIdsEditor
      app={app}
      onSaved={(u) => {
        setApp(u);
        onSaved(u);
      }}
    />
  );
}

/** fill replaces a field's text (pasted: typing key by key is slow here). */
async function fill(user: UserEvent, label: string, text: string) {
  const input = screen.getByLabelText(label);
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
}

describe('client ids editor', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('an app without client ids is not bound', () => {
    expect(isBound(ServiceAppSchema.parse(sampleApp()))).toBe(false);
    expect(isBound(ServiceAppSchema.parse(sampleApp({ idp_client_ids: { google: [] } })))).toBe(false);
    expect(isBound(ServiceAppSchema.parse(sampleApp({ idp_client_ids: { google: ['a'] } })))).toBe(true);
  });

  it('checks an entry in place, then saves the lists by provider in one PATCH', async () => {
    const app = ServiceAppSchema.parse(sampleApp({ idp_client_ids: { google: ['web.apps.googleusercontent.com'] } }));
    const stored = { google: ['web.apps.googleusercontent.com'], corp: ['docs-web'] };
    const { calls } = mockFetch(on('PATCH', appPath, { status: 200, body: sampleApp({ idp_client_ids: stored }) }));
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<Page initial={app} onSaved={onSaved} />);
    const list = screen.getByRole('list', { name: 'Client ids' });
    expect(within(list).getByText('web.apps.googleusercontent.com')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save client ids' }) as HTMLButtonElement).disabled).toBe(true);

    const add = screen.getByRole('button', { name: 'Add client id' });
    await fill(user, 'Provider', 'Corp');
    await fill(user, 'Client id', 'docs web');
    await user.click(add);
    expect(screen.getByText(/lowercase letters, digits, _ and -/)).toBeTruthy();
    expect(screen.getByText('A client id cannot contain spaces or control characters.')).toBeTruthy();

    await fill(user, 'Provider', 'google');
    await fill(user, 'Client id', 'web.apps.googleusercontent.com');
    await user.click(add);
    expect(screen.getByText('This client id is already in the list.')).toBeTruthy();

    await fill(user, 'Provider', 'corp');
    await fill(user, 'Client id', 'docs-web');
    await user.click(add);
    expect(within(list).getByText('docs-web')).toBeTruthy();
    expect(within(list).getByText('unsaved')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Save client ids' }));
    expect(await screen.findByText('Client ids saved.')).toBeTruthy();
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({
      idp_client_ids: { google: ['web.apps.googleusercontent.com'], corp: ['docs-web'] },
    });
    expect(onSaved).toHaveBeenCalledOnce();
  });

  it('removing the last client id saves an empty object, and a 409 is shown in place', async () => {
    const app = ServiceAppSchema.parse(sampleApp({ idp_client_ids: { google: ['web.apps.googleusercontent.com'] } }));
    const detail = "Client id 'web.apps.googleusercontent.com' of provider 'google' is already used by another service app";
    let reply = { status: 200, body: sampleApp() as unknown };
    const { calls } = mockFetch(on('PATCH', appPath, () => reply));
    const user = userEvent.setup();
    render(<Page initial={app} onSaved={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Remove web.apps.googleusercontent.com (google)' }));
    expect(screen.getByText(/No client ids/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save client ids' }));
    expect(await screen.findByText('Client ids saved.')).toBeTruthy();
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ idp_client_ids: {} });

    reply = { status: 409, body: { detail } };
    await fill(user, 'Provider', 'google');
    await fill(user, 'Client id', 'web.apps.googleusercontent.com');
    await user.click(screen.getByRole('button', { name: 'Add client id' }));
    await user.click(screen.getByRole('button', { name: 'Save client ids' }));
    expect(await screen.findByText(detail)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.queryByText(detail)).toBeNull();
  });
});
