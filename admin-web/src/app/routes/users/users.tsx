import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { displayName } from '@/lib/list-view';
import { getUsers } from '@/features/users/api/get-users';
import { formatDate } from '@/lib/format';
import { usePagedList } from '@/lib/paging';

export function UsersRoute() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const { state, loadMore, reload } = usePagedList((cursor, signal) => getUsers(q, cursor, signal), q);
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  useEffect(() => {
    document.title = `Users · ${env.appName} Admin`;
  }, []);

  const search = (e: FormEvent) => {
    e.preventDefault();
    const v = draft.trim();
    setParams(v ? { q: v } : {});
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Users</h1>
          <p className="page-subtitle">
            People who sign in to your services. They appear on first sign-in, or when an admin adds their email to a workspace.
          </p>
        </div>
      </header>

      <form className="search" role="search" aria-label="User search" noValidate onSubmit={search}>
        <label htmlFor="user-search" className="visually-hidden">
          Search users
        </label>
        <input
          id="user-search"
          className="input"
          type="search"
          value={draft}
          maxLength={100}
          placeholder="Email, or the start of a name"
          autoComplete="off"
          onChange={(e) => setDraft(e.target.value)}
        />
        <Button type="submit">Search</Button>
        {q ? (
          <Button variant="ghost" onClick={() => setParams({})}>
            Clear
          </Button>
        ) : null}
      </form>

      {state.status === 'loading' ? (
        <div className="card card--center">
          <Spinner label="Loading users" />
        </div>
      ) : state.status === 'error' ? (
        <Alert tone="error" title="Could not load users." action={<Button onClick={reload}>Try again</Button>}>
          {state.error.message}
        </Alert>
      ) : state.items.length === 0 ? (
        <div className="card empty-state">
          <h2 className="section-title">{q ? `No user matches “${q}”` : 'No users yet'}</h2>
          <p className="muted">
            {q ? 'Search finds an exact email or id, or the start of a name or email.' : 'Users appear when they first sign in, or when you add their email to a workspace.'}
          </p>
        </div>
      ) : (
        <>
          <div className="card card--flush">
            <table className="table">
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {state.items.map((u) => (
                  <tr key={u.id}>
                    <td>
                      <Link className="table__link" to={paths.user.href(u.id)}>
                        {displayName(u)}
                      </Link>
                      {u.name ? <span className="cell-note">{u.email}</span> : null}
                    </td>
                    <td data-label="Status">{u.is_active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}</td>
                    <td data-label="Created">
                      <time dateTime={u.created_at}>{formatDate(u.created_at)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {state.nextCursor || state.moreError ? (
            <div className="load-more">
              {state.moreError ? <Alert tone="error">{state.moreError.message}</Alert> : null}
              {state.nextCursor ? (
                <Button busy={state.loadingMore} onClick={loadMore}>
                  Load more
                </Button>
              ) : null}
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
