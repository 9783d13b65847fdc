import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { asApiError } from '@/lib/use-resource';
import { deleteWorkspace } from '../api/delete-workspace';
import type { Workspace } from '../api/schemas';

export function DeleteWorkspaceDialog({ workspace, onClose, onDeleted }: { workspace: Workspace; onClose: () => void; onDeleted: () => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const matches = typed.trim() === workspace.slug;

  const submit = async () => {
    if (busy) return;
    if (!matches) {
      setError(`Type ${workspace.slug} to confirm.`);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await deleteWorkspace(workspace.id);
      onDeleted();
    } catch (err) {
      const e = asApiError(err);
      if (e instanceof ApiError && e.kind === 'unauthorized') return;
      setError(e.message);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Delete ${workspace.name}?`}
      role="alertdialog"
      tone="danger"
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      initialFocusRef={inputRef}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" busy={busy} disabled={!matches}>
            Delete workspace
          </Button>
        </>
      }
    >
      <div className="stack">
        <p>
          This also removes the workspace’s memberships, groups, roles and role assignments, and every resource ACL in
          it. Nothing is left behind and it cannot be undone. The users themselves stay, with their other workspaces.
        </p>
        <TextField
          label={`Type ${workspace.slug} to confirm`}
          inputRef={inputRef}
          value={typed}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
          className="field--mono"
          onChange={(e) => setTyped(e.target.value)}
        />
        {error ? <Alert tone="error">{error}</Alert> : null}
      </div>
    </Dialog>
  );
}
