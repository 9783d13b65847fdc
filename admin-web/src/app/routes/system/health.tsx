import { useEffect } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Section } from '@/components/ui/section';
import { Spinner } from '@/components/ui/spinner';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { duration, getHealth } from '@/features/system/api/get-system';
import { useLoad } from '@/features/system/use-load';

function State({ status }: { status: 'ok' | 'failed' }) {
  return status === 'ok' ? <Badge tone="success">OK</Badge> : <Badge tone="danger">Failed</Badge>;
}

export function HealthRoute() {
  const { resource, reload } = useLoad(['system', 'health'], getHealth);
  useEffect(() => {
    document.title = `System health · ${env.appName} Admin`;
  }, []);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">System health</h1>
          <p className="page-subtitle">Checked when the page loads: each table, the signing keys and the identity providers. No secret is shown.</p>
        </div>
        <div className="actions">
          <Button onClick={reload}>Check again</Button>
        </div>
      </header>
      {resource.status === 'loading' ? (
        <div className="card card--center">
          <Spinner label="Checking" />
        </div>
      ) : resource.status === 'error' ? (
        <Alert tone="error" title="Could not check the system." action={<Button onClick={reload}>Try again</Button>}>
          {resource.error.message}
        </Alert>
      ) : (
        <>
          <Alert tone={resource.data.status === 'ok' ? 'success' : 'warning'} title={resource.data.status === 'ok' ? 'Every component is OK.' : 'Some components failed.'}>
            Stage {resource.data.stage}, version {resource.data.version}, checked <DateTime value={resource.data.checked_at} />.
          </Alert>
          <Section title="Tables" description="One read of a key no item has, per table (2 s each).">
            <ul className="status-list" aria-label="Tables">
              {resource.data.tables.map((t) => (
                <li key={t.name} className="status-list__item">
                  <span className="mono">{t.name}</span>
                  <State status={t.status} />
                  {t.reason ? <span className="status-list__reason">{t.reason}</span> : null}
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Signing keys" description="Each key ring's keys by id (never the key itself), newest first.">
            {resource.data.signing_keys.map((r) => (
              <div key={r.ring}>
                <h3 className="strong">
                  {r.ring === 'user' ? 'User ring (access and authz tokens)' : 'Admin ring (admin sessions)'} <State status={r.status} />
                </h3>
                {r.reason ? <p className="status-list__reason">{r.reason}</p> : null}
                <ul className="status-list" aria-label={`${r.ring} ring keys`}>
                  {r.keys.map((k) => (
                    <li key={k.kid} className="status-list__item">
                      <span className="mono">{k.kid}</span>
                      <span>
                        {k.current ? <Badge tone="info">Current</Badge> : <Badge>{k.stage}</Badge>}{' '}
                        <span className="muted">
                          {k.age_seconds === null ? 'age unknown' : k.age_seconds >= 0 ? `signing for ${duration(k.age_seconds)}` : `signs in ${duration(-k.age_seconds)}`}
                        </span>
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </Section>
          <Section title="Identity providers" description="Whether each provider's JWKS answered with usable keys (fetched at most every 30 s).">
            {resource.data.identity_providers.length === 0 ? (
              <p className="muted">No identity provider is configured.</p>
            ) : (
              <ul className="status-list" aria-label="Identity providers">
                {resource.data.identity_providers.map((p) => (
                  <li key={p.name} className="status-list__item">
                    <span>
                      <span className="strong">{p.name}</span> <span className="muted mono">{p.issuers.join(', ')}</span>
                    </span>
                    <span>
                      <span className="muted">
                        {p.keys_cached} key{p.keys_cached === 1 ? '' : 's'} cached
                      </span>{' '}
                      <State status={p.status} />
                    </span>
                    {p.reason ? <span className="status-list__reason">{p.reason}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      )}
    </div>
  );
}
