import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { asApiError } from '@/lib/use-resource';
import { deleteServiceApp } from '../api/delete-service-app';
import type { ServiceApp } from '../api/schemas';

export function DeleteServiceAppDialog({ app, onClose, onDeleted }: { app: ServiceApp; onClose: () => void; onDeleted: () => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const matches = typed.trim() === app.service_name;

  const submit = async () => {
    if (busy) return;
    if (!matches) {
      setError(`Type ${app.service_name} to confirm.`);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await deleteServiceApp(app.id);
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
      title={`Delete ${app.name}?`}
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
            Delete service app
          </Button>
        </>
      }
    >
      <div className="stack">
        <p>
          Its API keys stop working within seconds and backends using them get 401. This cannot be undone: to use the
          service again you create a new app and deploy its new key.
        </p>
        <TextField
          label={`Type ${app.service_name} to confirm`}
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
