import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { asApiError } from '@/lib/use-resource';
import { purgeService } from '../api/purge-service';

/** PurgeServiceDialog deletes every permission record of a service once its name is typed. */
export function PurgeServiceDialog({
  serviceName,
  onClose,
  onPurged,
}: {
  serviceName: string;
  onClose: () => void;
  onPurged: (deleted: number) => void;
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const matches = typed.trim() === serviceName;

  const submit = async () => {
    if (busy) return;
    if (!matches) {
      setError(`Type ${serviceName} to confirm.`);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onPurged(await purgeService(serviceName));
    } catch (err) {
      const e = asApiError(err);
      if (e instanceof ApiError && e.kind === 'unauthorized') return;
      setError(e.message);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Purge every permission of ${serviceName}?`}
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
            Purge permissions
          </Button>
        </>
      }
    >
      <div className="stack">
        <p>
          Every resource record {serviceName} registered, in every workspace, is deleted with its visibility and shares. Checks
          for those resources then fail until the service registers them again. It cannot be undone.
        </p>
        <TextField
          label={`Type ${serviceName} to confirm`}
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
