import { useState, type ReactNode } from 'react';
import { asApiError } from '@/lib/api-client';
import { Alert } from './alert';
import { Button } from './button';
import { Dialog } from './dialog';

export type ConfirmDialogProps = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  tone?: 'default' | 'danger';
  onConfirm: () => Promise<void>;
  onClose: () => void;
};

/** ConfirmDialog asks before an action and shows the API's error in place if it fails. */
export function ConfirmDialog({ title, children, confirmLabel, tone = 'default', onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(asApiError(err).message);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      role="alertdialog"
      size="sm"
      tone={tone}
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant={tone === 'danger' ? 'danger' : 'primary'} busy={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="stack">
        {children}
        {error ? <Alert tone="error">{error}</Alert> : null}
      </div>
    </Dialog>
  );
}
