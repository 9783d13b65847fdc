import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { ShortId } from '@/components/ui/short-id';
import { Spinner } from '@/components/ui/spinner';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { permissionsQuery, type PermissionFilter } from '@/features/permissions/api/get-permissions';
import type { ListedResource } from '@/features/permissions/api/schemas';
import { arrivalWorkspace, filterFromParams, filterParams, ownerLabel, sameFilter } from '@/features/permissions/filters';
import { PurgeServiceDialog } from '@/features/permissions/components/purge-service-dialog';
import { filterErrors } from '@/features/permissions/validation';
import { getWorkspaces } from '@/features/workspaces/api/get-workspaces';
import { LoadMore } from '@/components/ui/paged-section-list';
import { countLabel } from '@/lib/list-view';
import { loadAll } from '@/lib/paging';
import { apiQuery, useCursorList } from '@/lib/query';
import { useQuery } from '@tanstack/react-query';

const EMPTY: PermissionFilter = { workspace_id: '', service_name: '', resource_type: '' };
/** How long typing pauses before a text filter applies. */
const TYPING_PAUSE_MS = 350;

/** The list's columns; the Workspace column only when the list spans workspaces. */
function columns(workspaceName: (id: string) => string | undefined, oneWorkspace: boolean): Column<ListedResource>[] {
  const all: Column<ListedResource>[] = [
    {
      id: 'resource',
      header: 'Resource',
      sortValue: (r) => r.resource_id,
      cell: (r) => (
        <ShortId
          id={r.resource_id}
          what="resource id"
          render={(short) => (
            <Link className="table__link" to={paths.permission.href(r.id)}>
              {short}
            </Link>
          )}
        />
      ),
    },
    {
      id: 'owner',
      header: 'Owner',
      label: 'Owner',
      sortValue: (r) => ownerLabel(r) ?? r.owner_id,
      cell: (r) => {
        const name = ownerLabel(r);
        if (!name) return <ShortId id={r.owner_id} what="owner id" />;
        // One element, so a phone's stacked row keeps the email under the name.
        return (
          <span>
            <Link className="table__link" to={paths.user.href(r.owner_id)}>
              {name}
            </Link>
            {r.owner_name ? <span className="cell-note">{r.owner_email}</span> : null}
          </span>
        );
      },
    },
    { id: 'service', header: 'Service', label: 'Service', className: 'mono nowrap', sortValue: (r) => r.service_name, cell: (r) => r.service_name },
    { id: 'type', header: 'Type', label: 'Type', className: 'mono nowrap', sortValue: (r) => r.resource_type, cell: (r) => r.resource_type },
    {
      id: 'workspace',
      header: 'Workspace',
      label: 'Workspace',
      sortValue: (r) => workspaceName(r.workspace_id) ?? r.workspace_id,
      cell: (r) => workspaceName(r.workspace_id) ?? <ShortId id={r.workspace_id} what="workspace id" />,
    },
    {
      id: 'visibility',
      header: 'Visibility',
      label: 'Visibility',
      sortValue: (r) => r.visibility,
      cell: (r) => <Badge tone={r.visibility === 'private' ? 'warning' : 'info'}>{r.visibility}</Badge>,
    },
    {
      id: 'registered',
      header: 'Registered',
      label: 'Registered',
      descFirst: true,
      sortValue: (r) => r.created_at,
      cell: (r) => <DateTime value={r.created_at} />,
    },
  ];
  return oneWorkspace ? all.filter((c) => c.id !== 'workspace') : all;
}

/**
 * Resource permission records: filtered by workspace or service (and
 * type), the first workspace on arrival; a filter applies as it changes
 * (text once typing pauses) and lives in the URL, so reload and Back keep
 * it. Open one, purge a service.
 */
