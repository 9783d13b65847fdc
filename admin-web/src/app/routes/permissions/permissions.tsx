import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { permissionsQuery, type PermissionFilter } from '@/features/permissions/api/get-permissions';
import { PurgeServiceDialog } from '@/features/permissions/components/purge-service-dialog';
import { filterErrors, type FilterErrors } from '@/features/permissions/validation';
import { getWorkspaces } from '@/features/workspaces/api/get-workspaces';
import { LoadMore } from '@/components/ui/paged-section-list';
import { loadAll } from '@/lib/paging';
import { apiQuery, useCursorList } from '@/lib/query';
import { useQuery } from '@tanstack/react-query';

const EMPTY: PermissionFilter = { workspace_id: '', service_name: '', resource_type: '' };

/** Resource permission records: filter by workspace or service (and type), open one, purge a service. */
export function PermissionsRoute() {
  const [params, setParams] = useSearchParams();
  const applied: PermissionFilter = {
    workspace_id: params.get('workspace_id') ?? '',
    service_name: params.get('service_name') ?? '',
    resource_type: params.get('resource_type') ?? '',
  };
  const key = `${applied.workspace_id}|${applied.service_name}|${applied.resource_type}`;
  const ready = filterErrors(applied) === null;
  const list = useCursorList({ ...permissionsQuery(applied), enabled: ready });
  const { query, items } = list;
  const workspaces = useQuery(apiQuery(['workspaces', 'all'], (signal) => loadAll((cursor, s) => getWorkspaces('', cursor, s), signal)));
  const [draft, setDraft] = useState<PermissionFilter>(applied);
  const [errors, setErrors] = useState<FilterErrors>({});
  const [purging, setPurging] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => setDraft(applied), [key]);
  useEffect(() => {
    document.title = `Permissions · ${env.appName} Admin`;
  }, []);

  const wsNames = new Map(workspaces.data ? workspaces.data.map((w) => [w.id, w.name]) : []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = { ...draft, service_name: draft.service_name.trim(), resource_type: draft.resource_type.trim() };
    const problems = filterErrors(next);
    setErrors(problems ?? {});
    if (problems) return;
    setNotice(null);
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v)));
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Permissions</h1>
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

      <form className="card filters" role="search" aria-label="Filter permissions" noValidate onSubmit={submit}>
        <div className="filters__field">
          <label htmlFor="perm-workspace" className="field__label">
            Workspace
          </label>
          <select
            id="perm-workspace"
            className="input input--select"
            value={draft.workspace_id}
            onChange={(e) => {
              setDraft({ ...draft, workspace_id: e.target.value });
              setErrors({});
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
          onChange={(v) => {
            setDraft({ ...draft, service_name: v });
            setErrors({});
          }}
        />
        <FilterInput
          id="perm-type"
          label="Resource type"
          value={draft.resource_type}
          error={errors.resource_type}
          placeholder={draft.service_name ? 'e.g. document' : 'Needs a service name'}
          onChange={(v) => {
            setDraft({ ...draft, resource_type: v });
            setErrors({});
          }}
        />
        <div className="filters__actions">
          <Button type="submit" variant="primary">
            Show permissions
          </Button>
          {key !== '||' ? (
            <Button
              variant="ghost"
              onClick={() => {
                setDraft(EMPTY);
                setErrors({});
                setParams({});
              }}
            >
              Clear filters
            </Button>
          ) : null}
        </div>
      </form>

      {!ready ? (
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
            <table className="table">
              <caption className="visually-hidden">Resources</caption>
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Service</th>
                  <th scope="col">Type</th>
                  <th scope="col">Workspace</th>
                  <th scope="col">Visibility</th>
                  <th scope="col">Registered</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link className="table__link mono" to={paths.permission.href(r.id)}>
                        {r.resource_id}
                      </Link>
                    </td>
                    <td data-label="Service" className="mono">{r.service_name}</td>
                    <td data-label="Type" className="mono">{r.resource_type}</td>
                    <td data-label="Workspace">{wsNames.get(r.workspace_id) ?? <span className="mono muted">{r.workspace_id}</span>}</td>
                    <td data-label="Visibility">
                      <Badge tone={r.visibility === 'private' ? 'warning' : 'info'}>{r.visibility}</Badge>
                    </td>
                    <td data-label="Registered">
                      <DateTime value={r.created_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
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
