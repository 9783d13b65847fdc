import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Spinner } from '@/components/ui/spinner';
import { UrlSearch } from '@/components/ui/url-search';
import { RelativeTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { serviceAppsQuery } from '@/features/service-apps/api/get-service-apps';
import { isBound, type OneTimeKey, type ServiceApp } from '@/features/service-apps/api/schemas';
import { CreateServiceAppDialog } from '@/features/service-apps/components/create-service-app-dialog';
import { OneTimeKeyDialog } from '@/features/service-apps/components/one-time-key-dialog';
import { formatDate } from '@/lib/format';
import { useRecord } from '@/lib/query';

const APP_COLUMNS: Column<ServiceApp>[] = [
  {
    id: 'name',
    header: 'Name',
    sortValue: (a) => a.name,
    cell: (a) => (
      <Link className="table__link" to={paths.serviceApp.href(a.id)}>
        {a.name}
      </Link>
    ),
  },
  { id: 'service', header: 'Service name', label: 'Service name', className: 'mono', sortValue: (a) => a.service_name, cell: (a) => a.service_name },
  { id: 'prefix', header: 'Key prefix', label: 'Key prefix', className: 'mono muted', cell: (a) => `${a.key_prefix}…` },
  {
    id: 'status',
    header: 'Status',
    label: 'Status',
    sortValue: (a) => (a.is_active ? 0 : 1),
    cell: (a) => (a.is_active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>),
  },
  {
    id: 'origins',
    header: 'Origins',
    label: 'Origins',
    className: 'num',
    headerClassName: 'num',
    sortValue: (a) => a.allowed_origins.length,
    cell: (a) => a.allowed_origins.length,
  },
  {
    id: 'clients',
    header: 'Client ids',
    label: 'Client ids',
    cell: (a) => (isBound(a) ? Object.values(a.idp_client_ids).flat().length : <Badge tone="warning">Not bound to a client id</Badge>),
  },
  {
    id: 'used',
    header: 'Last used',
    label: 'Last used',
    descFirst: true,
    sortValue: (a) => a.last_used_at,
    cell: (a) => <RelativeTime value={a.last_used_at} />,
  },
  {
    id: 'created',
    header: 'Created',
    label: 'Created',
    descFirst: true,
    sortValue: (a) => a.created_at,
    cell: (a) => <time dateTime={a.created_at}>{formatDate(a.created_at)}</time>,
  },
];

export type ServiceAppsFlash = { flash?: string };

export function ServiceAppsRoute() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const { query, setData } = useRecord(serviceAppsQuery(q));
  const [creating, setCreating] = useState(false);
  // The plaintext key lives only here, only while its panel is open.
  const [secret, setSecret] = useState<OneTimeKey | null>(null);
  const location = useLocation();
  const navigate = useNavigate();
  const flash = (location.state as ServiceAppsFlash | null)?.flash ?? null;

  useEffect(() => {
    document.title = `Service apps · ${env.appName} Admin`;
  }, []);

  // A search answers the best matches first (api.md section 10); the whole
  // list comes oldest first and is shown by name. Every app is loaded (the
  // list is not paged), so sorting covers them all.
  const apps = query.data ?? [];

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">
            Service apps
            {query.isSuccess ? <span className="section-count">{apps.length}</span> : null}
          </h1>
          <p className="page-subtitle">
            Backend services that call Sentinel with an API key. Browser frontends are admitted by their allowed origins.
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)} icon={<PlusIcon />}>
          Create service app
        </Button>
      </header>

      {flash ? (
        <Alert
          tone="success"
          action={
            <Button size="sm" variant="ghost" onClick={() => navigate(location.pathname, { replace: true, state: null })}>
              Dismiss
            </Button>
          }
        >
          {flash}
        </Alert>
      ) : null}

      <UrlSearch noun="service apps" placeholder="Name or service name, or the start of one" />

      {query.isPending ? (
        <div className="card card--center">
          <Spinner label="Loading service apps" />
        </div>
      ) : query.isError ? (
        <Alert tone="error" title="Could not load service apps." action={<Button onClick={() => void query.refetch()}>Try again</Button>}>
          {query.error.message}
        </Alert>
      ) : apps.length === 0 && q ? (
        <div className="card empty-state">
          <h2 className="section-title">No service app matches “{q}”</h2>
          <p className="muted">Search finds an exact id or service name, or the start of a name or service name.</p>
        </div>
      ) : apps.length === 0 ? (
        <div className="card empty-state">
          <h2 className="section-title">No service apps yet</h2>
          <p className="muted">Create one for each backend that calls Sentinel. You will copy its API key once, right after.</p>
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create service app
          </Button>
        </div>
      ) : (
        <div className="card card--flush">
          <DataTable key={q} caption="Service apps" rows={apps} columns={APP_COLUMNS} rowId={(a) => a.id} initialSort={q ? undefined : { id: 'name' }} />
        </div>
      )}

      {creating ? (
        <CreateServiceAppDialog
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            setSecret(created);
            if (query.isSuccess && !q) setData((prev) => [...prev.filter((a) => a.id !== created.app.id), created.app]);
            else void query.refetch();
          }}
        />
      ) : null}
      {secret ? <OneTimeKeyDialog secret={secret} mode="created" onClose={() => setSecret(null)} /> : null}
    </div>
  );
}

function PlusIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
    </svg>
  );
}
