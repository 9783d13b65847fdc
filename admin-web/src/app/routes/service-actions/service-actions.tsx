import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { BulkBar, BulkReportAlert, useFilteredSelection, type BulkReport } from '@/components/ui/bulk-bar';
import { DataTable } from '@/components/ui/data-table';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Spinner } from '@/components/ui/spinner';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { deleteServiceAction } from '@/features/roles/api/delete-service-action';
import { serviceActionsQuery } from '@/features/roles/api/get-service-actions';
import type { ServiceAction } from '@/features/roles/api/schemas';
import { firstError, serviceFilterSchema } from '@/features/roles/validation';
import { LoadMore } from '@/components/ui/paged-section-list';
import { keepFailed, selectedRows } from '@/lib/bulk';
import { useCursorList } from '@/lib/query';

/** actionLabel names an action in confirmations and reports: "billing · invoice.read". */
const actionLabel = (a: ServiceAction) => `${a.service_name} · ${a.action}`;

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
  const [selected, setSelected] = useFilteredSelection(service);
  const [report, setReport] = useState<BulkReport | null>(null);
  const client = useQueryClient();

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

      <BulkReportAlert report={report} onDismiss={() => setReport(null)} />
      <BulkBar
        selected={selectedRows(items, selected, (a) => a.id)}
        noun={{ one: 'action', many: 'actions' }}
        label={actionLabel}
        action="Delete"
        past="deleted"
        explain="Each is removed from every role that holds it, in every workspace: their members can no longer perform it. A service that registers one again gets it back in no role."
        run={(a) => deleteServiceAction(a.id)}
        onReport={setReport}
        onDone={(result) => {
          setSelected(keepFailed(result, (a) => a.id));
          const gone = new Set(result.done.map((a) => a.id));
          update((list) => list.filter((x) => !gone.has(x.id)));
          void client.invalidateQueries({ queryKey: ['service-actions'] });
        }}
        onClear={() => setSelected({})}
      />

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
            <DataTable
              caption="Service actions"
              rows={items}
              rowId={(a) => a.id}
              partial={query.hasNextPage}
              selection={{ selected, onChange: setSelected, label: actionLabel }}
              columns={[
                { id: 'service', header: 'Service', className: 'mono', sortValue: (a) => a.service_name, cell: (a) => a.service_name },
                { id: 'action', header: 'Action', label: 'Action', className: 'mono strong', sortValue: (a) => a.action, cell: (a) => a.action },
                {
                  id: 'description',
                  header: 'Description',
                  label: 'Description',
                  className: 'muted truncate',
                  cell: (a) => <span title={a.description}>{a.description || '—'}</span>,
                },
                { id: 'registered', header: 'Registered', label: 'Registered', descFirst: true, sortValue: (a) => a.created_at, cell: (a) => <DateTime value={a.created_at} /> },
                {
                  id: 'manage',
                  header: <span className="visually-hidden">Manage</span>,
                  className: 'num',
                  cell: (a) => (
                    <Button size="sm" variant="ghost" onClick={() => setDeleting(a)}>
                      Delete<span className="visually-hidden"> {`${a.service_name} ${a.action}`}</span>
                    </Button>
                  ),
                },
              ]}
            />
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
