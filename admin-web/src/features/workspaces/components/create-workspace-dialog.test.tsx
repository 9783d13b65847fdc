import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, on } from '@/testing/fetch';
import { CreateWorkspaceDialog } from './create-workspace-dialog';

const workspace = {
  id: '0b5f9a56-1b8e-4a47-9a0e-2c4a3b1d7e10',
  name: 'Acme Europe',
  slug: 'acme-europe',
  description: '',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
};

function setup() {
  const onClose = vi.fn();
  const onCreated = vi.fn();
  render(<CreateWorkspaceDialog onClose={onClose} onCreated={onCreated} />);
  return { onClose, onCreated, user: userEvent.setup() };
}

describe('create workspace dialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('checks the slug rule next to the field and sends nothing', async () => {
    const { fn } = mockFetch();
    const { user } = setup();
    await user.type(screen.getByLabelText('Slug'), '-Acme_');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(screen.getByText('Enter a name.')).toBeTruthy();
    expect(screen.getByText(/Use lowercase letters, digits and hyphens/)).toBeTruthy();
    expect(screen.getByLabelText('Slug').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
    expect(fn).not.toHaveBeenCalled();
  });

  it('suggests the slug from the name and creates the workspace', async () => {
    const { calls } = mockFetch(on('POST', '/admin/workspaces', { status: 201, body: workspace }));
    const { user, onCreated } = setup();
    await user.type(screen.getByLabelText('Name'), 'Acme Europe');
    expect((screen.getByLabelText('Slug') as HTMLInputElement).value).toBe('acme-europe');
    await user.type(screen.getByLabelText('Description (optional)'), '  EU tenant ');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ name: 'Acme Europe', slug: 'acme-europe', description: 'EU tenant' });
    expect(onCreated).toHaveBeenCalledWith(workspace);
  });

  it('shows a taken slug (409) next to the slug', async () => {
    mockFetch(on('POST', '/admin/workspaces', { status: 409, body: { detail: "Slug 'acme-europe' is already taken" } }));
    const { user, onCreated } = setup();
    await user.type(screen.getByLabelText('Name'), 'Acme Europe');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText(/Another workspace already uses the slug acme-europe/)).toBeTruthy();
    expect(screen.getByLabelText('Slug').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Slug'));
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('shows a 422 next to the field the API names', async () => {
    mockFetch(on('POST', '/admin/workspaces', { status: 422, body: { detail: 'description: must be at most 1000 characters' } }));
    const { user } = setup();
    await user.type(screen.getByLabelText('Name'), 'Acme');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText('description: must be at most 1000 characters')).toBeTruthy();
    expect(screen.getByLabelText('Description (optional)').getAttribute('aria-invalid')).toBe('true');
  });
});
