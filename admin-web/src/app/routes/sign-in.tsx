import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { env } from '@/config/env';
import { paths, safeNext } from '@/config/paths';
import { LoginInputSchema } from '@/features/auth/api/login';
import type { SignInStep } from '@/features/auth/api/schemas';
import { ChangePasswordForm } from '@/features/auth/components/change-password-form';
import { TotpCodeForm } from '@/features/auth/components/totp-code-form';
import { verifyTotp } from '@/features/auth/api/steps';
import { TotpEnrol } from '@/features/auth/components/totp-enrol';
import { useAuth } from '@/lib/auth';
import { asApiError } from '@/lib/api-client';

export function SignInRoute() {
  const { state } = useAuth();
  if (state.status === 'signed-in' && state.admin.next_step) return <SignInStep step={state.admin.next_step} />;
  return <PasswordStep />;
}

const STEP_TITLES: Record<SignInStep, string> = {
  totp: 'Two-factor sign-in',
  change_password: 'Choose your password',
  enrol_totp: 'Set up two-factor sign-in',
};

/** SignInStep takes a signed-in admin through what is left of the sign-in. */
function SignInStep({ step }: { step: SignInStep }) {
  const { setAdmin, signOut } = useAuth();
  useEffect(() => {
    document.title = `${STEP_TITLES[step]} · ${env.appName} Admin`;
  }, [step]);
  return (
    <AuthCard title={STEP_TITLES[step]}>
      {step === 'totp' ? <TotpCodeForm send={verifyTotp} onDone={setAdmin} /> : null}
      {step === 'change_password' ? (
        <>
          <Alert tone="info">You signed in with a temporary password: choose your own to continue.</Alert>
          <ChangePasswordForm submitLabel="Set password and continue" onDone={setAdmin} />
        </>
      ) : null}
      {step === 'enrol_totp' ? (
        <>
          <Alert tone="info">Two-factor sign-in is required for every admin of this deployment.</Alert>
          <TotpEnrol onDone={setAdmin} />
        </>
      ) : null}
      <p className="auth-card__foot">
        <Button variant="ghost" size="sm" onClick={() => void signOut()}>
          Cancel and sign out
        </Button>
      </p>
    </AuthCard>
  );
}

function PasswordStep() {
  const { state, notice, signIn } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string | undefined; password?: string | undefined }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `Sign in · ${env.appName} Admin`;
  }, []);

  if (state.status === 'signed-in') return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const parsed = LoginInputSchema.safeParse({ email, password });
    if (!parsed.success) {
      const fieldErrors: { email?: string; password?: string } = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if ((key === 'email' || key === 'password') && !fieldErrors[key]) fieldErrors[key] = issue.message;
      }
      setErrors(fieldErrors);
      (fieldErrors.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      await signIn(parsed.data);
    } catch (err) {
      const error = asApiError(err);
      setFormError(error.kind === 'unauthorized' ? 'Invalid email or password.' : error.message);
      setPassword('');
      setBusy(false);
      passwordRef.current?.focus();
    }
  };

  return (
    <AuthCard title="Sign in">
        {notice === 'expired' && !formError ? (
          <Alert tone="warning" title="Your session has expired.">
            Sign in again to continue.
          </Alert>
        ) : null}
        {notice === 'signed-out' && !formError ? <Alert tone="info">You have signed out.</Alert> : null}
        {state.status === 'error' ? <Alert tone="error">{state.error.message}</Alert> : null}
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <form className="stack" noValidate onSubmit={submit}>
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            inputRef={emailRef}
            value={email}
            error={errors.email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            inputRef={passwordRef}
            value={password}
            error={errors.password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" variant="primary" busy={busy} className="btn--block">
            Sign in
          </Button>
        </form>
        <p className="auth-card__foot">
          Running locally? <span className="mono">make dev</span> prints the admin email and password on its first start.
        </p>
        <p className="auth-card__foot">
          <Link to={paths.docs.href()}>API reference</Link>
        </p>
    </AuthCard>
  );
}

function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <main className="auth-card" aria-labelledby="sign-in-title">
        <div className="brand brand--center">
          <span className="brand__mark" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="26" height="26">
              <path d="M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5l-8-3Z" fill="currentColor" />
              <path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="#fff" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </span>
          <span className="brand__name">{env.appName}</span>
          <span className="brand__tag">Admin</span>
        </div>
        <h1 id="sign-in-title" className="auth-card__title">
          {title}
        </h1>
        {children}
      </main>
    </div>
  );
}
