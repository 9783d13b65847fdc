import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { RelativeTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { getActivity, type ActivityEntry, type ActivityFilter } from '@/features/activity/api/get-activity';
import { actionGroups, actionLabel, detailPairs, TARGET_TYPE_LABELS, targetTypeLabel } from '@/features/activity/labels';
import { formatDateTime } from '@/lib/format';
import { usePagedList } from '@/lib/paging';

/** Where a target can be opened in this site, when it has a page. */
function targetHref(type: string, id: string): string | null {
  switch (type) {
    case 'service_app':
      return paths.serviceApp.href(id);
    case 'workspace':
      return paths.workspace.href(id);
    case 'user':
      return paths.user.href(id);
    default:
      return null;
  }
}

export function ActivityRoute() {
  const [params, setParams] = useSearchParams();
  const filter: ActivityFilter = {
    action: params.get('action') ?? '',
    target_type: params.get('target_type') ?? '',
    target_id: params.get('target_id') ?? '',
  };
  const key = JSON.stringify(filter);
  const { state, loadMore, reload } = usePagedList((cursor, signal) => getActivity(filter, cursor, signal), key);

  // The form edits a draft; Apply (or changing a menu) puts it in the URL.
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [key]);
  useEffect(() => {
    document.title = `Activity · ${env.appName} Admin`;
  }, []);

  const apply = (next: ActivityFilter) => {
    const p = new URLSearchParams();
    if (next.action) p.set('action', next.action);
    if (next.target_type) p.set('target_type', next.target_type);
    if (next.target_type && next.target_id.trim()) p.set('target_id', next.target_id.trim());
    setParams(p);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const filtered = Boolean(filter.action || filter.target_type);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Activity</h1>
          <p className="page-subtitle">
            Every admin change and key event, newest first: who did it, to what, and when. Secrets are never recorded.
          </p>
        </div>
        <Button onClick={reload}>Refresh</Button>
      </header>

      <form className="card filters" role="search" aria-label="Filter activity" noValidate onSubmit={submit}>
        <div className="filters__field">
          <label htmlFor="activity-action" className="field__label">
            Action
          </label>
          <select
            id="activity-action"
            className="input input--select"
            value={draft.action}
            onChange={(e) => {
              const next = { ...draft, action: e.target.value };
              setDraft(next);
              apply(next);
            }}
          >
            <option value="">Any action</option>
            {actionGroups().map((g) => (
              <optgroup key={g.area} label={targetTypeLabel(g.area)}>
                {g.actions.map((a) => (
                  <option key={a} value={a}>
                    {actionLabel(a)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="filters__field">
          <label htmlFor="activity-target-type" className="field__label">
            Target type
          </label>
          <select
            id="activity-target-type"
            className="input input--select"
            value={draft.target_type}
            onChange={(e) => {
              const next = { ...draft, target_type: e.target.value, target_id: e.target.value ? draft.target_id : '' };
              setDraft(next);
              apply(next);
            }}
          >
            <option value="">Any target</option>
            {Object.entries(TARGET_TYPE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="filters__field filters__field--grow">
          <label htmlFor="activity-target-id" className="field__label">
            Target ID
          </label>
          <input
            id="activity-target-id"
            className="input mono"
            value={draft.target_id}
            disabled={!draft.target_type}
            placeholder={draft.target_type ? 'Exact ID, e.g. a workspace’s UUID' : 'Choose a target type first'}
            autoComplete="off"
            spellCheck={false}
            maxLength={300}
            onChange={(e) => setDraft({ ...draft, target_id: e.target.value })}
          />
        </div>
        <div className="filters__actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          {filtered ? (
            <Button variant="ghost" onClick={() => apply({ action: '', target_type: '', target_id: '' })}>
              Clear filters
            </Button>
          ) : null}
        </div>
      </form>

      {state.status === 'loading' ? (
        <div className="card card--center">
          <Spinner label="Loading activity" />
        </div>
      ) : state.status === 'error' ? (
        <Alert tone="error" title="Could not load the activity log." action={<Button onClick={reload}>Try again</Button>}>
          {state.error.message}
        </Alert>
      ) : state.items.length === 0 && !state.nextCursor ? (
        <div className="card empty-state">
          <h2 className="section-title">{filtered ? 'Nothing matches these filters' : 'No activity yet'}</h2>
          <p className="muted">
            {filtered ? 'Try another action or target, or clear the filters.' : 'Changes made in this admin site appear here.'}
          </p>
        </div>
      ) : (
        <>
          <div className="card card--flush table-scroll">
            <table className="table table--compact activity-table">
              <caption className="visually-hidden">Activity, newest first</caption>
              <thead>
                <tr>
                  <th scope="col" className="activity-table__when">
                    When
                  </th>
                  <th scope="col" className="activity-table__action">
                    Action
                  </th>
                  <th scope="col" className="activity-table__actor">
                    Actor
                  </th>
                  <th scope="col" className="activity-table__target">
                    Target
                  </th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {state.items.map((entry) => (
                  <ActivityRow key={entry.id} entry={entry} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="load-more">
            {state.moreError ? <Alert tone="error">{state.moreError.message}</Alert> : null}
            {state.nextCursor ? (
              <Button busy={state.loadingMore} onClick={loadMore}>
                Load more
              </Button>
            ) : (
              <p className="muted">
                {state.items.length === 1 ? '1 entry' : `${state.items.length} entries`} · the end of the log
              </p>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function ActivityRow({ entry }: { entry: ActivityEntry }) {
  const href = targetHref(entry.target_type, entry.target_id);
  const pairs = detailPairs(entry.detail);
  return (
    <tr>
      <td className="nowrap">
        <RelativeTime value={entry.at} />
        <span className="cell-note">{formatDateTime(entry.at)}</span>
      </td>
      <td data-label="Action">
        <span className="activity-action">{actionLabel(entry.action)}</span>
        <span className="cell-note mono">{entry.action}</span>
      </td>
      <td data-label="Actor" className="activity-actor" title={entry.actor}>
        {entry.actor || <span className="muted">—</span>}
      </td>
      <td data-label="Target">
        <span className="activity-target-type">{targetTypeLabel(entry.target_type)}</span>
        <span className="cell-note mono activity-id" title={entry.target_id}>
          {href ? <Link to={href}>{entry.target_id}</Link> : entry.target_id}
        </span>
      </td>
      <td data-label="Detail">
        {pairs.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <dl className="kv">
            {pairs.map((p) => (
              <div key={p.key} className="kv__pair">
                <dt>{p.key}</dt>
                <dd title={p.value}>{p.value}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
    </tr>
  );
}
