import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Detail, Section } from '@/components/ui/section';
import { Spinner } from '@/components/ui/spinner';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { addRoleActions } from '@/features/roles/api/add-role-actions';
import { addRoleMember } from '@/features/roles/api/add-role-member';
import { deleteRole } from '@/features/roles/api/delete-role';
import { roleActionsQuery } from '@/features/roles/api/get-role-actions';
import { roleMembersQuery } from '@/features/roles/api/get-role-members';
import { getRoles } from '@/features/roles/api/get-roles';
import { getServiceActions } from '@/features/roles/api/get-service-actions';
import { removeRoleAction } from '@/features/roles/api/remove-role-action';
import { removeRoleMember } from '@/features/roles/api/remove-role-member';
import type { Role, RoleMember, ServiceAction } from '@/features/roles/api/schemas';
import { RoleDialog } from '@/features/roles/components/role-dialog';
import { groupByService } from '@/features/roles/validation';
import { getWorkspace } from '@/features/workspaces/api/get-workspace';
import type { Workspace } from '@/features/workspaces/api/schemas';
import { AddWorkspaceMemberForm } from '@/features/workspaces/components/add-workspace-member-form';
import type { WorkspacesFlash } from '@/app/routes/workspaces/workspaces';
import { ApiError, asApiError } from '@/lib/api-client';
import { loadAll } from '@/lib/paging';
import { countLabel } from '@/lib/list-view';
import { apiQuery, useCursorList, useRecord } from '@/lib/query';
import { useQuery } from '@tanstack/react-query';
import { PendingPage } from '@/components/layouts/pending-page';
import { PagedSectionList } from '@/components/ui/paged-section-list';

type Loaded = { workspace: Workspace; role: Role };
type Modal = { kind: 'edit' } | { kind: 'delete' } | { kind: 'remove-member'; member: RoleMember } | null;

// The API has no GET /admin/roles/{rid}: the role is found in its
// workspace's role list, which is why its page lives under the workspace.
async function loadRole(workspaceId: string, roleId: string, signal: AbortSignal): Promise<Loaded> {
  const [workspace, roles] = await Promise.all([
    getWorkspace(workspaceId, signal),
    loadAll((cursor, s) => getRoles(workspaceId, cursor, s), signal),
  ]);
  const role = roles.find((r) => r.id === roleId);
  if (!role) throw new ApiError({ kind: 'not_found', status: 404, message: 'Role not found' });
  return { workspace, role };
}

