import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { BulkBar, BulkReportAlert, useFilteredSelection, type BulkReport } from '@/components/ui/bulk-bar';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Spinner } from '@/components/ui/spinner';
import { UrlSearch } from '@/components/ui/url-search';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { countLabel, displayName } from '@/lib/list-view';
import { usersQuery } from '@/features/users/api/get-users';
import { updateUser } from '@/features/users/api/update-user';
import { keepFailed, selectedRows } from '@/lib/bulk';
import type { User } from '@/features/users/api/schemas';
import { formatDate } from '@/lib/format';
import { LoadMore } from '@/components/ui/paged-section-list';
import { useCursorList } from '@/lib/query';

const USER_COLUMNS: Column<User>[] = [
  {
    id: 'user',
    header: 'User',
    sortValue: displayName,
    cell: (u) => (
      <>
        <Link className="table__link" to={paths.user.href(u.id)}>
          {displayName(u)}
        </Link>
        {u.name ? <span className="cell-note">{u.email}</span> : null}
      </>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    label: 'Status',
    sortValue: (u) => (u.is_active ? 0 : 1),
    cell: (u) => (u.is_active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>),
  },
  {
    id: 'created',
    header: 'Created',
    label: 'Created',
    descFirst: true,
    sortValue: (u) => u.created_at,
    cell: (u) => <time dateTime={u.created_at}>{formatDate(u.created_at)}</time>,
  },
];

export function UsersRoute() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const list = useCursorList(usersQuery(q));
  const client = useQueryClient();
  const [selected, setSelected] = useFilteredSelection(q);
  const [report, setReport] = useState<BulkReport | null>(null);
  const { query, items } = list;
  useEffect(() => {
    document.title = `Users · ${env.appName} Admin`;
  }, []);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">
            Users
            {query.isSuccess ? <span className="section-count">{countLabel(items.length, query.hasNextPage)}</span> : null}
          </h1>
          <p className="page-subtitle">
            People who sign in to your services. They appear on first sign-in, or when an admin adds their email to a workspace.
          </p>
        </div>
      </header>

      <UrlSearch noun="users" placeholder="Email, or the start of a name" />

      <BulkReportAlert report={report} onDismiss={() => setReport(null)} />
      <BulkBar
        selected={selectedRows(items, selected, (u) => u.id)}
        noun={{ one: 'user', many: 'users' }}
        label={(u) => u.email}
        action="Deactivate"
        past="deactivated"
        explain="Their tokens stop working within 5 seconds and they cannot sign in until reactivated. Their memberships stay."
        run={(u) => updateUser(u.id, { is_active: false })}
        onReport={setReport}
        onDone={(result) => {
          setSelected(keepFailed(result, (u) => u.id));
          void client.invalidateQueries({ queryKey: ['users'] });
        }}
        onClear={() => setSelected({})}
      />

      {query.isPending ? (
        <div className="card card--center">
          <Spinner label="Loading users" />
        </div>
      ) : query.isError && !query.isFetchNextPageError ? (
        <Alert tone="error" title="Could not load users." action={<Button onClick={() => void query.refetch()}>Try again</Button>}>
          {query.error.message}
        </Alert>
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <h2 className="section-title">{q ? `No user matches “${q}”` : 'No users yet'}</h2>
          <p className="muted">
            {q ? 'Search finds an exact email or id, or the start of a name or email.' : 'Users appear when they first sign in, or when you add their email to a workspace.'}
          </p>
        </div>
      ) : (
        <>
          <div className="card card--flush">
            <DataTable
              caption="Users"
              rows={items}
              columns={USER_COLUMNS}
              rowId={(u) => u.id}
              partial={query.hasNextPage}
              selection={{ selected, onChange: setSelected, label: (u) => u.email, canSelect: (u) => u.is_active }}
            />
          </div>
          <LoadMore list={list} />
        </>
      )}
    </div>
  );
}
