import { useEffect, useId, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Spinner } from '@/components/ui/spinner';
import { ApiError } from '@/lib/api-client';
import { usePagedList } from '@/lib/paging';
import { asApiError } from '@/lib/use-resource';
import { addGroupMember } from '../api/add-group-member';
import { getGroupMembers } from '../api/get-group-members';
import { removeGroupMember } from '../api/remove-group-member';
import type { Group, Member } from '../api/schemas';

/** GroupMembersDialog lists a group's members; adds one of the workspace's members; removes one. */
export function GroupMembersDialog({
  group,
  workspaceMembers,
  onClose,
}: {
  group: Group;
  workspaceMembers: Member[];
  onClose: () => void;
}) {
  const { state, loadMore, update } = usePagedList((cursor, signal) => getGroupMembers(group.id, cursor, signal), group.id);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const selectId = useId();

  const inGroup = new Set(state.status === 'ready' ? state.items.map((m) => m.user_id) : []);
  const candidates = workspaceMembers.filter((m) => !inGroup.has(m.user_id));
  useEffect(() => {
    if (choice && !candidates.some((c) => c.user_id === choice)) setChoice('');
  }, [choice, candidates]);

  const fail = (err: unknown) => {
    const e = asApiError(err);
    if (!(e instanceof ApiError && e.kind === 'unauthorized')) setError(e.message);
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!choice) {
      setError('Choose a workspace member to add.');
      return;
    }
    setBusy('add');
    setError(null);
    setNotice(null);
    try {
      const added = await addGroupMember(group.id, choice);
      update((items) => [...items.filter((m) => m.user_id !== added.user_id), added]);
      setNotice(`${added.email} is in ${group.name}.`);
      setChoice('');
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (userId: string, email: string) => {
    if (busy) return;
    setBusy(userId);
    setError(null);
    setNotice(null);
    try {
      await removeGroupMember(group.id, userId);
      update((items) => items.filter((m) => m.user_id !== userId));
      setNotice(`${email} left ${group.name}.`);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog
      title={`Members of ${group.name}`}
      description="Only members of this workspace can join its groups."
      size="lg"
      onClose={onClose}
      footer={<Button onClick={onClose}>Done</Button>}
    >
      <div className="stack">
        <form className="inline-form" noValidate onSubmit={add} aria-label={`Add a member to ${group.name}`}>
          <label htmlFor={selectId} className="visually-hidden">
            Workspace member to add
          </label>
          <select
            id={selectId}
            className="input input--select input--grow"
            value={choice}
            disabled={candidates.length === 0}
            onChange={(e) => setChoice(e.target.value)}
          >
            <option value="">{candidates.length === 0 ? 'Every workspace member is in this group' : 'Choose a workspace member…'}</option>
            {candidates.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name ? `${m.name} <${m.email}>` : m.email}
              </option>
            ))}
          </select>
          <Button type="submit" variant="primary" busy={busy === 'add'} disabled={candidates.length === 0}>
            Add to group
          </Button>
        </form>
        {error ? <Alert tone="error">{error}</Alert> : null}
        {notice ? <Alert tone="success">{notice}</Alert> : null}
        {state.status === 'loading' ? (
          <div className="card--center">
            <Spinner label="Loading group members" />
          </div>
        ) : state.status === 'error' ? (
          <Alert tone="error" title="Could not load the group’s members.">
            {state.error.message}
          </Alert>
        ) : state.items.length === 0 ? (
          <p className="muted">No members yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact">
              <caption className="visually-hidden">Members of {group.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.items.map((m) => (
                  <tr key={m.user_id}>
                    <td>
                      {m.name ? <span className="strong">{m.name}</span> : null}
                      <span className={m.name ? 'cell-note' : undefined}>{m.email}</span>
                    </td>
                    <td className="num">
                      <Button size="sm" variant="ghost" busy={busy === m.user_id} onClick={() => remove(m.user_id, m.email)}>
                        Remove<span className="visually-hidden"> {m.email} from {group.name}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {state.status === 'ready' && state.nextCursor ? (
          <div className="load-more">
            <Button size="sm" busy={state.loadingMore} onClick={loadMore}>
              Load more
            </Button>
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}
