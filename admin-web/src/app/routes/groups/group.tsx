import { useEffect, useId, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Detail, Section } from '@/components/ui/section';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { addGroupMember } from '@/features/workspaces/api/add-group-member';
import { deleteGroup } from '@/features/workspaces/api/delete-group';
import { getGroup } from '@/features/workspaces/api/get-group';
import { groupMembersQuery } from '@/features/workspaces/api/get-group-members';
import { getWorkspace } from '@/features/workspaces/api/get-workspace';
import { removeGroupMember } from '@/features/workspaces/api/remove-group-member';
import type { Group, GroupMember, Workspace } from '@/features/workspaces/api/schemas';
import { AddWorkspaceMemberForm } from '@/features/workspaces/components/add-workspace-member-form';
import { GroupDialog } from '@/features/workspaces/components/group-dialog';
import type { WorkspacesFlash } from '@/app/routes/workspaces/workspaces';
import { ApiError } from '@/lib/api-client';
import { apiQuery, useCursorList, useRecord } from '@/lib/query';
import { PendingPage } from '@/components/layouts/pending-page';
import { PagedSectionList } from '@/components/ui/paged-section-list';

type Loaded = { workspace: Workspace; group: Group };
type Modal = { kind: 'edit' } | { kind: 'delete' } | { kind: 'remove-member'; member: GroupMember } | null;

async function loadGroup(workspaceId: string, groupId: string, signal: AbortSignal): Promise<Loaded> {
  const [workspace, group] = await Promise.all([getWorkspace(workspaceId, signal), getGroup(groupId, signal)]);
  if (group.workspace_id !== workspace.id) throw new ApiError({ kind: 'not_found', status: 404, message: 'Group not found' });
  return { workspace, group };
}

/** membersLabel says "1 member" or "n members". */
export function membersLabel(n: number): string {
  return n === 1 ? '1 member' : `${n} members`;
}

/** GroupRoute is a group's page: details, members (searchable, counted, added and removed), rename and delete. */
export function GroupRoute() {
  const { id = '', gid = '' } = useParams();
  const { query, setData } = useRecord(apiQuery(['workspaces', id, 'groups', gid], (signal) => loadGroup(id, gid, signal)));
  const [q, setQ] = useState('');
  const members = useCursorList(groupMembersQuery(gid, q.trim()));
  const [modal, setModal] = useState<Modal>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const navigate = useNavigate();
  const searchId = useId();

  const loaded = query.data ?? null;
  useEffect(() => {
    document.title = `${loaded ? loaded.group.name : 'Group'} · ${env.appName} Admin`;
  }, [loaded]);

  const back = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={paths.workspaces.href()}>Workspaces</Link>
      <span aria-hidden="true">/</span>
      <Link to={paths.workspace.href(id, 'groups')}>{loaded ? loaded.workspace.name : 'Workspace'}</Link>
      <span aria-hidden="true">/</span>
      <span aria-current="page">{loaded ? loaded.group.name : '…'}</span>
    </nav>
  );

  if (!query.isSuccess) {
    return (
      <PendingPage
        breadcrumb={back}
        query={query}
        noun="group"
        onRetry={() => void query.refetch()}
        notFound={
          <>
            It may have been deleted, or its workspace with it. <Link to={paths.workspace.href(id, 'groups')}>Back to the workspace’s groups</Link>
          </>
        }
      />
    );
  }

  const { workspace: ws, group } = query.data;
  const say = (message: string) => setNotice(message);
  const setCount = (d: number) => setData((prev) => ({ ...prev, group: { ...prev.group, member_count: Math.max(0, prev.group.member_count + d) } }));

  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div>
          <h1 className="page-title">{group.name}</h1>
          <p className="page-subtitle" data-testid="group-member-count">
            Group in {ws.name} · {membersLabel(group.member_count)}
          </p>
        </div>
        <div className="actions">
          <Button onClick={() => setModal({ kind: 'edit' })}>Rename</Button>
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
          <Detail label="Description">{group.description || <span className="muted">None</span>}</Detail>
          <Detail label="Workspace">
            <Link to={paths.workspace.href(ws.id, 'groups')}>{ws.name}</Link>
          </Detail>
          <Detail label="Created">{group.created_at ? <DateTime value={group.created_at} /> : '—'}</Detail>
          <Detail label="ID">
            <span className="mono">{group.id}</span>
          </Detail>
        </dl>
      </Section>

      <Section title="Members" count={String(group.member_count)} description={`Members of ${ws.name} in this group.`}>
        <AddWorkspaceMemberForm
          workspaceId={ws.id}
          held={q.trim() ? [] : members.items.map((m) => m.user_id)}
          add={(m) => addGroupMember(group.id, m.user_id)}
          formLabel={`Add a member to ${group.name}`}
          submitLabel="Add to group"
          heldNote="already in this group"
          onAdded={(m) => {
            void members.query.refetch();
            setCount(1);
            say(`${m.email} is in ${group.name}.`);
          }}
        />
        <div className="field">
          <label htmlFor={searchId} className="field__label">
            Search members
          </label>
          <input
            id={searchId}
            type="search"
            className="input"
            placeholder="Name, email or user id"
            value={q}
            maxLength={100}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <PagedSectionList
          list={members}
          noun="members"
          errorTitle="Could not load the group’s members."
          empty={q.trim() ? 'No member matches.' : 'Nobody is in this group yet.'}
        >
          {(items) => (
            <div className="table-wrap">
              <table className="table table--compact">
                <caption className="visually-hidden">Members of {group.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Member</th>
                    <th scope="col">Added</th>
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
                      <td data-label="Added">{m.added_at ? <DateTime value={m.added_at} /> : '—'}</td>
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
        <GroupDialog
          workspaceId={ws.id}
          group={group}
          onClose={() => setModal(null)}
          onSaved={(g) => {
            setData((prev) => ({ ...prev, group: g }));
            setModal(null);
            say(`Group ${g.name} saved.`);
          }}
        />
      ) : null}
      {modal?.kind === 'remove-member' ? (
        <ConfirmDialog
          title={`Remove ${modal.member.email} from ${group.name}?`}
          confirmLabel="Remove from group"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await removeGroupMember(group.id, modal.member.user_id);
            members.update((items) => items.filter((x) => x.user_id !== modal.member.user_id));
            setCount(-1);
            setModal(null);
            say(`${modal.member.email} left ${group.name}.`);
          }}
        >
          <p>Resources shared with the group are no longer shared with them through it. They stay a member of {ws.name}.</p>
        </ConfirmDialog>
      ) : null}
      {modal?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete group ${group.name}?`}
          confirmLabel="Delete group"
          tone="danger"
          onClose={() => setModal(null)}
          onConfirm={async () => {
            await deleteGroup(group.id);
            const flash: WorkspacesFlash = { flash: `Group ${group.name} was deleted.` };
            navigate(paths.workspace.href(ws.id, 'groups'), { replace: true, state: flash });
          }}
        >
          <p>
            Its {membersLabel(group.member_count)} stay in the workspace; resources shared with the group are no longer shared with them
            through it.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
