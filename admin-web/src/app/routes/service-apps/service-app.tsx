import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { TextField } from '@/components/ui/field';
import { DateTime, RelativeTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { serviceAppQuery } from '@/features/service-apps/api/get-service-app';
import { revokePreviousKey } from '@/features/service-apps/api/revoke-previous-key';
import { isBound, type OneTimeKey, type ServiceApp } from '@/features/service-apps/api/schemas';
import { updateServiceApp } from '@/features/service-apps/api/update-service-app';
import { AllowedOriginsEditor } from '@/features/service-apps/components/allowed-origins-editor';
import { ClientIdsEditor } from '@/features/service-apps/components/client-ids-editor';
import { DeleteServiceAppDialog } from '@/features/service-apps/components/delete-service-app-dialog';
import { OneTimeKeyDialog } from '@/features/service-apps/components/one-time-key-dialog';
import { RotateKeyDialog } from '@/features/service-apps/components/rotate-key-dialog';
import { firstError, nameSchema } from '@/features/service-apps/validation';
import { ApiError, asApiError } from '@/lib/api-client';
import { formatRelative } from '@/lib/format';
import { useRecord } from '@/lib/query';
import type { ServiceAppsFlash } from './service-apps';
import { PendingPage } from '@/components/layouts/pending-page';

type Modal = 'rotate' | 'revoke' | 'status' | 'delete' | null;

export function ServiceAppRoute() {
  const { id = '' } = useParams();
  const { query, setData } = useRecord(serviceAppQuery(id));
  const [modal, setModal] = useState<Modal>(null);
  // The plaintext key lives only here, only while its panel is open.
  const [secret, setSecret] = useState<OneTimeKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const navigate = useNavigate();

  const app = query.data ?? null;

  useEffect(() => {
    document.title = `${app ? app.name : 'Service app'} · ${env.appName} Admin`;
  }, [app]);

  const back = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={paths.serviceApps.href()}>Service apps</Link>
      <span aria-hidden="true">/</span>
      <span aria-current="page">{app ? app.name : '…'}</span>
    </nav>
  );

  if (!query.isSuccess) {
    return (
      <PendingPage
        breadcrumb={back}
        query={query}
        noun="service app"
        onRetry={() => void query.refetch()}
        notFound={
          <>
            It may have been deleted. <Link to={paths.serviceApps.href()}>Back to all service apps</Link>
          </>
        }
      />
    );
  }

  const a = query.data;
  const current = a.keys[0] ?? { key_prefix: a.key_prefix, created_at: a.created_at, expires_at: null, last_used_at: a.last_used_at };
  const previous = a.keys[1] ?? null;
  const saved = (updated: ServiceApp, message?: string) => {
    setData(updated);
    setNotice(message ?? null);
  };

  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div>
          <div className="title-row">
            <h1 className="page-title">{a.name}</h1>
            {a.is_active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}
            {isBound(a) ? null : <Badge tone="warning">Not bound to a client id</Badge>}
          </div>
          <p className="page-subtitle mono">{a.service_name}</p>
        </div>
      </header>

      {notice ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setNotice(null)}>Dismiss</Button>}>
          {notice}
        </Alert>
      ) : null}
      {!a.is_active ? (
        <Alert tone="warning" title="This app is inactive.">
          Sentinel refuses its API keys and its allowed origins until you activate it again.
        </Alert>
      ) : null}

      <Section title="API keys" description="Sentinel stores only a hash of each key. The prefix identifies it.">
        <div className="table-wrap">
          <table className="table table--compact">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Key prefix</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td className="mono">{current.key_prefix}…</td>
                <td>
                  <Badge tone="info">Current</Badge>
                </td>
                <td>
                  <DateTime value={current.created_at} />
                </td>
                <td>
                  <RelativeTime value={current.last_used_at} />
                </td>
              </tr>
              {previous ? (
                <tr>
                  <td className="mono">{previous.key_prefix}…</td>
                  <td>
                    <Badge tone="warning">
                      {previous.expires_at ? `Previous · stops ${formatRelative(previous.expires_at)}` : 'Previous'}
                    </Badge>
                    {previous.expires_at ? (
                      <span className="cell-note">
                        until <DateTime value={previous.expires_at} />
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <DateTime value={previous.created_at} />
                  </td>
                  <td>
                    <RelativeTime value={previous.last_used_at} />
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        <div className="actions">
          <Button variant="primary" onClick={() => setModal('rotate')} icon={<KeyIcon />}>
            Regenerate key
          </Button>
          {previous ? (
            <Button variant="danger" onClick={() => setModal('revoke')}>
              End grace period now
            </Button>
          ) : null}
        </div>
      </Section>

      <Section title="Details">
        <RenameForm app={a} onSaved={(u) => saved(u, 'Display name saved.')} />
        <dl className="details">
          <Detail label="Service name">
            <span className="mono">{a.service_name}</span> <span className="muted">(cannot be changed)</span>
          </Detail>
          <Detail label="Last used">
            <RelativeTime value={a.last_used_at} />
          </Detail>
          <Detail label="Created">
            <DateTime value={a.created_at} />
            {a.created_by ? <span className="muted"> by {a.created_by}</span> : null}
          </Detail>
          <Detail label="Updated">
            <DateTime value={a.updated_at} />
          </Detail>
          <Detail label="ID">
            <span className="mono">{a.id}</span>
          </Detail>
        </dl>
      </Section>

      <Section
        title="Allowed origins"
        description="Browser frontends on these origins may call /authz/resolve without a key. Each origin can belong to one app only."
      >
        <AllowedOriginsEditor key={a.id} app={a} onSaved={(u) => saved(u)} />
      </Section>

      <Section
        title="Identity provider client ids"
        description="The OIDC client ids this app’s frontends sign users in with. An ID token resolves for this app only if it was issued to one of them, so a token from another app’s sign-in cannot act here. Each client id belongs to one app."
      >
        {isBound(a) ? null : (
          <Alert tone="warning" title="Not bound to a client id.">
            Sentinel accepts any ID token issued to the deployment’s audience for this app (unless another app lists its client
            id). Add the client ids of this app’s frontends to bind it.
          </Alert>
        )}
        <ClientIdsEditor key={a.id} app={a} onSaved={(u) => saved(u)} />
      </Section>

      <Section title="Status">
        <div className="row-between">
          <p>
            {a.is_active
              ? 'Active: Sentinel accepts this app’s API keys and allowed origins.'
              : 'Inactive: Sentinel refuses this app’s API keys and allowed origins.'}
          </p>
          <Button variant={a.is_active ? 'danger' : 'primary'} onClick={() => setModal('status')}>
            {a.is_active ? 'Deactivate' : 'Activate'}
          </Button>
        </div>
      </Section>

      <Section title="Delete service app" tone="danger">
        <div className="row-between">
          <p>
            Deleting removes the app and its keys for good, and purges the resource permissions and service actions
            registered under its service name. Backends using its keys get 401 within seconds.
          </p>
          <Button variant="danger" onClick={() => setModal('delete')}>
            Delete…
          </Button>
        </div>
      </Section>

      {modal === 'rotate' ? (
        <RotateKeyDialog
          app={a}
          onClose={() => setModal(null)}
          onRotated={(rotated) => {
            setModal(null);
            setData(rotated.app);
            setNotice(null);
            setSecret(rotated);
          }}
        />
      ) : null}
      {modal === 'revoke' && previous ? (
        <ConfirmDialog
          title="End the grace period now?"
          confirmLabel="End grace period"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            const u = await revokePreviousKey(a.id);
            setModal(null);
            saved(u, `The previous key ${previous.key_prefix}… no longer works.`);
          }}
        >
          <p>
            The previous key <span className="mono">{previous.key_prefix}…</span> stops working now instead of{' '}
            {previous.expires_at ? formatRelative(previous.expires_at) : 'at the end of its grace period'}. Backends still
            using it get 401.
          </p>
        </ConfirmDialog>
      ) : null}
      {modal === 'status' ? (
        <ConfirmDialog
          title={a.is_active ? `Deactivate ${a.name}?` : `Activate ${a.name}?`}
          confirmLabel={a.is_active ? 'Deactivate' : 'Activate'}
          tone={a.is_active ? 'danger' : 'default'}
          onClose={() => setModal(null)}
          onConfirm={async () => {
            const u = await updateServiceApp(a.id, { is_active: !a.is_active });
            setModal(null);
            saved(u, u.is_active ? `${u.name} is active.` : `${u.name} is inactive.`);
          }}
        >
          <p>
            {a.is_active
              ? 'Within a few seconds Sentinel refuses this app’s API keys (401) and its allowed origins. Nothing is deleted: you can activate it again.'
              : 'Sentinel accepts this app’s current API key and allowed origins again within a few seconds.'}
          </p>
        </ConfirmDialog>
      ) : null}
      {modal === 'delete' ? (
        <DeleteServiceAppDialog
          app={a}
          onClose={() => setModal(null)}
          onDeleted={() => {
            const flash: ServiceAppsFlash = { flash: `Service app ${a.name} (${a.service_name}) was deleted.` };
            navigate(paths.serviceApps.href(), { replace: true, state: flash });
          }}
        />
      ) : null}
      {secret ? <OneTimeKeyDialog secret={secret} mode="rotated" onClose={() => setSecret(null)} /> : null}
    </div>
  );
}

