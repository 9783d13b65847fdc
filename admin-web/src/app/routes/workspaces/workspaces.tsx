import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Spinner } from '@/components/ui/spinner';
import { UrlSearch } from '@/components/ui/url-search';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { workspacesQuery } from '@/features/workspaces/api/get-workspaces';
import type { Workspace } from '@/features/workspaces/api/schemas';
import { countLabel } from '@/lib/list-view';
import { CreateWorkspaceDialog } from '@/features/workspaces/components/create-workspace-dialog';
import { formatDate } from '@/lib/format';
import { LoadMore } from '@/components/ui/paged-section-list';
import { useCursorList } from '@/lib/query';

const WORKSPACE_COLUMNS: Column<Workspace>[] = [
  {
    id: 'name',
    header: 'Name',
    sortValue: (w) => w.name,
    cell: (w) => (
      <Link className="table__link" to={paths.workspace.href(w.id)}>
        {w.name}
      </Link>
    ),
  },
  { id: 'slug', header: 'Slug', label: 'Slug', className: 'mono', sortValue: (w) => w.slug, cell: (w) => w.slug },
  {
    id: 'description',
    header: 'Description',
    label: 'Description',
    className: 'muted truncate',
    cell: (w) => <span title={w.description}>{w.description || '—'}</span>,
  },
  {
    id: 'created',
    header: 'Created',
    label: 'Created',
    descFirst: true,
    sortValue: (w) => w.created_at,
    cell: (w) => <time dateTime={w.created_at}>{formatDate(w.created_at)}</time>,
  },
];

export type WorkspacesFlash = { flash?: string };

export function WorkspacesRoute() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const list = useCursorList(workspacesQuery(q));
  const { query, items } = list;
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();
  const flash = (location.state as WorkspacesFlash | null)?.flash ?? null;

  useEffect(() => {
    document.title = `Workspaces · ${env.appName} Admin`;
  }, []);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">
            Workspaces
            {query.isSuccess ? <span className="section-count">{countLabel(items.length, query.hasNextPage)}</span> : null}
          </h1>
          <p className="page-subtitle">Tenants: each has its own members, groups, roles and resources.</p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)} icon={<PlusIcon />}>
          Create workspace
        </Button>
      </header>

      {flash ? (
        <Alert
          tone="success"
          action={
            <Button size="sm" variant="ghost" onClick={() => navigate(location.pathname + location.search, { replace: true, state: null })}>
              Dismiss
            </Button>
          }
        >
          {flash}
        </Alert>
      ) : null}

      <UrlSearch noun="workspaces" placeholder="The start of a name or slug" />

      {query.isPending ? (
        <div className="card card--center">
          <Spinner label="Loading workspaces" />
        </div>
      ) : query.isError && !query.isFetchNextPageError ? (
        <Alert tone="error" title="Could not load workspaces." action={<Button onClick={() => void query.refetch()}>Try again</Button>}>
          {query.error.message}
        </Alert>
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <h2 className="section-title">{q ? `No workspace matches “${q}”` : 'No workspaces yet'}</h2>
          <p className="muted">{q ? 'Search finds the start of a name or slug, or an exact id.' : 'Create one for each tenant of your services.'}</p>
          {q ? null : (
            <Button variant="primary" onClick={() => setCreating(true)}>
              Create workspace
            </Button>
          )}
        </div>
      ) : (
        <>
          <div className="card card--flush">
            <DataTable caption="Workspaces" rows={items} columns={WORKSPACE_COLUMNS} rowId={(w) => w.id} partial={query.hasNextPage} />
          </div>
          <LoadMore list={list} />
        </>
      )}

      {creating ? (
        <CreateWorkspaceDialog
          onClose={() => setCreating(false)}
          onCreated={(w) => {
            setCreating(false);
            navigate(paths.workspace.href(w.id), { state: { flash: `Workspace ${w.name} was created. Add its members next.` } });
          }}
        />
      ) : null}
    </div>
  );
}

export function PlusIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
    </svg>
  );
}
