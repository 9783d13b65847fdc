import { Navigate, Outlet, useLocation } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { useAuth } from '@/lib/auth';

/** RequireAuth renders its routes for a signed-in admin, else sends them to sign-in and back. */
export function RequireAuth() {
  const { state, retry } = useAuth();
  const location = useLocation();

  if (state.status === 'loading') {
    return (
      <div className="center-page">
        <Spinner label="Checking your session" />
      </div>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="center-page">
        <div className="narrow">
          <Alert tone="error" title="Could not check your session." action={<Button onClick={retry}>Try again</Button>}>
            {state.error.message}
          </Alert>
        </div>
      </div>
    );
  }
  // Signed out, or signed in with a step left (TOTP code, password change,
  // enrolment): the sign-in page takes the admin through it and back.
  if (state.status === 'signed-out' || state.admin.next_step) {
    return <Navigate to={paths.signIn.href(location.pathname + location.search)} replace />;
  }
  return <Outlet />;
}
