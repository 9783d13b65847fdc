import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { ApiError, asApiError } from '@/lib/api-client';
import { loadAll } from '@/lib/paging';
import { apiQuery } from '@/lib/query';
import { getMembers } from '../api/get-members';
import type { Member } from '../api/schemas';

/**
 * AddWorkspaceMemberForm picks one of a workspace's members not in held yet
 * and hands it to add (a role's or a group's members). A 400 "not a member"
 * (they left the workspace meanwhile) refreshes the picker and says so.
 */
export function AddWorkspaceMemberForm({
  workspaceId,
  held,
  add,
  onAdded,
  formLabel,
  submitLabel,
  allHeld,
}: {
  workspaceId: string;
  /** The user ids already in. */
  held: string[];
  add: (m: Member) => Promise<unknown>;
  onAdded: (m: Member) => void;
  formLabel: string;
  submitLabel: string;
  /** The picker's text when every member is in already. */
  allHeld: string;
}) {
  const all = useQuery(apiQuery(['workspaces', workspaceId, 'members', 'all'], (signal) => loadAll((cursor, s) => getMembers(workspaceId, cursor, s), signal)));
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const selectId = useId();
  const heldIds = new Set(held);
  const candidates = all.data ? all.data.filter((m) => !heldIds.has(m.user_id)) : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const member = candidates.find((m) => m.user_id === choice);
    if (!member) {
      setError('Choose a workspace member to add.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await add(member);
      onAdded(member);
      setChoice('');
    } catch (err) {
      const apiError = asApiError(err);
      if (apiError instanceof ApiError && apiError.kind === 'unauthorized') return;
      if (/not a member/i.test(apiError.message)) {
        // The member left the workspace since this list loaded: say so, and refresh the list.
        setError(`${member.email} is not a member of this workspace any more (400 from the API). Add them to the workspace first.`);
        void all.refetch();
      } else {
        setError(apiError.message);
      }
    } finally {
      setBusy(false);
    }
  };

  if (all.isPending) return <Spinner label="Loading workspace members" />;
  if (all.isError) {
    return (
      <Alert tone="error" title="Could not load the workspace’s members." action={<Button onClick={() => void all.refetch()}>Try again</Button>}>
        {all.error.message}
      </Alert>
    );
  }
  if (all.data.length === 0) {
    return (
      <p className="muted">
        The workspace has no members yet. <Link to={paths.workspace.href(workspaceId, 'members')}>Add them on the workspace page.</Link>
      </p>
    );
  }
  return (
    <form className="stack" noValidate onSubmit={submit} aria-label={formLabel}>
      <div className="inline-form inline-form--field">
        <div className="field field--inline">
          <label htmlFor={selectId} className="field__label">
            Workspace member to add
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
            <option value="">{candidates.length === 0 ? allHeld : 'Choose a member…'}</option>
            {candidates.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name ? `${m.name} (${m.email})` : m.email}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="primary" busy={busy} disabled={candidates.length === 0}>
          {submitLabel}
        </Button>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </form>
  );
}
