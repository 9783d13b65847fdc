import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { CodeInput } from '@/features/auth/api/steps';
import { asApiError } from '@/lib/api-client';

/**
 * TotpCodeForm asks for a code from the authenticator app, or a recovery
 * code, and sends it: the code step of a sign-in, or the proof that turns
 * two-factor sign-in off or makes new recovery codes.
 */
export function TotpCodeForm<T>({
  send,
  onDone,
  submitLabel = 'Verify',
  formLabel = 'Two-factor code',
}: {
  send: (input: CodeInput) => Promise<T>;
  onDone: (result: T) => void;
  submitLabel?: string;
  formLabel?: string;
}) {
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const value = code.trim();
    if (recovery ? value.length < 10 : !/^\d{6}$/.test(value)) {
      setError(recovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code from your authenticator app.');
      inputRef.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      onDone(await send(recovery ? { recovery_code: value } : { code: value }));
    } catch (err) {
      const apiError = asApiError(err);
      setError(apiError.kind === 'unauthorized' ? 'That code is not valid (or was used already).' : apiError.message);
      setCode('');
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-label={formLabel}>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <TextField
        key={recovery ? 'recovery' : 'code'}
        label={recovery ? 'Recovery code' : 'Authentication code'}
        hint={recovery ? 'Each recovery code works once.' : 'The 6-digit code your authenticator app shows for Sentinel.'}
        name={recovery ? 'recovery-code' : 'code'}
        inputMode={recovery ? 'text' : 'numeric'}
        autoComplete="one-time-code"
        inputRef={inputRef}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        autoFocus
      />
      <Button type="submit" variant="primary" busy={busy} className="btn--block">
        {submitLabel}
      </Button>
      <Button
        variant="ghost"
        onClick={() => {
          setRecovery(!recovery);
          setCode('');
          setError(null);
        }}
      >
        {recovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
      </Button>
    </form>
  );
}
