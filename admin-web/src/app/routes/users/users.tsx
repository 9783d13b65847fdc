import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { displayName } from '@/lib/list-view';
import { usersQuery } from '@/features/users/api/get-users';
import { formatDate } from '@/lib/format';
import { LoadMore } from '@/components/ui/paged-section-list';
import { useCursorList } from '@/lib/query';

export function UsersRoute() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const list = useCursorList(usersQuery(q));
  const { query, items } = list;
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
                {items.map((u) => (
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
          <LoadMore list={list} />
        </>
      )}
    </div>
  );
}
