import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SearchPicker } from '@/components/ui/search-picker';
import { ApiError, asApiError } from '@/lib/api-client';
import { PICKER_LIMIT } from '@/lib/picker';
import { getMembers } from '../api/get-members';
import type { Member } from '../api/schemas';

/** searchMembers: the first matches of q among a workspace's members (the API's search, api.md "Search"). */
export async function searchMembers(workspaceId: string, q: string, signal?: AbortSignal): Promise<Member[]> {
  return (await getMembers(workspaceId, null, signal, { q, limit: PICKER_LIMIT })).items;
}

/**
 * AddWorkspaceMemberForm finds one of a workspace's members by typing part
 * of a name or email (the server searches, so a workspace of thousands
 * works) and hands it to add (a role's or a group's members). Those in held
 * are listed but cannot be picked. A typed exact email counts as picked. A
 * 400 "not a member" (they left the workspace meanwhile) says so below the form.
 */
export function AddWorkspaceMemberForm({
  workspaceId,
  held,
  heldNote,
  add,
  onAdded,
  formLabel,
  submitLabel,
}: {
  workspaceId: string;
  /** The user ids already in (those loaded). */
  held: string[];
  /** The note next to someone already in, e.g. "already in the group". */
  heldNote: string;
  add: (m: Member) => Promise<unknown>;
  onAdded: (m: Member) => void;
  formLabel: string;
  submitLabel: string;
}) {
  const [text, setText] = useState('');
  const [choice, setChoice] = useState<Member | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const heldIds = new Set(held);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setFormError(null);
    setBusy(true);
    try {
      let member = choice;
      if (!member && text.trim()) {
        // An exact email typed in full: the API's search looks it up by key.
        const typed = text.trim().toLowerCase();
        member = (await searchMembers(workspaceId, typed)).find((m) => m.email.toLowerCase() === typed) ?? null;
      }
      if (!member) {
        setError(text.trim() ? `No member of this workspace is ${text.trim()}: pick one from the list.` : 'Type a name or email, then pick a member.');
        inputRef.current?.focus();
        return;
      }
      if (heldIds.has(member.user_id)) {
        setError(`${member.email}: ${heldNote}.`);
        return;
      }
      await add(member);
      onAdded(member);
      setChoice(null);
      setText('');
    } catch (err) {
      const apiError = asApiError(err);
      if (apiError instanceof ApiError && apiError.kind === 'unauthorized') return;
      if (/not a member/i.test(apiError.message)) {
        // The member left the workspace since they were found: say so.
        setFormError(`${choice?.email ?? text.trim()} is not a member of this workspace any more (400 from the API). Add them to the workspace first.`);
      } else {
        setFormError(apiError.message);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-label={formLabel}>
      <div className="inline-form inline-form--field add-member">
        <SearchPicker<Member>
          label="Workspace member to add"
          placeholder="Start of a name or email"
          value={text}
          error={error}
          inputRef={inputRef}
          maxLength={100}
          onValueChange={(v) => {
            setText(v);
            setChoice(null);
            setError(null);
          }}
          onPick={(m) => {
            setChoice(m);
            setText(m.email);
            setError(null);
          }}
          queryKey={(q) => ['workspaces', workspaceId, 'members', 'search', q]}
          load={(q, signal) => searchMembers(workspaceId, q, signal)}
          itemId={(m) => m.user_id}
          held={(m) => (heldIds.has(m.user_id) ? heldNote : null)}
          empty="The workspace has no members yet: add them on the workspace’s Members tab."
        />
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
    </form>
  );
}