export function PermissionsRoute() {
  const [params, setParams] = useSearchParams();
  const applied = filterFromParams(params);
  const key = JSON.stringify(filterParams(applied));
  const problems = filterErrors(applied);
  const ready = problems === null;
  const list = useCursorList({ ...permissionsQuery(applied), enabled: ready });
  const { query, items } = list;
  const workspaces = useQuery(apiQuery(['workspaces', 'all'], (signal) => loadAll((cursor, s) => getWorkspaces('', cursor, s), signal)));
  const [draft, setDraft] = useState<PermissionFilter>(applied);
  const [purging, setPurging] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  // The URL this page wrote last: a URL it did not write (Back, a link,
  // a reload) replaces the draft; its own leaves typing alone.
  const written = useRef(key);
  const apply = (next: PermissionFilter, replace = false) => {
    const p = filterParams(next);
    written.current = JSON.stringify(p);
    setNotice(null);
    setParams(p, { replace });
  };
  useEffect(() => {
    if (key !== written.current) {
      written.current = key;
      setDraft(applied);
    }
  }, [key]);

  // Text filters apply once typing pauses.
  useEffect(() => {
    if (sameFilter(draft, applied)) return;
    const t = window.setTimeout(() => apply(draft), TYPING_PAUSE_MS);
    return () => window.clearTimeout(t);
  }, [draft.service_name, draft.resource_type]);

  // On arrival without a filter, the first workspace (the URL is replaced,
  // so Back leaves the page rather than coming back to an empty one).
  const arrived = useRef(false);
  useEffect(() => {
    if (arrived.current || !workspaces.isFetched) return;
    arrived.current = true;
    const first = arrivalWorkspace(params, workspaces.data);
    if (first) {
      const next = { ...EMPTY, workspace_id: first };
      setDraft(next);
      apply(next, true);
    }
  }, [workspaces.isFetched]);

  useEffect(() => {
    document.title = `Permissions · ${env.appName} Admin`;
  }, []);

  const wsNames = new Map(workspaces.data ? workspaces.data.map((w) => [w.id, w.name]) : []);
  const empty = key === '{}';
  // Field errors are those of the applied filter; "choose one" shows as the empty state.
  const errors = empty ? {} : (problems ?? {});

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">
            Permissions
            {ready && query.isSuccess ? <span className="section-count">{countLabel(items.length, query.hasNextPage)}</span> : null}
          </h1>
          <p className="page-subtitle">
            Resources services registered (POST /permissions/register), with their owner, visibility and shares.
          </p>
        </div>
        {ready ? <Button busy={query.isRefetching} onClick={() => void query.refetch()}>Refresh</Button> : null}
      </header>

      {notice ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setNotice(null)}>Dismiss</Button>}>
          {notice}
        </Alert>
      ) : null}

      <form
        className="card filters"
        role="search"
        aria-label="Filter permissions"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <div className="filters__field">
          <label htmlFor="perm-workspace" className="field__label">
            Workspace
          </label>
          <select
            id="perm-workspace"
            className="input input--select"
            value={draft.workspace_id}
            onChange={(e) => {
              const next = { ...draft, workspace_id: e.target.value };
              setDraft(next);
              apply(next);
            }}
          >
            <option value="">Any workspace</option>
            {workspaces.data
              ? workspaces.data.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name} ({w.slug})
                  </option>
                ))
              : null}
          </select>
        </div>
        <FilterInput
          id="perm-service"
          label="Service name"
          value={draft.service_name}
          error={errors.service_name}
          placeholder="e.g. docs"
          onChange={(v) => setDraft({ ...draft, service_name: v })}
        />
        <FilterInput
          id="perm-type"
          label="Resource type"
          value={draft.resource_type}
          error={errors.resource_type}
          placeholder={draft.service_name ? 'e.g. document' : 'Needs a service name'}
          onChange={(v) => setDraft({ ...draft, resource_type: v })}
        />
        {!empty ? (
          <div className="filters__actions">
            <Button
              variant="ghost"
              onClick={() => {
                setDraft(EMPTY);
                apply(EMPTY);
              }}
            >
              Clear filters
            </Button>
          </div>
        ) : null}
      </form>

      {empty && !arrived.current ? (
        <div className="card card--center">
          <Spinner label="Loading permissions" />
        </div>
      ) : !ready ? (
        <div className="card empty-state">
          <h2 className="section-title">Choose a workspace or a service</h2>
          <p className="muted">The API lists permission records by workspace or by service; add a resource type to narrow a service.</p>
        </div>
      ) : query.isPending ? (
        <div className="card card--center">
          <Spinner label="Loading permissions" />
        </div>
      ) : query.isError && !query.isFetchNextPageError ? (
        <Alert tone="error" title="Could not load permissions." action={<Button onClick={() => void query.refetch()}>Try again</Button>}>
          {query.error.message}
        </Alert>
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <h2 className="section-title">No resource matches these filters</h2>
          <p className="muted">Services register their resources with their key; try another workspace or service.</p>
        </div>
      ) : (
        <>
          <div className="card card--flush table-scroll">
            <DataTable
              caption="Resources"
              rows={items}
              columns={columns((id) => wsNames.get(id), applied.workspace_id !== '')}
              rowId={(r) => r.id}
              partial={query.hasNextPage}
            />
          </div>
          <LoadMore list={list} />
        </>
      )}

      {applied.service_name ? (
        <section className="card section section--danger" aria-labelledby="purge-title">
          <div className="row-between">
            <div>
              <h2 id="purge-title" className="section-title">
                Purge {applied.service_name}
              </h2>
              <p className="muted">
                Delete every resource record of {applied.service_name}, in every workspace, with its shares — for a service that is
                gone.
              </p>
            </div>
            <Button variant="danger" onClick={() => setPurging(true)}>
              Purge…
            </Button>
          </div>
        </section>
      ) : null}

      {purging ? (
        <PurgeServiceDialog
          serviceName={applied.service_name}
          onClose={() => setPurging(false)}
          onPurged={(n) => {
            setPurging(false);
            setNotice(`${n === 1 ? '1 resource record' : `${n} resource records`} of ${applied.service_name} deleted.`);
            void query.refetch();
          }}
        />
      ) : null}
    </div>
  );
}

function FilterInput({
  id,
  label,
  value,
  error,
  placeholder,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  placeholder: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className={error ? 'filters__field field--invalid' : 'filters__field'}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        className="input mono"
        value={value}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        maxLength={300}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
