import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Section } from '@/components/ui/section';
import { env } from '@/config/env';
import { disableTotp, newRecoveryCodes } from '@/features/auth/api/steps';
import { ChangePasswordForm } from '@/features/auth/components/change-password-form';
import { RecoveryCodes } from '@/features/auth/components/recovery-codes';
import { TotpCodeForm } from '@/features/auth/components/totp-code-form';
import { TotpEnrol } from '@/features/auth/components/totp-enrol';
import { useAuth } from '@/lib/auth';

/** AccountRoute: the signed-in admin's own password and two-factor sign-in. */
export function AccountRoute() {
  const { state, setAdmin } = useAuth();
  const [enrolling, setEnrolling] = useState(false);
  // What the two-factor section asks for: a code to prove, before turning it off or making new recovery codes.
  const [proving, setProving] = useState<'disable' | 'codes' | null>(null);
  // New recovery codes live only here, only until the admin says they are stored.
  const [codes, setCodes] = useState<string[] | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  useEffect(() => {
    document.title = `Your account · ${env.appName} Admin`;
  }, []);
  if (state.status !== 'signed-in') return null;
  const { admin } = state;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Your account</h1>
          <p className="page-subtitle">{admin.email}</p>
        </div>
      </header>
      {flash ? <Alert tone="success">{flash}</Alert> : null}
      <Section title="Two-factor sign-in">
        {codes ? (
          <RecoveryCodes
            codes={codes}
            onDone={() => {
              setCodes(null);
              setFlash('Your new recovery codes are stored; the old ones no longer work.');
            }}
          />
        ) : admin.totp_enabled ? (
          <div className="stack">
            <p>
              <Badge tone="success">On</Badge> Signing in asks for a code from your authenticator app (or a recovery code).
            </p>
            {proving ? (
              <>
                <p>
                  {proving === 'disable'
                    ? 'To turn two-factor sign-in off, enter a code from your app or a recovery code. Your recovery codes stop working.'
                    : 'To make new recovery codes, enter a code from your app or a recovery code. The old recovery codes stop working.'}
                </p>
                {proving === 'disable' ? (
                  <TotpCodeForm
                    send={disableTotp}
                    submitLabel="Turn off two-factor sign-in"
                    formLabel="Turn off two-factor sign-in"
                    onDone={() => {
                      setProving(null);
                      setAdmin({ ...admin, totp_enabled: false });
                      setFlash('Two-factor sign-in is off.');
                    }}
                  />
                ) : (
                  <TotpCodeForm
                    send={newRecoveryCodes}
                    submitLabel="Make new recovery codes"
                    formLabel="Make new recovery codes"
                    onDone={(fresh) => {
                      setProving(null);
                      setFlash(null);
                      setCodes(fresh);
                    }}
                  />
                )}
                <div>
                  <Button variant="ghost" onClick={() => setProving(null)}>
                    Cancel
                  </Button>
                </div>
              </>
            ) : (
              <div className="actions">
                <Button onClick={() => setProving('codes')}>New recovery codes…</Button>
                <Button variant="danger" onClick={() => setProving('disable')}>
                  Turn off…
                </Button>
              </div>
            )}
          </div>
        ) : enrolling ? (
          <TotpEnrol
            onDone={(a) => {
              setEnrolling(false);
              setAdmin(a);
              setFlash('Two-factor sign-in is on.');
            }}
          />
        ) : (
          <div className="stack">
            <p>Add a code from an authenticator app to your sign-in, so a leaked password alone does not open the admin site.</p>
            <div>
              <Button variant="primary" onClick={() => setEnrolling(true)}>
                Set up two-factor sign-in
              </Button>
            </div>
          </div>
        )}
      </Section>
      <Section title="Password">
        <ChangePasswordForm
          submitLabel="Change password"
          onDone={(a) => {
            setAdmin(a);
            setFlash('Your password is changed; your other sessions have ended.');
          }}
        />
      </Section>
    </div>
  );
}
