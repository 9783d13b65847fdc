import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Spinner } from '@/components/ui/spinner';
import { CopyButton } from '@/features/service-apps/components/copy-button';
import { RecoveryCodes } from '@/features/auth/components/recovery-codes';
import type { Admin } from '@/features/auth/api/schemas';
import { confirmTotp, startTotpEnrol, type Confirmed, type Enrolment } from '@/features/auth/api/steps';
import { asApiError } from '@/lib/api-client';

/**
 * TotpEnrol sets up two-factor sign-in: a new secret as a QR code and as
 * text, confirmed with a code; then the recovery codes, shown once, until the
 * admin says they are stored. onDone gets the renewed session.
 */
export function TotpEnrol({ onDone }: { onDone: (admin: Admin) => void }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmed, setConfirmed] = useState<Confirmed | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const secretId = useId();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    startTotpEnrol().then(
      async (e) => {
        // The QR encoder loads only here (few admins ever enrol).
        const { default: QRCode } = await import('qrcode');
        const url = await QRCode.toDataURL(e.otpauth_uri, { margin: 1, width: 200 });
        if (!live) return;
        setEnrolment(e);
        setQr(url);
      },
      (err: unknown) => live && setLoadError(asApiError(err).message),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  if (confirmed) {
    return (
      <RecoveryCodes
        codes={confirmed.recovery_codes}
        intro={
          <Alert tone="success" title="Two-factor sign-in is on.">
            From now on, signing in asks for a code from your authenticator app.
          </Alert>
        }
        onDone={() => {
          const { recovery_codes: _codes, ...admin } = confirmed;
          onDone(admin);
        }}
      />
    );
  }

  if (loadError) {
    return (
      <Alert tone="error" title="Could not start the setup." action={<Button onClick={() => { setLoadError(null); setAttempt((n) => n + 1); }}>Try again</Button>}>
        {loadError}
      </Alert>
    );
  }
  if (!enrolment || !qr) return <Spinner label="Making your secret" />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!/^\d{6}$/.test(code.trim())) {
      setError('Enter the 6-digit code your app shows.');
      codeRef.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      setConfirmed(await confirmTotp(code.trim()));
    } catch (err) {
      const apiError = asApiError(err);
      setError(apiError.kind === 'unauthorized' ? 'That code is not valid; check the time on your phone and try the next one.' : apiError.message);
      setCode('');
      codeRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-label="Set up two-factor sign-in">
      <p>Scan this QR code with an authenticator app (1Password, Google Authenticator, Authy…), then enter the code it shows.</p>
      <img className="qr" src={qr} width={200} height={200} alt="QR code of your two-factor secret" />
      <div className="secret-box">
        <p id={`${secretId}-label`} className="field__label">
          Or type this secret into the app
        </p>
        <div className="secret-box__row">
          <code id={secretId} className="secret" aria-labelledby={`${secretId}-label`} data-secret="totp-secret">
            {enrolment.secret}
          </code>
          <CopyButton text={enrolment.secret} targetId={secretId} label="Copy secret" />
        </div>
      </div>
      <TextField
        label="Code from the app"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        inputRef={codeRef}
        value={code}
        error={error}
        onChange={(e) => setCode(e.target.value)}
      />
      <Button type="submit" variant="primary" busy={busy}>
        Turn on two-factor sign-in
      </Button>
    </form>
  );
}