function Section({
  title,
  description,
  tone = 'default',
  children,
}: {
  title: string;
  description?: string;
  tone?: 'default' | 'danger';
  children: ReactNode;
}) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className={`card section section--${tone}`} aria-labelledby={id}>
      <header className="section__header">
        <h2 id={id} className="section-title">
          {title}
        </h2>
        {description ? <p className="muted">{description}</p> : null}
      </header>
      {children}
    </section>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function RenameForm({ app, onSaved }: { app: ServiceApp; onSaved: (app: ServiceApp) => void }) {
  const [name, setName] = useState(app.name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => setName(app.name), [app.name]);
  const dirty = name.trim() !== app.name;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = firstError(nameSchema, name);
    if (problem) {
      setError(problem);
      inputRef.current?.focus();
      return;
    }
    if (!dirty) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await updateServiceApp(app.id, { name: name.trim() }));
    } catch (err) {
      const apiError = asApiError(err);
      if (!(apiError instanceof ApiError && apiError.kind === 'unauthorized')) {
        setError(apiError.message);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inline-form inline-form--field" noValidate onSubmit={submit}>
      <TextField
        label="Display name"
        inputRef={inputRef}
        value={name}
        error={error}
        autoComplete="off"
        maxLength={300}
        onChange={(e) => setName(e.target.value)}
      />
      <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
        Save name
      </Button>
    </form>
  );
}

function KeyIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="5.5" cy="10.5" r="3" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="m7.7 8.3 6-6M11.5 4.5l1.8 1.8M10 6l1.3 1.3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}
