import { useEffect, useId, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Spinner } from '@/components/ui/spinner';
import { LoadMore } from '@/components/ui/paged-section-list';
import { ApiError, asApiError } from '@/lib/api-client';
import { useCursorList } from '@/lib/query';
import { addGroupMember } from '../api/add-group-member';
import { groupMembersQuery } from '../api/get-group-members';
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
  const list = useCursorList(groupMembersQuery(group.id));
  const { query, items, update } = list;
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const selectId = useId();

  const inGroup = new Set(items.map((m) => m.user_id));
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
        {query.isPending ? (
          <div className="card--center">
            <Spinner label="Loading group members" />
          </div>
        ) : query.isError && !query.isFetchNextPageError ? (
          <Alert tone="error" title="Could not load the group’s members.">
            {query.error.message}
          </Alert>
        ) : items.length === 0 ? (
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
                {items.map((m) => (
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
        <LoadMore list={list} />
      </div>
    </Dialog>
  );
}
