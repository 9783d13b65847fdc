import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { RelativeTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { activityQuery, NO_FILTER, type ActivityEntry, type ActivityFilter } from '@/features/activity/api/get-activity';
import { activityCsv, csvFileName } from '@/features/activity/csv';
import { useTargetNames } from '@/features/activity/use-target-names';
import { actionGroups, actionLabel, detailPairs, TARGET_TYPE_LABELS, targetTypeLabel } from '@/features/activity/labels';
import { formatDateTime } from '@/lib/format';
import { shortId } from '@/lib/list-view';
import { useCursorList } from '@/lib/query';

/** Where a target can be opened in this site, when it has a page (groups and roles through the workspace their entry names). */
export function targetHref(entry: Pick<ActivityEntry, 'target_type' | 'target_id' | 'detail'>): string | null {
  const id = entry.target_id;
  const workspaceId = typeof entry.detail['workspace_id'] === 'string' ? entry.detail['workspace_id'] : '';
  switch (entry.target_type) {
    case 'service_app':
      return paths.serviceApp.href(id);
    case 'workspace':
      return paths.workspace.href(id);
    case 'user':
      return paths.user.href(id);
    case 'group':
      return workspaceId ? paths.group.href(workspaceId, id) : null;
    case 'role':
      return workspaceId ? paths.role.href(workspaceId, id) : null;
    case 'service_action':
    case 'service':
      return paths.serviceActions.href();
    case 'resource_permission':
      return paths.permission.href(id);
    case 'admin':
      return paths.admins.href();
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
    actor: params.get('actor') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const key = JSON.stringify(filter);
  const list = useCursorList(activityQuery(filter));
  const { query, items } = list;

  // The form edits a draft; Apply (or changing a menu) puts it in the URL.
  // A URL this page set itself leaves the draft alone (typing may have gone
  // on meanwhile); any other (back, a link, Clear) replaces it.
  const [draft, setDraft] = useState(filter);
  const applied = useRef('');
  useEffect(() => {
    if (key !== applied.current) setDraft(filter);
  }, [key]);
  useEffect(() => {
    document.title = `Activity · ${env.appName} Admin`;
  }, []);

  const apply = (next: ActivityFilter) => {
    applied.current = JSON.stringify({
      ...next,
      target_id: next.target_type ? next.target_id.trim() : '',
      actor: next.actor.trim(),
    });
    setDraft(next);
    const p = new URLSearchParams();
    if (next.action) p.set('action', next.action);
    if (next.target_type) p.set('target_type', next.target_type);
    if (next.target_type && next.target_id.trim()) p.set('target_id', next.target_id.trim());
    if (next.actor.trim()) p.set('actor', next.actor.trim());
    if (next.from) p.set('from', next.from);
    if (next.to) p.set('to', next.to);
    setParams(p);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const filtered = Boolean(filter.action || filter.target_type || filter.actor || filter.from || filter.to);
  const entries = items;
  const targetName = useTargetNames(entries);
  const exportCsv = () => {
    const blob = new Blob([activityCsv(entries, targetName)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = csvFileName(filter, new Date());
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Activity</h1>
          <p className="page-subtitle">
            Every admin change and key event, newest first: who did it, to what, and when. Secrets are never recorded.
          </p>
        </div>
        <div className="actions">
          <Button onClick={exportCsv} disabled={entries.length === 0}>
            Export CSV
          </Button>
          <Button busy={query.isRefetching} onClick={() => void query.refetch()}>Refresh</Button>
        </div>
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
        <div className="filters__field">
          <label htmlFor="activity-actor" className="field__label">
            Actor
          </label>
          <input
            id="activity-actor"
            className="input"
            type="email"
            value={draft.actor}
            placeholder="Admin email, exact"
            autoComplete="off"
            spellCheck={false}
            maxLength={300}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
        </div>
        <div className="filters__field filters__field--date">
          <label htmlFor="activity-from" className="field__label">
            From
          </label>
          <input
            id="activity-from"
            className="input"
            type="date"
            value={draft.from}
            max={draft.to || undefined}
            onChange={(e) => {
              const next = { ...draft, from: e.target.value };
              setDraft(next);
              apply(next);
            }}
          />
        </div>
        <div className="filters__field filters__field--date">
          <label htmlFor="activity-to" className="field__label">
            To
          </label>
          <input
            id="activity-to"
            className="input"
            type="date"
            value={draft.to}
            min={draft.from || undefined}
            onChange={(e) => {
              const next = { ...draft, to: e.target.value };
              setDraft(next);
              apply(next);
            }}
          />
        </div>
        <div className="filters__actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          {filtered ? (
            <Button variant="ghost" onClick={() => apply(NO_FILTER)}>
              Clear filters
            </Button>
          ) : null}
        </div>
      </form>

      {query.isPending ? (
        <div className="card card--center">
          <Spinner label="Loading activity" />
        </div>
      ) : query.isError && !query.isFetchNextPageError ? (
        <Alert tone="error" title="Could not load the activity log." action={<Button onClick={() => void query.refetch()}>Try again</Button>}>
          {query.error.message}
        </Alert>
      ) : items.length === 0 && !query.hasNextPage ? (
        <div className="card empty-state">
          <h2 className="section-title">{filtered ? 'Nothing matches these filters' : 'No activity yet'}</h2>
          <p className="muted">
            {filtered ? 'Try another action, target, actor or dates, or clear the filters.' : 'Changes made in this admin site appear here.'}
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
                {items.map((entry) => (
                  <ActivityRow key={entry.id} entry={entry} name={targetName(entry)} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="load-more">
            {query.isFetchNextPageError ? <Alert tone="error">{query.error?.message}</Alert> : null}
            {query.hasNextPage ? (
              <Button busy={query.isFetchingNextPage} onClick={list.loadMore}>
                Load more
              </Button>
            ) : (
              <p className="muted">
                {items.length === 1 ? '1 entry' : `${items.length} entries`} · the end of the log
              </p>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function ActivityRow({ entry, name }: { entry: ActivityEntry; name: string }) {
  const href = targetHref(entry);
  const pairs = detailPairs(entry.detail);
  const label = name || entry.target_id;
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
      <td data-label="Actor" className="activity-actor">
        {entry.actor ? (
          <Link to={`${paths.activity.href()}?actor=${encodeURIComponent(entry.actor)}`} title={`Only ${entry.actor}'s activity`}>
            {entry.actor}
          </Link>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-label="Target">
        <span className="activity-target-type">{targetTypeLabel(entry.target_type)}</span>
        <span className="activity-target">
          {href ? <Link to={href}>{label}</Link> : label}
          {name ? (
            <span className="cell-note mono" title={entry.target_id}>
              {shortId(entry.target_id)}
            </span>
          ) : null}
        </span>
      </td>
      <td data-label="Detail">
        {pairs.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <details className="activity-detail">
            <summary>{pairs.length === 1 ? '1 field' : `${pairs.length} fields`}</summary>
            <dl className="kv">
              {pairs.map((p) => (
                <div key={p.key} className="kv__pair">
                  <dt>{p.key}</dt>
                  <dd title={p.value}>{p.value}</dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </td>
    </tr>
  );
}
