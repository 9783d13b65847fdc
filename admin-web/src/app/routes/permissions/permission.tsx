import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SearchPicker } from '@/components/ui/search-picker';
import { Detail, Section } from '@/components/ui/section';
import { DateTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { permissionQuery } from '@/features/permissions/api/get-permission';
import { revokeShare } from '@/features/permissions/api/revoke-share';
import {
  LEVELS,
  VISIBILITIES,
  VISIBILITY_LABELS,
  type EnrichedResource,
  type EnrichedShare,
  type Level,
  type Visibility,
} from '@/features/permissions/api/schemas';
import { share, type Grantee } from '@/features/permissions/api/share';
import { updateVisibility } from '@/features/permissions/api/update-visibility';
import { getGroups } from '@/features/workspaces/api/get-groups';
import { workspaceQuery } from '@/features/workspaces/api/get-workspace';
import type { Group, Member } from '@/features/workspaces/api/schemas';
import { searchMembers } from '@/features/workspaces/components/add-workspace-member-form';
import { ApiError, asApiError } from '@/lib/api-client';
import { matchesQuery } from '@/lib/list-view';
import { loadAll } from '@/lib/paging';
import { PICKER_LIMIT } from '@/lib/picker';
import { apiQuery, useRecord } from '@/lib/query';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { PendingPage } from '@/components/layouts/pending-page';

/** One resource's permission record: owner, visibility (changeable), shares (grant, revoke). */
export function PermissionRoute() {
  const { id = '' } = useParams();
  const { query, setData } = useRecord(permissionQuery(id));
  const [revoking, setRevoking] = useState<EnrichedShare | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const r = query.data ?? null;
  useEffect(() => {
    document.title = `${r ? `${r.service_name} ${r.resource_type}` : 'Resource'} · ${env.appName} Admin`;
  }, [r]);
  const refresh = async () => {
    await query.refetch({ throwOnError: true });
  };

  const back = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={paths.permissions.href()}>Permissions</Link>
      <span aria-hidden="true">/</span>
      <span aria-current="page">{r ? `${r.service_name} · ${r.resource_type}` : '…'}</span>
    </nav>
  );

  if (!query.isSuccess) {
    return (
      <PendingPage
        breadcrumb={back}
        query={query}
        noun="resource" missingNoun="resource record"
        onRetry={() => void query.refetch()}
        notFound={
          <>
            Its service may have deregistered or purged it. <Link to={paths.permissions.href()}>Back to permissions</Link>
          </>
        }
      />
    );
  }

  const res = query.data;
  const say = (m: string) => setNotice(m);

  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div>
          <h1 className="page-title">
            {res.service_name} · {res.resource_type}
          </h1>
          <p className="page-subtitle mono">{res.resource_id}</p>
        </div>
        <Button busy={query.isRefetching} onClick={() => void query.refetch()}>Refresh</Button>
      </header>

      {notice ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setNotice(null)}>Dismiss</Button>}>
          {notice}
        </Alert>
      ) : null}

      <Section title="Details">
        <dl className="details">
          <Detail label="Owner">
            <Link to={paths.user.href(res.owner_id)}>{res.owner_name || res.owner_email || res.owner_id}</Link>
            {res.owner_name && res.owner_email ? <span className="cell-note">{res.owner_email}</span> : null}
          </Detail>
          <Detail label="Workspace">
            <WorkspaceName id={res.workspace_id} />
          </Detail>
          <Detail label="Service">
            <span className="mono">{res.service_name}</span>
          </Detail>
          <Detail label="Resource type">
            <span className="mono">{res.resource_type}</span>
          </Detail>
          <Detail label="Registered">
            <DateTime value={res.created_at} />
          </Detail>
          <Detail label="Record ID">
            <span className="mono">{res.id}</span>
          </Detail>
        </dl>
      </Section>

      <Section title="Visibility" description="Who in the workspace may reach this resource besides the owner and the shares.">
        <VisibilityForm
          resource={res}
          onSaved={async (v) => {
            await refresh();
            say(`Visibility is now ${v}.`);
          }}
        />
      </Section>

      <Section title="Shares" description="Members or groups of the workspace granted view or edit on this resource.">
        <ShareForm
          resource={res}
          onShared={async (label, level) => {
            await refresh();
            say(`Shared with ${label} (${level}).`);
          }}
        />
        {res.shares.length === 0 ? (
          <p className="muted">Not shared with anyone.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact">
              <caption className="visually-hidden">Shares</caption>
              <thead>
                <tr>
                  <th scope="col">Grantee</th>
                  <th scope="col">Permission</th>
                  <th scope="col">Granted</th>
                  <th scope="col">
                    <span className="visually-hidden">Manage</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {res.shares.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Badge>{s.grantee_type}</Badge>{' '}
                      {s.grantee_type === 'user' ? (
                        <Link className="table__link" to={paths.user.href(s.grantee_id)}>
                          {granteeLabel(s)}
                        </Link>
                      ) : (
                        <span className="strong">{granteeLabel(s)}</span>
                      )}
                      {s.grantee_name && s.grantee_email ? <span className="cell-note">{s.grantee_email}</span> : null}
                    </td>
                    <td data-label="Permission">
                      <Badge tone={s.permission === 'edit' ? 'warning' : 'info'}>{s.permission}</Badge>
                    </td>
                    <td data-label="Granted">
                      <DateTime value={s.granted_at} />
                      {s.granted_by_name ? <span className="cell-note">by {s.granted_by_name}</span> : null}
                    </td>
                    <td className="num">
                      <Button size="sm" variant="ghost" onClick={() => setRevoking(s)}>
                        Revoke<span className="visually-hidden"> {granteeLabel(s)}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      {revoking ? (
        <ConfirmDialog
          title={`Revoke ${granteeLabel(revoking)}’s access?`}
          confirmLabel="Revoke share"
          tone="danger"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await revokeShare(res.id, { grantee_type: revoking.grantee_type, grantee_id: revoking.grantee_id });
            setData((prev) => ({ ...prev, shares: prev.shares.filter((x) => x.id !== revoking.id) }));
            say(`${granteeLabel(revoking)} no longer has ${revoking.permission} through a share.`);
            setRevoking(null);
          }}
        >
          <p>
            The {revoking.grantee_type} loses the {revoking.permission} share. Access through ownership, visibility or a workspace role
            stays.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function granteeLabel(s: EnrichedShare): string {
  return s.grantee_name || s.grantee_email || s.grantee_id;
}

function WorkspaceName({ id }: { id: string }) {
  const { data } = useQuery(workspaceQuery(id));
  return (
    <Link to={paths.workspace.href(id)}>
      {data ? data.name : <span className="mono">{id}</span>}
    </Link>
  );
}

function VisibilityForm({ resource, onSaved }: { resource: EnrichedResource; onSaved: (v: Visibility) => Promise<void> }) {
  const [value, setValue] = useState(resource.visibility);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  useEffect(() => setValue(resource.visibility), [resource.visibility]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || value === resource.visibility) return;
    setBusy(true);
    setError(null);
    try {
      await updateVisibility(resource.id, value as Visibility);
      await onSaved(value as Visibility);
    } catch (err) {
      const apiError = asApiError(err);
      if (!(apiError instanceof ApiError && apiError.kind === 'unauthorized')) setError(apiError.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-label="Change visibility">
      <div className="inline-form inline-form--field">
        <div className="field field--inline">
          <label htmlFor={selectId} className="field__label">
            Visibility
          </label>
          <select id={selectId} className="input input--select" value={value} onChange={(e) => setValue(e.target.value)}>
            {VISIBILITIES.map((v) => (
              <option key={v} value={v}>
                {VISIBILITY_LABELS[v]}
              </option>
            ))}
            {(VISIBILITIES as readonly string[]).includes(resource.visibility) ? null : (
              <option value={resource.visibility}>{resource.visibility}</option>
            )}
          </select>
        </div>
        <Button type="submit" variant="primary" busy={busy} disabled={value === resource.visibility}>
          Save visibility
        </Button>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </form>
  );
}

/**
 * A member or a group to share with, as the picker shows it: name over
 * email for a member; for a group, its name over "Group · N members" (the
 * picker's second line, its email field).
 */
type Candidate = { key: string; grantee: Grantee; name: string; email: string; label: string };

function memberCandidate(m: Member): Candidate {
  return {
    key: `user:${m.user_id}`,
    grantee: { grantee_type: 'user', grantee_id: m.user_id },
    name: m.name,
    email: m.email,
    label: m.name ? `${m.name} (${m.email})` : m.email,
  };
}

function groupCandidate(g: Group): Candidate {
  return {
    key: `group:${g.id}`,
    grantee: { grantee_type: 'group', grantee_id: g.id },
    name: g.name,
    email: `Group · ${g.member_count} ${g.member_count === 1 ? 'member' : 'members'}`,
    label: g.name,
  };
}

/**
 * ShareForm shares the resource with a member or a group of its workspace,
 * found by typing: members through the API's search (a workspace of
 * thousands works), then the groups whose name matches (a workspace has
 * few; loaded once and cached). A typed exact email counts as picked.
 */
function ShareForm({ resource, onShared }: { resource: EnrichedResource; onShared: (label: string, level: Level) => Promise<void> }) {
  const client = useQueryClient();
  const workspaceId = resource.workspace_id;
  const [text, setText] = useState('');
  const [choice, setChoice] = useState<Candidate | null>(null);
  const [level, setLevel] = useState<Level>('view');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const levelId = useId();

  const findCandidates = async (q: string, signal: AbortSignal): Promise<Candidate[]> => {
    const [members, groups] = await Promise.all([
      searchMembers(workspaceId, q, signal),
      client.fetchQuery({
        ...apiQuery(['workspaces', workspaceId, 'share-candidates', 'groups'], (s) => loadAll((cursor, s2) => getGroups(workspaceId, cursor, s2), s)),
        staleTime: 60_000,
      }),
    ]);
    const matching = groups.filter((g) => matchesQuery([g.name], q)).slice(0, PICKER_LIMIT);
    return [...members.map(memberCandidate), ...matching.map(groupCandidate)];
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setFormError(null);
    setBusy(true);
    try {
      let c = choice;
      const typed = text.trim().toLowerCase();
      if (!c && typed) {
        const m = (await searchMembers(workspaceId, typed)).find((x) => x.email.toLowerCase() === typed);
        c = m ? memberCandidate(m) : null;
      }
      if (!c) {
        setError(typed ? `No member or group of this workspace is ${text.trim()}: pick one from the list.` : 'Choose a member or a group to share with.');
        inputRef.current?.focus();
        return;
      }
      await share(resource.id, c.grantee, level);
      setChoice(null);
      setText('');
      await onShared(c.label, level);
    } catch (err) {
      const apiError = asApiError(err);
      if (!(apiError instanceof ApiError && apiError.kind === 'unauthorized')) setFormError(apiError.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-label="Share this resource">
      <div className="inline-form inline-form--field add-member">
        <SearchPicker<Candidate>
          label="Share with"
          placeholder="Start of a name or email, or a group"
          value={text}
          error={error}
          inputRef={inputRef}
          maxLength={100}
          onValueChange={(v) => {
            setText(v);
            setChoice(null);
            setError(null);
          }}
          onPick={(c) => {
            setChoice(c);
            setText(c.grantee.grantee_type === 'user' ? c.email : c.name);
            setError(null);
          }}
          queryKey={(q) => ['workspaces', workspaceId, 'share-candidates', 'search', q]}
          load={findCandidates}
          itemId={(c) => c.key}
          empty="The workspace has no members or groups yet."
        />
        <div className="field field--inline">
          <label htmlFor={levelId} className="field__label">
            Permission
          </label>
          <select id={levelId} className="input input--select" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l === 'view' ? 'View' : 'Edit'}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="primary" busy={busy}>
          Share
        </Button>
      </div>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
    </form>
  );
}
