import { useEffect } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Detail, Section } from '@/components/ui/section';
import { Spinner } from '@/components/ui/spinner';
import { env } from '@/config/env';
import { duration, getSettings } from '@/features/system/api/get-system';
import { useLoad } from '@/features/system/use-load';

export function SettingsRoute() {
  const { resource, reload } = useLoad(['system', 'settings'], getSettings);
  useEffect(() => {
    document.title = `Settings · ${env.appName} Admin`;
  }, []);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Settings</h1>
          <p className="page-subtitle">How this deployment is configured (read-only: the stack's settings change them). No secret is shown.</p>
        </div>
      </header>
      {resource.status === 'loading' ? (
        <div className="card card--center">
          <Spinner label="Loading settings" />
        </div>
      ) : resource.status === 'error' ? (
        <Alert tone="error" title="Could not load the settings." action={<Button onClick={reload}>Try again</Button>}>
          {resource.error.message}
        </Alert>
      ) : (
        <>
          <Section title="Deployment">
            <dl className="details details--first">
              <Detail label="Stage">{resource.data.stage}</Detail>
              <Detail label="Version">{resource.data.version}</Detail>
              <Detail label="Token issuer">
                <span className="mono">{resource.data.issuer}</span>
              </Detail>
            </dl>
          </Section>
          <Section title="Token lifetimes">
            <dl className="details details--first">
              <Detail label="Authz tokens">{duration(resource.data.authz_token_seconds)}</Detail>
              <Detail label="Longest token">{duration(resource.data.max_token_seconds)}</Detail>
              <Detail label="Admin sessions">{duration(resource.data.admin_session_seconds)}</Detail>
              <Detail label="JWKS cache">{duration(resource.data.jwks_max_age_seconds)}</Detail>
            </dl>
          </Section>
          <Section title="Limits and caches">
            <dl className="details details--first">
              <Detail label="/authz/resolve">{resource.data.authz_resolve_per_minute} requests a minute per client IP</Detail>
              <Detail label="Failed authentications">{resource.data.auth_failures_per_minute} a minute per client IP</Detail>
              <Detail label="Admin sign-in failures">
                {resource.data.admin_login_failures_per_ip_minute} a minute per client IP; {resource.data.admin_login_failures_per_email} per email within{' '}
                {duration(resource.data.admin_login_email_window_seconds)}
              </Detail>
              <Detail label="Key cache bound">{duration(resource.data.key_cache_seconds)} (a revoked key or deactivated user may pass this long)</Detail>
              <Detail label="Admin two-factor">{resource.data.admin_require_totp ? 'Required for every admin' : 'Optional'}</Detail>
              <Detail label="Allowed admin origins">
                {resource.data.admin_origins.includes('same-origin')
                  ? "The admin site's own origin only (the admin API answers no cross-origin calls)"
                  : resource.data.admin_origins.join(', ')}
              </Detail>
            </dl>
          </Section>
          <Section title="Identity providers" description="The providers /authz/resolve accepts ID tokens from.">
            {resource.data.identity_providers.length === 0 ? (
              <p className="muted">No identity provider is configured.</p>
            ) : (
              resource.data.identity_providers.map((p) => (
                <dl key={p.name} className="details details--first" aria-label={`Provider ${p.name}`}>
                  <Detail label="Provider">
                    <span className="strong">{p.name}</span>
                  </Detail>
                  <Detail label="Issuer">
                    <span className="mono">{p.issuers.join(', ')}</span>
                  </Detail>
                  <Detail label="Audiences">
                    <span className="mono">{p.audiences.join(', ') || '—'}</span>
                  </Detail>
                  <Detail label="JWKS">
                    <span className="mono">{p.jwks_uri}</span>
                  </Detail>
                  <Detail label="Oldest ID token">{duration(p.max_age_seconds)}</Detail>
                </dl>
              ))
            )}
          </Section>
        </>
      )}
    </div>
  );
}
