import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Spinner } from '@/components/ui/spinner';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { deleteServiceAction } from '@/features/roles/api/delete-service-action';
import { serviceActionsQuery } from '@/features/roles/api/get-service-actions';
import type { ServiceAction } from '@/features/roles/api/schemas';
import { firstError, serviceFilterSchema } from '@/features/roles/validation';
import { LoadMore } from '@/components/ui/paged-section-list';
import { useCursorList } from '@/lib/query';

/** The actions backends registered with their keys, by service; roles bundle them. */
export function ServiceActionsRoute() {
  const [params, setParams] = useSearchParams();
  const service = params.get('service') ?? '';
  const list = useCursorList(serviceActionsQuery(service));
  const { query, items, update } = list;
  const [draft, setDraft] = useState(service);
  const [draftError, setDraftError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ServiceAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => setDraft(service), [service]);
  useEffect(() => {
    document.title = `Service actions · ${env.appName} Admin`;
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = draft.trim();
    const problem = v ? firstError(serviceFilterSchema, v) : null;
    setDraftError(problem);
    if (problem) return;
    setParams(v ? { service: v } : {});
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Service actions</h1>
          <p className="page-subtitle">
            What each service registered it can do (with its key, POST /roles/actions/register). Roles in a workspace bundle these
            actions; manage roles on each workspace’s page.
          </p>
        </div>
        <Button busy={query.isRefetching} onClick={() => void query.refetch()}>Refresh</Button>
      </header>

      {notice ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setNotice(null)}>Dismiss</Button>}>
          {notice}
        </Alert>
      ) : null}

      <form className="search" role="search" aria-label="Filter service actions" noValidate onSubmit={submit}>
        <label htmlFor="service-action-filter" className="visually-hidden">
          Service name
        </label>
        <input
          id="service-action-filter"
          className="input mono"
          type="search"
          value={draft}
          maxLength={255}
          placeholder="Service name, e.g. billing"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={draftError ? true : undefined}
          aria-describedby={draftError ? 'service-action-filter-error' : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setDraftError(null);
          }}
        />
        <Button type="submit">Filter</Button>
        {service ? (
          <Button variant="ghost" onClick={() => setParams({})}>
            Clear
          </Button>
        ) : null}
      </form>
      {draftError ? (
        <p id="service-action-filter-error" className="field__error">
          {draftError}
        </p>
      ) : null}

      {query.isPending ? (
        <div className="card card--center">
          <Spinner label="Loading service actions" />
        </div>
      ) : query.isError && !query.isFetchNextPageError ? (
        <Alert tone="error" title="Could not load service actions." action={<Button onClick={() => void query.refetch()}>Try again</Button>}>
          {query.error.message}
        </Alert>
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <h2 className="section-title">{service ? `${service} registered no actions` : 'No service actions yet'}</h2>
          <p className="muted">
            {service
              ? 'Check the service name, or clear the filter.'
              : 'A service registers its actions with its key; they appear here and can then be added to roles.'}
          </p>
        </div>
      ) : (
        <>
          <div className="card card--flush">
            <table className="table">
              <caption className="visually-hidden">Service actions</caption>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Action</th>
                  <th scope="col">Description</th>
                  <th scope="col">Registered</th>
                  <th scope="col">
                    <span className="visually-hidden">Manage</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id}>
                    <td className="mono">{a.service_name}</td>
                    <td data-label="Action" className="mono strong">{a.action}</td>
                    <td data-label="Description" className="muted truncate" title={a.description}>
                      {a.description || '—'}
                    </td>
                    <td data-label="Registered">
                      <DateTime value={a.created_at} />
                    </td>
                    <td className="num">
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(a)}>
                        Delete<span className="visually-hidden"> {`${a.service_name} ${a.action}`}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore list={list} />
        </>
      )}

      {deleting ? (
        <ConfirmDialog
          title={`Delete ${deleting.service_name} · ${deleting.action}?`}
          confirmLabel="Delete action"
          tone="danger"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteServiceAction(deleting.id);
            update((items) => items.filter((x) => x.id !== deleting.id));
            setNotice(`${deleting.service_name} · ${deleting.action} was deleted and removed from every role.`);
            setDeleting(null);
          }}
        >
          <p>
            It is removed from every role that holds it, in every workspace: their members can no longer perform it. If{' '}
            {deleting.service_name} registers it again, it comes back in no role.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
