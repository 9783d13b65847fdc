import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { BulkBar, BulkReportAlert, useFilteredSelection, type BulkReport } from '@/components/ui/bulk-bar';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Detail, Section } from '@/components/ui/section';
import { TextAreaField, TextField } from '@/components/ui/field';
import { SearchPicker } from '@/components/ui/search-picker';
import { Spinner } from '@/components/ui/spinner';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { deleteRole } from '@/features/roles/api/delete-role';
import { rolesQuery } from '@/features/roles/api/get-roles';
import type { Role } from '@/features/roles/api/schemas';
import { RoleDialog } from '@/features/roles/components/role-dialog';
import { getUsers } from '@/features/users/api/get-users';
import type { User } from '@/features/users/api/schemas';
import { addMember } from '@/features/workspaces/api/add-member';
import { deleteGroup } from '@/features/workspaces/api/delete-group';
import { groupsQuery } from '@/features/workspaces/api/get-groups';
import { membersQuery } from '@/features/workspaces/api/get-members';
import { workspaceQuery } from '@/features/workspaces/api/get-workspace';
import { removeMember } from '@/features/workspaces/api/remove-member';
import type { Group, Member, Workspace } from '@/features/workspaces/api/schemas';
import { updateMember } from '@/features/workspaces/api/update-member';
import { updateWorkspace } from '@/features/workspaces/api/update-workspace';
import { DeleteWorkspaceDialog } from '@/features/workspaces/components/delete-workspace-dialog';
import { GroupDialog } from '@/features/workspaces/components/group-dialog';
import {
  descriptionSchema,
  displayNameSchema,
  emailSchema,
  firstError,
  ROLE_LABELS,
  ROLES,
  type WorkspaceRole,
} from '@/features/workspaces/validation';
import { ApiError, asApiError } from '@/lib/api-client';
import { keepFailed, selectedRows } from '@/lib/bulk';
import { PICKER_LIMIT } from '@/lib/picker';
import { useCursorList, useRecord } from '@/lib/query';
import type { WorkspacesFlash } from './workspaces';
import { PendingPage } from '@/components/layouts/pending-page';
import { PagedSectionList } from '@/components/ui/paged-section-list';
import { DataTable, type Column } from '@/components/ui/data-table';
import { countLabel, displayName, matchesQuery } from '@/lib/list-view';

// The workspace page's sections, one at a time (?tab=…; overview without one).
const WORKSPACE_TABS = ['overview', 'members', 'groups', 'roles', 'settings'] as const;
type WorkspaceTab = (typeof WORKSPACE_TABS)[number];
const TAB_LABELS: Record<WorkspaceTab, string> = {
  overview: 'Overview',
  members: 'Members',
  groups: 'Groups',
  roles: 'Roles',
  settings: 'Settings',
};

function workspaceTab(value: string | null): WorkspaceTab {
  return (WORKSPACE_TABS as readonly string[]).includes(value ?? '') ? (value as WorkspaceTab) : 'overview';
}

function tabHref(workspaceId: string, tab: WorkspaceTab): string {
  return paths.workspace.href(workspaceId, tab === 'overview' ? undefined : tab);
}

type Modal =
  | { kind: 'remove-member'; member: Member }
  | { kind: 'create-group' }
  | { kind: 'edit-group'; group: Group }
  | { kind: 'delete-group'; group: Group }
  | { kind: 'create-role' }
  | { kind: 'edit-role'; role: Role }
  | { kind: 'delete-role'; role: Role }
  | { kind: 'delete' }
  | null;

