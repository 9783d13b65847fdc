import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Section } from '@/components/ui/section';
import { env } from '@/config/env';
import { ChangePasswordForm } from '@/features/auth/components/change-password-form';
import { TotpEnrol } from '@/features/auth/components/totp-enrol';
import { useAuth } from '@/lib/auth';

/** AccountRoute: the signed-in admin's own password and two-factor sign-in. */
export function AccountRoute() {
  const { state, setAdmin } = useAuth();
  const [enrolling, setEnrolling] = useState(false);
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
        {admin.totp_enabled ? (
          <p>
            <Badge tone="success">On</Badge> Signing in asks for a code from your authenticator app (or a recovery code).
          </p>
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