export function RoleRoute() {
  const { id = '', rid = '' } = useParams();
  const { query, setData } = useRecord(apiQuery(['workspaces', id, 'roles', rid], (signal) => loadRole(id, rid, signal)));
  const actions = useCursorList(roleActionsQuery(rid));
  const members = useCursorList(roleMembersQuery(rid));
  const [modal, setModal] = useState<Modal>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const navigate = useNavigate();

  const loaded = query.data ?? null;
  useEffect(() => {
    document.title = `${loaded ? loaded.role.name : 'Role'} · ${env.appName} Admin`;
  }, [loaded]);

  const back = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={paths.workspaces.href()}>Workspaces</Link>
      <span aria-hidden="true">/</span>
      <Link to={paths.workspace.href(id, 'roles')}>{loaded ? loaded.workspace.name : 'Workspace'}</Link>
      <span aria-hidden="true">/</span>
      <span aria-current="page">{loaded ? loaded.role.name : '…'}</span>
    </nav>
  );

  if (!query.isSuccess) {
    return (
      <PendingPage
        breadcrumb={back}
        query={query}
        noun="role"
        onRetry={() => void query.refetch()}
        notFound={
          <>
            It may have been deleted, or its workspace with it. <Link to={paths.workspace.href(id)}>Back to the workspace</Link>
          </>
        }
      />
    );
  }

  const { workspace: ws, role } = query.data;
  const say = (message: string) => setNotice(message);
  const setCounts = (patch: Partial<Pick<Role, 'action_count' | 'member_count'>>) =>
    setData((prev) => ({ ...prev, role: { ...prev.role, ...patch } }));
  const actionCount = actions.query.isSuccess && !actions.query.hasNextPage ? actions.items.length : role.action_count;
  const memberCount = members.query.isSuccess && !members.query.hasNextPage ? members.items.length : role.member_count;

  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div>
          <h1 className="page-title">{role.name}</h1>
          <p className="page-subtitle">
            Role in {ws.name} · {actionCount === 1 ? '1 action' : `${actionCount} actions`} ·{' '}
            {memberCount === 1 ? '1 member' : `${memberCount} members`}
          </p>
        </div>
        <div className="actions">
          <Button onClick={() => setModal({ kind: 'edit' })}>Edit</Button>
          <Button variant="danger" onClick={() => setModal({ kind: 'delete' })}>
            Delete…
          </Button>
        </div>
      </header>

      {notice ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setNotice(null)}>Dismiss</Button>}>
          {notice}
        </Alert>
      ) : null}

      <Section title="Details">
        <dl className="details">
          <Detail label="Description">{role.description || <span className="muted">None</span>}</Detail>
          <Detail label="Workspace">
            <Link to={paths.workspace.href(ws.id)}>{ws.name}</Link>
          </Detail>
          <Detail label="Created">
            <DateTime value={role.created_at} />
          </Detail>
          <Detail label="Updated">
            <DateTime value={role.updated_at} />
          </Detail>
          <Detail label="ID">
            <span className="mono">{role.id}</span>
          </Detail>
        </dl>
      </Section>

      <Section
        title="Actions"
        count={actions.query.isSuccess ? countLabel(actions.items.length, actions.query.hasNextPage) : null}
        description={
          <>
            What members of this role may do. Services register their actions with their key; manage them under{' '}
            <Link to={paths.serviceActions.href()}>Service actions</Link>.
          </>
        }
      >
        <AddActionForm
          roleId={role.id}
          held={actions.items}
          onAdded={(a) => {
            actions.update((items) => [...items.filter((x) => x.id !== a.id), a]);
            setCounts({ action_count: role.action_count + 1 });
            say(`${a.service_name} · ${a.action} was added to ${role.name}.`);
          }}
        />
        <PagedSectionList list={actions} noun="actions" errorTitle="Could not load the role’s actions." empty="This role grants no actions yet.">
          {(items) => (
            <ActionTable
              items={items}
              onRemove={async (a) => {
                await removeRoleAction(role.id, a.id);
                actions.update((items) => items.filter((x) => x.id !== a.id));
                setCounts({ action_count: Math.max(0, role.action_count - 1) });
                say(`${a.service_name} · ${a.action} was removed from ${role.name}.`);
              }}
            />
          )}
        </PagedSectionList>
      </Section>

      <Section
        title="Members"
        count={members.query.isSuccess ? countLabel(members.items.length, members.query.hasNextPage) : null}
        description={`Members of ${ws.name} who hold this role.`}
      >
        <AddWorkspaceMemberForm
          workspaceId={ws.id}
          held={members.items.map((m) => m.user_id)}
          add={(m) => addRoleMember(role.id, m.user_id)}
          formLabel="Add a member to the role"
          submitLabel="Add to role"
          heldNote="already holds this role"
          onAdded={(m) => {
            void members.query.refetch();
            setCounts({ member_count: role.member_count + 1 });
            say(`${m.email} now holds ${role.name}.`);
          }}
        />
        <PagedSectionList list={members} noun="members" errorTitle="Could not load the role’s members." empty="Nobody holds this role yet.">
          {(items) => (
            <div className="table-wrap">
              <table className="table table--compact">
                <caption className="visually-hidden">Role members</caption>
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">Assigned</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((m) => (
                    <tr key={m.user_id}>
                      <td>
                        <Link className="table__link" to={paths.user.href(m.user_id)}>
                          {m.name || m.email}
                        </Link>
                        {m.name ? <span className="cell-note">{m.email}</span> : null}
                      </td>
                      <td data-label="Assigned">
                        <DateTime value={m.assigned_at} />
                      </td>
                      <td className="num">
                        <Button size="sm" variant="ghost" onClick={() => setModal({ kind: 'remove-member', member: m })}>
                          Remove<span className="visually-hidden"> {m.email}</span>
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </PagedSectionList>
      </Section>

      {modal?.kind === 'edit' ? (
        <RoleDialog
          workspaceId={ws.id}
          role={role}
          onClose={() => setModal(null)}
          onSaved={(r) => {
            setData((prev) => ({ ...prev, role: { ...r, action_count: prev.role.action_count, member_count: prev.role.member_count } }));
            setModal(null);
            say(`Role ${r.name} saved.`);
          }}
        />
      ) : null}
      {modal?.kind === 'remove-member' ? (
        <ConfirmDialog
          title={`Remove ${modal.member.email} from ${role.name}?`}
          confirmLabel="Remove from role"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await removeRoleMember(role.id, modal.member.user_id);
            members.update((items) => items.filter((x) => x.user_id !== modal.member.user_id));
            setCounts({ member_count: Math.max(0, role.member_count - 1) });
            setModal(null);
            say(`${modal.member.email} no longer holds ${role.name}.`);
          }}
        >
          <p>They lose the actions this role grants, unless another of their roles grants them. They stay a member of {ws.name}.</p>
        </ConfirmDialog>
      ) : null}
      {modal?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete role ${role.name}?`}
          confirmLabel="Delete role"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await deleteRole(role.id);
            const flash: WorkspacesFlash = { flash: `Role ${role.name} was deleted.` };
            navigate(paths.workspace.href(ws.id, 'roles'), { replace: true, state: flash });
          }}
        >
          <p>
            {memberCount === 1 ? '1 member loses' : `${memberCount} members lose`} the actions it grants, unless another role grants
            them. The registered service actions stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function ActionTable({ items, onRemove }: { items: ServiceAction[]; onRemove: (a: ServiceAction) => Promise<void> }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="table-wrap">
        <table className="table table--compact">
          <caption className="visually-hidden">Role actions</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Action</th>
              <th scope="col">Description</th>
              <th scope="col">
                <span className="visually-hidden">Manage</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {groupByService(items).flatMap(([, list]) =>
              list.map((a) => (
                <tr key={a.id}>
                  <td className="mono">{a.service_name}</td>
                  <td data-label="Action" className="mono strong">{a.action}</td>
                  <td data-label="Description" className="muted truncate" title={a.description}>
                    {a.description || '—'}
                  </td>
                  <td className="num">
                    <Button
                      size="sm"
                      variant="ghost"
                      busy={busy === a.id}
                      onClick={async () => {
                        if (busy) return;
                        setBusy(a.id);
                        setError(null);
                        try {
                          await onRemove(a);
                        } catch (err) {
                          const e = asApiError(err);
                          if (!(e instanceof ApiError && e.kind === 'unauthorized')) setError(e.message);
                        } finally {
                          setBusy(null);
                        }
                      }}
                    >
                      Remove<span className="visually-hidden"> {`${a.service_name} ${a.action}`}</span>
                    </Button>
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}

function AddActionForm({ roleId, held, onAdded }: { roleId: string; held: ServiceAction[]; onAdded: (a: ServiceAction) => void }) {
  const all = useQuery(apiQuery(['service-actions', 'all'], (signal) => loadAll((cursor, s) => getServiceActions('', cursor, s), signal)));
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const selectId = useId();
  const heldIds = new Set(held.map((a) => a.id));
  const candidates = all.data ? all.data.filter((a) => !heldIds.has(a.id)) : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const action = candidates.find((a) => a.id === choice);
    if (!action) {
      setError('Choose a service action to add.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await addRoleActions(roleId, [action.id]);
      onAdded(action);
      setChoice('');
    } catch (err) {
      const apiError = asApiError(err);
      if (!(apiError instanceof ApiError && apiError.kind === 'unauthorized')) setError(apiError.message);
    } finally {
      setBusy(false);
    }
  };

  if (all.isPending) return <Spinner label="Loading service actions" />;
  if (all.isError) {
    return (
      <Alert tone="error" title="Could not load the service actions." action={<Button onClick={() => void all.refetch()}>Try again</Button>}>
        {all.error.message}
      </Alert>
    );
  }
  if (all.data.length === 0) {
    return <p className="muted">No service has registered an action yet (POST /roles/actions/register with its key).</p>;
  }
  return (
    <form className="stack" noValidate onSubmit={submit} aria-label="Add an action">
      <div className="inline-form inline-form--field">
        <div className="field field--inline">
          <label htmlFor={selectId} className="field__label">
            Service action to add
          </label>
          <select
            id={selectId}
            className="input input--select"
            value={choice}
            aria-invalid={error ? true : undefined}
            disabled={candidates.length === 0}
            onChange={(e) => {
              setChoice(e.target.value);
              setError(null);
            }}
          >
            <option value="">{candidates.length === 0 ? 'The role holds every registered action' : 'Choose an action…'}</option>
            {groupByService(candidates).map(([service, list]) => (
              <optgroup key={service} label={service}>
                {list.map((a) => (
                  <option key={a.id} value={a.id}>
                    {actionOptionLabel(a)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <Button type="submit" variant="primary" busy={busy} disabled={candidates.length === 0}>
          Add action
        </Button>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </form>
  );
}

/** actionOptionLabel names an action with its service, so the closed picker still says which service it belongs to. */
export function actionOptionLabel(a: Pick<ServiceAction, 'service_name' | 'action' | 'description'>): string {
  return `${a.service_name} · ${a.action}${a.description ? ` — ${a.description}` : ''}`;
}