export function WorkspaceRoute() {
  const { id = '' } = useParams();
  const { query, setData } = useRecord(workspaceQuery(id));
  const members = useCursorList(membersQuery(id));
  const groups = useCursorList(groupsQuery(id));
  const roles = useCursorList(rolesQuery(id));
  const client = useQueryClient();
  const [modal, setModal] = useState<Modal>(null);
  // The members' last bulk report, kept here: it outlives a list the action emptied.
  const [memberReport, setMemberReport] = useState<BulkReport | null>(null);
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const [notice, setNotice] = useState<string | null>((location.state as WorkspacesFlash | null)?.flash ?? null);
  const navigate = useNavigate();

  const w = query.data ?? null;
  useEffect(() => {
    document.title = `${w ? w.name : 'Workspace'} · ${env.appName} Admin`;
  }, [w]);

  const back = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={paths.workspaces.href()}>Workspaces</Link>
      <span aria-hidden="true">/</span>
      <span aria-current="page">{w ? w.name : '…'}</span>
    </nav>
  );

  if (!query.isSuccess) {
    return (
      <PendingPage
        breadcrumb={back}
        query={query}
        noun="workspace"
        onRetry={() => void query.refetch()}
        notFound={
          <>
            It may have been deleted. <Link to={paths.workspaces.href()}>Back to all workspaces</Link>
          </>
        }
      />
    );
  }

  const ws = query.data;
  const say = (message: string) => setNotice(message);

  const tab = workspaceTab(searchParams.get('tab'));
  const memberCount = members.query.isSuccess ? countLabel(members.items.length, members.query.hasNextPage) : null;
  const groupCount = groups.query.isSuccess ? countLabel(groups.items.length, groups.query.hasNextPage) : null;
  const roleCount = roles.query.isSuccess ? countLabel(roles.items.length, roles.query.hasNextPage) : null;
  const counts: Partial<Record<WorkspaceTab, string | null>> = { members: memberCount, groups: groupCount, roles: roleCount };

  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div>
          <h1 className="page-title">{ws.name}</h1>
          <p className="page-subtitle mono">{ws.slug}</p>
        </div>
      </header>

      <nav aria-label="Workspace sections" className="tabs">
        <ul>
          {WORKSPACE_TABS.map((t) => (
            <li key={t}>
              <Link
                className={t === tab ? 'tabs__link tabs__link--active' : 'tabs__link'}
                aria-current={t === tab ? 'page' : undefined}
                to={tabHref(ws.id, t)}
              >
                {TAB_LABELS[t]}
                {counts[t] ? <span className="tabs__count">{counts[t]}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {notice ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setNotice(null)}>Dismiss</Button>}>
          {notice}
        </Alert>
      ) : null}

      {tab === 'overview' ? (
        <Section title="Overview" description={ws.description || undefined}>
          <dl className="details">
            <Detail label="Members">
              <Link to={tabHref(ws.id, 'members')}>{memberCount ?? '…'}</Link>
            </Detail>
            <Detail label="Groups">
              <Link to={tabHref(ws.id, 'groups')}>{groupCount ?? '…'}</Link>
            </Detail>
            <Detail label="Roles">
              <Link to={tabHref(ws.id, 'roles')}>{roleCount ?? '…'}</Link>
            </Detail>
            <Detail label="Slug">
              <span className="mono">{ws.slug}</span>
            </Detail>
            <Detail label="Created">
              <DateTime value={ws.created_at} />
            </Detail>
            <Detail label="Updated">
              <DateTime value={ws.updated_at} />
            </Detail>
            <Detail label="ID">
              <span className="mono">{ws.id}</span>
            </Detail>
          </dl>
        </Section>
      ) : null}

      {tab === 'members' ? (
        <Section
          title="Members"
          count={memberCount}
          description="Add people by email. An email Sentinel does not know yet is pre-provisioned: the user exists at once and signs in later."
        >
          <AddMemberForm
            workspaceId={ws.id}
            memberIds={members.items.map((m) => m.user_id)}
            onAdded={(m) => {
              members.update((items) => [...items.filter((x) => x.user_id !== m.user_id), m]);
              say(`${m.email} was added as ${roleLabel(m.role)}.`);
            }}
          />
          <BulkReportAlert report={memberReport} onDismiss={() => setMemberReport(null)} />
          <PagedSectionList list={members} noun="members" errorTitle="Could not load members." empty="No members yet.">
            {(items) => (
              <MemberTable
                workspaceId={ws.id}
                items={items}
                partial={members.query.hasNextPage}
                onChanged={(u) => members.update((list) => list.map((x) => (x.user_id === u.user_id ? u : x)))}
                onRemove={(m) => setModal({ kind: 'remove-member', member: m })}
                workspaceName={ws.name}
                onBulkReport={setMemberReport}
                onBulkRemoved={(ids) => {
                  const gone = new Set(ids);
                  members.update((list) => list.filter((x) => !gone.has(x.user_id)));
                  // Group member counts and role holders change with them.
                  void client.invalidateQueries({ queryKey: ['workspaces', ws.id] });
                }}
              />
            )}
          </PagedSectionList>
        </Section>
      ) : null}

      {tab === 'groups' ? (
        <Section
          title="Groups"
          count={groupCount}
          description="Named sets of this workspace’s members."
          action={<Button onClick={() => setModal({ kind: 'create-group' })}>Create group</Button>}
        >
          <PagedSectionList list={groups} noun="groups" errorTitle="Could not load groups." empty="No groups yet.">
            {(items) => (
              <div className="table-wrap">
                <DataTable
                  caption="Groups"
                  className="table table--compact"
                  rows={items}
                  rowId={(g) => g.id}
                  initialSort={{ id: 'name' }}
                  partial={groups.query.hasNextPage}
                  columns={[
                    {
                      id: 'name',
                      header: 'Group',
                      sortValue: (g) => g.name,
                      cell: (g) => (
                        <Link className="table__link" to={paths.group.href(ws.id, g.id)}>
                          {g.name}
                        </Link>
                      ),
                    },
                    {
                      id: 'members',
                      header: 'Members',
                      label: 'Members',
                      className: 'num',
                      headerClassName: 'num',
                      sortValue: (g) => g.member_count,
                      cell: (g) => g.member_count,
                    },
                    {
                      id: 'description',
                      header: 'Description',
                      label: 'Description',
                      className: 'muted truncate',
                      cell: (g) => <span title={g.description}>{g.description || '—'}</span>,
                    },
                    {
                      id: 'manage',
                      header: <span className="visually-hidden">Actions</span>,
                      className: 'num',
                      cell: (g) => (
                        <div className="actions actions--end">
                          <Button size="sm" variant="ghost" onClick={() => setModal({ kind: 'edit-group', group: g })}>
                            Edit<span className="visually-hidden"> {g.name}</span>
                          </Button>
                          <Button size="sm" variant="ghost" onClick={() => setModal({ kind: 'delete-group', group: g })}>
                            Delete<span className="visually-hidden"> {g.name}</span>
                          </Button>
                        </div>
                      ),
                    },
                  ]}
                />
              </div>
            )}
          </PagedSectionList>
        </Section>
      ) : null}

      {tab === 'roles' ? (
        <Section
          title="Roles"
          count={roleCount}
          description="Bundles of service actions; members holding a role may perform its actions in this workspace."
          action={<Button onClick={() => setModal({ kind: 'create-role' })}>Create role</Button>}
        >
          <PagedSectionList list={roles} noun="roles" errorTitle="Could not load roles." empty="No roles yet.">
            {(items) => (
              <div className="table-wrap">
                <DataTable
                  caption="Roles"
                  className="table table--compact"
                  rows={items}
                  rowId={(r) => r.id}
                  initialSort={{ id: 'name' }}
                  partial={roles.query.hasNextPage}
                  columns={[
                    {
                      id: 'name',
                      header: 'Role',
                      sortValue: (r) => r.name,
                      cell: (r) => (
                        <Link className="table__link" to={paths.role.href(ws.id, r.id)}>
                          {r.name}
                        </Link>
                      ),
                    },
                    {
                      id: 'description',
                      header: 'Description',
                      label: 'Description',
                      className: 'muted truncate',
                      cell: (r) => <span title={r.description}>{r.description || '—'}</span>,
                    },
                    { id: 'actions', header: 'Actions', label: 'Actions', className: 'num', headerClassName: 'num', sortValue: (r) => r.action_count, cell: (r) => r.action_count },
                    { id: 'members', header: 'Members', label: 'Members', className: 'num', headerClassName: 'num', sortValue: (r) => r.member_count, cell: (r) => r.member_count },
                    {
                      id: 'manage',
                      header: <span className="visually-hidden">Manage</span>,
                      className: 'num',
                      cell: (r) => (
                        <div className="actions actions--end">
                          <Button size="sm" variant="ghost" onClick={() => setModal({ kind: 'edit-role', role: r })}>
                            Edit<span className="visually-hidden"> {r.name}</span>
                          </Button>
                          <Button size="sm" variant="ghost" onClick={() => setModal({ kind: 'delete-role', role: r })}>
                            Delete<span className="visually-hidden"> {r.name}</span>
                          </Button>
                        </div>
                      ),
                    },
                  ]}
                />
              </div>
            )}
          </PagedSectionList>
        </Section>
      ) : null}

      {tab === 'settings' ? (
        <>
          <Section title="Details">
            <DetailsForm
              workspace={ws}
              onSaved={(u) => {
                setData(u);
                say('Workspace details saved.');
              }}
            />
          </Section>
          <Section title="Delete workspace" tone="danger">
            <div className="row-between">
              <p>Deleting removes the workspace with its memberships, groups, roles, role assignments and resource ACLs. Users stay.</p>
              <Button variant="danger" onClick={() => setModal({ kind: 'delete' })}>
                Delete…
              </Button>
            </div>
          </Section>
        </>
      ) : null}

      {modal?.kind === 'remove-member' ? (
        <ConfirmDialog
          title={`Remove ${modal.member.email}?`}
          confirmLabel="Remove member"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await removeMember(ws.id, modal.member.user_id);
            members.update((items) => items.filter((x) => x.user_id !== modal.member.user_id));
            setModal(null);
            say(`${modal.member.email} is no longer a member of ${ws.name}.`);
          }}
        >
          <p>
            They lose access to {ws.name} and leave its groups. The user account stays, with its other workspaces.
          </p>
        </ConfirmDialog>
      ) : null}
      {modal?.kind === 'create-group' || modal?.kind === 'edit-group' ? (
        <GroupDialog
          workspaceId={ws.id}
          {...(modal.kind === 'edit-group' ? { group: modal.group } : {})}
          onClose={() => setModal(null)}
          onSaved={(g) => {
            const editing = modal.kind === 'edit-group';
            groups.update((items) => (editing ? items.map((x) => (x.id === g.id ? g : x)) : [...items, g]));
            setModal(null);
            say(editing ? `Group ${g.name} saved.` : `Group ${g.name} was created.`);
          }}
        />
      ) : null}
      {modal?.kind === 'delete-group' ? (
        <ConfirmDialog
          title={`Delete group ${modal.group.name}?`}
          confirmLabel="Delete group"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await deleteGroup(modal.group.id);
            groups.update((items) => items.filter((x) => x.id !== modal.group.id));
            setModal(null);
            say(`Group ${modal.group.name} was deleted.`);
          }}
        >
          <p>Its members stay in the workspace; resources shared with the group are no longer shared with them through it.</p>
        </ConfirmDialog>
      ) : null}
      {modal?.kind === 'create-role' || modal?.kind === 'edit-role' ? (
        <RoleDialog
          workspaceId={ws.id}
          {...(modal.kind === 'edit-role' ? { role: modal.role } : {})}
          onClose={() => setModal(null)}
          onSaved={(r) => {
            const editing = modal.kind === 'edit-role';
            roles.update((items) => (editing ? items.map((x) => (x.id === r.id ? r : x)) : [...items, r]));
            setModal(null);
            say(editing ? `Role ${r.name} saved.` : `Role ${r.name} was created. Open it to add actions and members.`);
          }}
        />
      ) : null}
      {modal?.kind === 'delete-role' ? (
        <ConfirmDialog
          title={`Delete role ${modal.role.name}?`}
          confirmLabel="Delete role"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await deleteRole(modal.role.id);
            roles.update((items) => items.filter((x) => x.id !== modal.role.id));
            setModal(null);
            say(`Role ${modal.role.name} was deleted.`);
          }}
        >
          <p>
            {modal.role.member_count === 1 ? '1 member loses' : `${modal.role.member_count} members lose`} the{' '}
            {modal.role.action_count === 1 ? 'action' : `${modal.role.action_count} actions`} it grants, unless another role
            grants them. The registered service actions stay.
          </p>
        </ConfirmDialog>
      ) : null}
      {modal?.kind === 'delete' ? (
        <DeleteWorkspaceDialog
          workspace={ws}
          onClose={() => setModal(null)}
          onDeleted={() => {
            const flash: WorkspacesFlash = { flash: `Workspace ${ws.name} (${ws.slug}) was deleted.` };
            navigate(paths.workspaces.href(), { replace: true, state: flash });
          }}
        />
      ) : null}
    </div>
  );
}

