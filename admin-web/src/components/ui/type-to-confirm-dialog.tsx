import { useRef, useState, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { ApiError, asApiError } from '@/lib/api-client';

/**
 * TypeToConfirmDialog guards an irreversible action: it runs only once the
 * admin has typed `confirmText` (a service name, a slug). API errors show in
 * place; an expired session is left to the client's redirect.
 */
export function TypeToConfirmDialog({
  title,
  confirmText,
  actionLabel,
  children,
  onClose,
  onConfirm,
}: {
  title: string;
  confirmText: string;
  actionLabel: string;
  children: ReactNode;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const matches = typed.trim() === confirmText;

  const submit = async () => {
    if (busy) return;
    if (!matches) {
      setError(`Type ${confirmText} to confirm.`);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      const e = asApiError(err);
      if (e instanceof ApiError && e.kind === 'unauthorized') return;
      setError(e.message);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={title}
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
            {actionLabel}
          </Button>
        </>
      }
    >
      <div className="stack">
        <p>{children}</p>
        <TextField
          label={`Type ${confirmText} to confirm`}
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
