import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { changePassword } from '@/features/auth/api/steps';
import type { Admin } from '@/features/auth/api/schemas';
import { asApiError } from '@/lib/api-client';

const MIN_LENGTH = 12;

/** checkNewPassword says what is wrong with a new password (null: nothing). */
export function checkNewPassword(current: string, next: string, repeat: string): string | null {
  if (next.length < MIN_LENGTH) return `Use at least ${MIN_LENGTH} characters.`;
  if (new TextEncoder().encode(next).length > 72) return 'Use at most 72 bytes.';
  if (next === current) return 'Choose a password different from the current one.';
  if (next !== repeat) return 'The two new passwords differ.';
  return null;
}

/** ChangePasswordForm replaces the signed-in admin's password; onDone gets the renewed session. */
export function ChangePasswordForm({ submitLabel, onDone }: { submitLabel: string; onDone: (admin: Admin) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nextRef = useRef<HTMLInputElement>(null);
  const currentRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const problem = checkNewPassword(current, next, repeat);
    setFieldError(problem);
    setFormError(null);
    if (problem) {
      nextRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      onDone(await changePassword({ current_password: current, new_password: next }));
    } catch (err) {
      const error = asApiError(err);
      setFormError(error.kind === 'unauthorized' ? 'The current password is wrong.' : error.message);
      setCurrent('');
      setBusy(false);
      currentRef.current?.focus();
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-label="Change password">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <TextField
        label="Current password"
        type="password"
        name="current-password"
        autoComplete="current-password"
        inputRef={currentRef}
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        autoFocus
      />
      <TextField
        label="New password"
        type="password"
        name="new-password"
        autoComplete="new-password"
        hint={`At least ${MIN_LENGTH} characters.`}
        inputRef={nextRef}
        value={next}
        error={fieldError}
        onChange={(e) => setNext(e.target.value)}
      />
      <TextField
        label="Repeat the new password"
        type="password"
        name="repeat-password"
        autoComplete="new-password"
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
      />
      <Button type="submit" variant="primary" busy={busy} className="btn--block">
        {submitLabel}
      </Button>
    </form>
  );
}