function roleLabel(role: string): string {
  return ROLE_LABELS[role as WorkspaceRole] ?? role;
}

function DetailsForm({ workspace, onSaved }: { workspace: Workspace; onSaved: (w: Workspace) => void }) {
  const [name, setName] = useState(workspace.name);
  const [description, setDescription] = useState(workspace.description);
  const [errors, setErrors] = useState<{ name?: string | null; description?: string | null }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const descRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setName(workspace.name);
    setDescription(workspace.description);
  }, [workspace.name, workspace.description]);
  const dirty = name.trim() !== workspace.name || description.trim() !== workspace.description;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const next = { name: firstError(displayNameSchema, name), description: firstError(descriptionSchema, description) };
    setErrors(next);
    setFormError(null);
    if (next.name) return nameRef.current?.focus();
    if (next.description) return descRef.current?.focus();
    if (!dirty) return;
    setBusy(true);
    try {
      const patch: { name?: string; description?: string } = {};
      if (name.trim() !== workspace.name) patch.name = name.trim();
      if (description.trim() !== workspace.description) patch.description = description.trim();
      onSaved(await updateWorkspace(workspace.id, patch));
    } catch (err) {
      const error = asApiError(err);
      if (error instanceof ApiError && error.kind === 'unauthorized') return;
      if (error.kind === 'validation' && error.field === 'name') setErrors({ name: error.message });
      else if (error.kind === 'validation' && error.field === 'description') setErrors({ description: error.message });
      else setFormError(error.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack stack--form" noValidate onSubmit={submit} aria-label="Workspace details">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <TextField
        label="Name"
        inputRef={nameRef}
        value={name}
        error={errors.name}
        autoComplete="off"
        maxLength={300}
        onChange={(e) => setName(e.target.value)}
      />
      <TextAreaField
        label="Description"
        textareaRef={descRef}
        value={description}
        error={errors.description}
        rows={2}
        maxLength={1100}
        onChange={(e) => setDescription(e.target.value)}
      />
      <div className="actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
          Save details
        </Button>
      </div>
    </form>
  );
}

