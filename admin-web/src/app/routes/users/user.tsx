import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { userQuery } from '@/features/users/api/get-user';
import { UserStatusDialog } from '@/features/users/components/user-status-dialog';
import { ROLE_LABELS, type WorkspaceRole } from '@/features/workspaces/validation';
import { useRecord } from '@/lib/query';
import { PendingPage } from '@/components/layouts/pending-page';

export function UserRoute() {
  const { id = '' } = useParams();
  const { query, setData } = useRecord(userQuery(id));
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const u = query.data ?? null;

  useEffect(() => {
    document.title = `${u ? u.name || u.email : 'User'} · ${env.appName} Admin`;
  }, [u]);

  const back = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={paths.users.href()}>Users</Link>
      <span aria-hidden="true">/</span>
      <span aria-current="page">{u ? u.name || u.email : '…'}</span>
    </nav>
  );

  if (!query.isSuccess) {
    return (
      <PendingPage
        breadcrumb={back}
        query={query}
        noun="user"
        onRetry={() => void query.refetch()}
        notFound={<Link to={paths.users.href()}>Back to all users</Link>}
      />
    );
  }

  const user = query.data;
  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div>
          <div className="title-row">
            <h1 className="page-title">{user.name || user.email}</h1>
            {user.is_active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}
          </div>
          <p className="page-subtitle mono">{user.email}</p>
        </div>
      </header>

      {notice ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setNotice(null)}>Dismiss</Button>}>
          {notice}
        </Alert>
      ) : null}
      {!user.is_active ? (
        <Alert tone="warning" title="This user is inactive.">
          They cannot sign in, and Sentinel refuses their tokens.
        </Alert>
      ) : null}

      <Section title="Details">
        <dl className="details details--first">
          <Detail label="Name">{user.name || <span className="muted">Not set yet (filled in at first sign-in)</span>}</Detail>
          <Detail label="Email">
            <span className="mono">{user.email}</span>
          </Detail>
          <Detail label="Created">
            <DateTime value={user.created_at} />
          </Detail>
          <Detail label="ID">
            <span className="mono">{user.id}</span>
          </Detail>
        </dl>
      </Section>

      <Section title="Memberships" description="The workspaces this user belongs to, with their role, groups and roles there.">
        {user.memberships.length === 0 ? (
          <p className="muted">Not a member of any workspace.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact">
              <caption className="visually-hidden">Memberships</caption>
              <thead>
                <tr>
                  <th scope="col">Workspace</th>
                  <th scope="col">Role</th>
                  <th scope="col">Groups</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Joined</th>
                </tr>
              </thead>
              <tbody>
                {user.memberships.map((m) => (
                  <tr key={m.workspace_id}>
                    <td>
                      <Link className="table__link" to={paths.workspace.href(m.workspace_id)}>
                        {m.workspace_name || m.workspace_id}
                      </Link>
                      <span className="cell-note mono">{m.workspace_slug}</span>
                    </td>
                    <td data-label="Role">
                      <Badge tone={m.role === 'owner' ? 'info' : 'neutral'}>{ROLE_LABELS[m.role as WorkspaceRole] ?? m.role}</Badge>
                    </td>
                    <td data-label="Groups">{m.groups.length ? <Chips names={m.groups.map((g) => g.name || g.id)} /> : <span className="muted">—</span>}</td>
                    <td data-label="Roles">{m.roles.length ? <Chips names={m.roles.map((r) => r.name || r.id)} /> : <span className="muted">—</span>}</td>
                    <td data-label="Joined">
                      <DateTime value={m.joined_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="Status" tone={user.is_active ? 'danger' : 'default'}>
        <div className="row-between">
          <p>
            {user.is_active
              ? 'Active: the user can sign in. Deactivating stops their tokens within 5 seconds; nothing is deleted.'
              : 'Inactive: the user cannot sign in and their tokens are refused.'}
          </p>
          <Button variant={user.is_active ? 'danger' : 'primary'} onClick={() => setConfirming(true)}>
            {user.is_active ? 'Deactivate' : 'Activate'}
          </Button>
        </div>
      </Section>

      {confirming ? (
        <UserStatusDialog
          user={user}
          onClose={() => setConfirming(false)}
          onSaved={(saved) => {
            setConfirming(false);
            setData((prev) => ({ ...prev, ...saved }));
            setNotice(saved.is_active ? `${saved.email} is active.` : `${saved.email} is inactive: their tokens stop working within 5 seconds.`);
          }}
        />
      ) : null}
    </div>
  );
}

function Chips({ names }: { names: string[] }) {
  return (
    <ul className="chips">
      {names.map((n, i) => (
        <li key={`${n}-${i}`} className="chip">
          {n}
        </li>
      ))}
    </ul>
  );
}

function Section({
  title,
  description,
  tone = 'default',
  children,
}: {
  title: string;
  description?: string;
  tone?: 'default' | 'danger';
  children: ReactNode;
}) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className={`card section section--${tone}`} aria-labelledby={id}>
      <header className="section__header">
        <h2 id={id} className="section-title">
          {title}
        </h2>
        {description ? <p className="muted">{description}</p> : null}
      </header>
      {children}
    </section>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