/**
 * AddMemberForm adds a user by email: typing searches the users (GET
 * /admin/users?q=, by the start of a name or email) to pick one with name
 * and email; an email nobody has yet is accepted as typed (pre-provisioned).
 */
function AddMemberForm({ workspaceId, memberIds, onAdded }: { workspaceId: string; memberIds: string[]; onAdded: (m: Member) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('viewer');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const roleId = useId();
  const members = new Set(memberIds);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const problem = firstError(emailSchema, email);
    setError(problem);
    setFormError(null);
    if (problem) return emailRef.current?.focus();
    setBusy(true);
    try {
      onAdded(await addMember(workspaceId, { email: email.trim(), role }));
      setEmail('');
    } catch (err) {
      const apiError = asApiError(err);
      if (apiError instanceof ApiError && apiError.kind === 'unauthorized') return;
      if (apiError.kind === 'conflict' || (apiError.kind === 'validation' && apiError.field === 'email')) {
        setError(apiError.kind === 'conflict' ? `${email.trim()} is already a member of this workspace.` : apiError.message);
        emailRef.current?.focus();
      } else {
        setFormError(apiError.message);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-label="Add a member">
      <div className="inline-form inline-form--field add-member">
        <SearchPicker<User>
          label="Email"
          inputRef={emailRef}
          value={email}
          error={error}
          placeholder="ada@example.com, or the start of a name"
          onValueChange={(v) => {
            setEmail(v);
            setError(null);
          }}
          onPick={(u) => {
            setEmail(u.email);
            setError(null);
          }}
          queryKey={(q) => ['users', 'search', q]}
          load={async (q, signal) => (await getUsers(q, null, signal, PICKER_LIMIT)).items}
          itemId={(u) => u.id}
          held={(u) => (members.has(u.id) ? 'already a member' : null)}
          empty="No users yet: type the email of the person to add."
        />
        <div className="field field--inline">
          <label htmlFor={roleId} className="field__label">
            Role
          </label>
          <select id={roleId} className="input input--select" value={role} onChange={(e) => setRole(e.target.value as WorkspaceRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="primary" busy={busy}>
          Add member
        </Button>
      </div>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
    </form>
  );
}

const ROLE_RANK: Record<string, number> = { owner: 0, admin: 1, editor: 2, viewer: 3 };

/** MemberTable: the loaded members, searchable and sorted by a column. */
function MemberTable({
  workspaceId,
  items,
  partial,
  onChanged,
  onRemove,
  workspaceName,
  onBulkReport,
  onBulkRemoved,
}: {
  workspaceId: string;
  items: Member[];
  partial: boolean;
  onChanged: (m: Member) => void;
  onRemove: (m: Member) => void;
  workspaceName: string;
  /** A bulk removal's report, shown by the page (it stays when the list is left empty). */
  onBulkReport: (report: BulkReport) => void;
  /** After a bulk removal: the user ids removed. */
  onBulkRemoved: (userIds: string[]) => void;
}) {
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useFilteredSelection(query.trim().toLowerCase());
  const searchId = useId();
  const shown = items.filter((m) => matchesQuery([m.name, m.email, roleLabel(m.role)], query));
  const columns: Column<Member>[] = [
    {
      id: 'name',
      header: 'Member',
      sortValue: displayName,
      cell: (m) => (
        <>
          <Link className="table__link" to={paths.user.href(m.user_id)}>
            {displayName(m)}
          </Link>
          {m.name ? <span className="cell-note">{m.email}</span> : null}
        </>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      label: 'Role',
      sortValue: (m) => ROLE_RANK[m.role] ?? 9,
      cell: (m) => <MemberRoleCell workspaceId={workspaceId} member={m} onChanged={onChanged} />,
    },
    { id: 'joined', header: 'Joined', label: 'Joined', descFirst: true, sortValue: (m) => m.joined_at, cell: (m) => <DateTime value={m.joined_at} /> },
    {
      id: 'remove',
      header: <span className="visually-hidden">Actions</span>,
      className: 'num',
      cell: (m) => (
        <Button size="sm" variant="ghost" onClick={() => onRemove(m)}>
          Remove<span className="visually-hidden"> {m.email}</span>
        </Button>
      ),
    },
  ];
  return (
    <div className="stack">
      <div className="search">
        <label htmlFor={searchId} className="visually-hidden">
          Search members
        </label>
        <input
          id={searchId}
          type="search"
          className="input"
          placeholder="Search members by name, email or role"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <BulkBar
        selected={selectedRows(shown, selected, (m) => m.user_id)}
        noun={{ one: 'member', many: 'members' }}
        label={(m) => m.email}
        action="Remove"
        past="removed"
        explain={`They lose access to ${workspaceName} and leave its groups and roles. Their user accounts stay, with their other workspaces.`}
        run={(m) => removeMember(workspaceId, m.user_id)}
        onReport={onBulkReport}
        onDone={(result) => {
          setSelected(keepFailed(result, (m) => m.user_id));
          onBulkRemoved(result.done.map((m) => m.user_id));
        }}
        onClear={() => setSelected({})}
      />
      {shown.length === 0 ? (
        <p className="muted">No member matches “{query}”.</p>
      ) : (
        <div className="table-wrap">
          <DataTable
            caption="Members"
            className="table table--compact"
            rows={shown}
            columns={columns}
            rowId={(m) => m.user_id}
            initialSort={{ id: 'name' }}
            partial={partial}
            selection={{ selected, onChange: setSelected, label: (m) => m.email }}
          />
        </div>
      )}
    </div>
  );
}

/** isPromotion: a change that gives owner or admin rights the member did not have. */
export function isPromotion(from: string, to: string): boolean {
  return (to === 'owner' || to === 'admin') && (ROLE_RANK[to] ?? 9) < (ROLE_RANK[from] ?? 9);
}

/** MemberRoleCell: a member's role, changed in place (promotions asked first), with the last change and Undo. */
function MemberRoleCell({ workspaceId, member, onChanged }: { workspaceId: string; member: Member; onChanged: (m: Member) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The last change made here, shown next to the row with Undo.
  const [changed, setChanged] = useState<{ from: string; to: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const roleId = useId();
  const who = displayName(member);
  const change = async (role: string, undo = false) => {
    const from = member.role;
    setBusy(true);
    setError(null);
    try {
      onChanged(await updateMember(workspaceId, member.user_id, role));
      setChanged(undo ? null : { from, to: role });
    } catch (err) {
      const e = asApiError(err);
      if (!(e instanceof ApiError && e.kind === 'unauthorized')) setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
        <label htmlFor={roleId} className="visually-hidden">
          Role of {member.email}
        </label>
        <div className="actions">
          <select
            id={roleId}
            className="input input--select input--sm"
            value={member.role}
            disabled={busy}
            onChange={(e) => {
              const to = e.target.value;
              if (isPromotion(member.role, to)) setConfirming(to);
              else void change(to);
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
            {(ROLES as readonly string[]).includes(member.role) ? null : <option value={member.role}>{member.role}</option>}
          </select>
          {busy ? <Spinner size="sm" /> : null}
        </div>
        {changed && changed.to === member.role ? (
          <span className="row-result" role="status">
            Now {roleLabel(changed.to)} (was {roleLabel(changed.from)}).{' '}
            <button type="button" className="link-button" disabled={busy} onClick={() => void change(changed.from, true)}>
              Undo<span className="visually-hidden"> role change of {member.email}</span>
            </button>
          </span>
        ) : null}
        {error ? <span className="field__error">{error}</span> : null}
      {confirming ? (
        <ConfirmDialog
          title={`Make ${who} ${roleLabel(confirming)}?`}
          confirmLabel={`Make ${roleLabel(confirming)}`}
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            const to = confirming;
            setConfirming(null);
            await change(to);
          }}
        >
          <p>
            {confirming === 'owner'
              ? `As Owner, ${who} can change everything in this workspace, including who else is Owner.`
              : `As Admin, ${who} can manage this workspace's members, groups and roles.`}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
