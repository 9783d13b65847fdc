import { useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { OneTimeSecretDialog } from '@/components/ui/one-time-secret-dialog';
import { PagedSectionList } from '@/components/ui/paged-section-list';
import { env } from '@/config/env';
import { createAdmin, CreateAdminInputSchema, adminsQuery, resetAdminTotp, setAdminActive, type TeamAdmin } from '@/features/admins/api/admins';
import { formatDate, formatDateTime } from '@/lib/format';
import { useAuth } from '@/lib/auth';
import { countLabel } from '@/lib/list-view';
import { useCursorList } from '@/lib/query';
import { asApiError } from '@/lib/api-client';

export function AdminsRoute() {
  const { state: auth } = useAuth();
  const me = auth.status === 'signed-in' ? auth.admin.email : '';
  const list = useCursorList(adminsQuery());
  const reload = () => void list.query.refetch();
  const [adding, setAdding] = useState(false);
  // The temporary password lives only here, only while its panel is open.
  const [created, setCreated] = useState<{ admin: TeamAdmin; temporaryPassword: string } | null>(null);
  const [deactivating, setDeactivating] = useState<TeamAdmin | null>(null);
  const [resetting, setResetting] = useState<TeamAdmin | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `Admins · ${env.appName} Admin`;
  }, []);

  const reactivate = async (a: TeamAdmin) => {
    setRowError(null);
    try {
      await setAdminActive(a.email, true);
      setFlash(`${a.email} is active again and can sign in with their password.`);
      reload();
    } catch (err) {
      setRowError(asApiError(err).message);
    }
  };

  const count = list.query.isSuccess ? countLabel(list.items.length, list.query.hasNextPage) : null;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Admins{count !== null ? <span className="count"> ({count})</span> : null}</h1>
          <p className="page-subtitle">People who sign in to this admin site. New admins get a temporary password they change at first sign-in.</p>
        </div>
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add admin
        </Button>
      </header>

      {flash ? (
        <Alert tone="success" action={<Button size="sm" variant="ghost" onClick={() => setFlash(null)}>Dismiss</Button>}>
          {flash}
        </Alert>
      ) : null}
      {rowError ? <Alert tone="error">{rowError}</Alert> : null}

      <PagedSectionList list={list} noun="admins" errorTitle="Could not load admins." empty="No admins yet.">
        {(items) => (
          <div className="card card--flush">
            <table className="table">
              <caption className="visually-hidden">Admins</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Two-factor</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.email} data-admin={a.email}>
                    <td>
                      {a.email}
                      {a.email === me ? <span className="muted"> (you)</span> : null}
                    </td>
                    <td data-label="Name">{a.name || <span className="muted">—</span>}</td>
                    <td data-label="Status">
                      {a.status === 'active' ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Deactivated</Badge>}{' '}
                      {a.must_change_password ? <Badge tone="warning">Temporary password</Badge> : null}
                    </td>
                    <td data-label="Two-factor">{a.totp_enabled ? <Badge tone="info">On</Badge> : <span className="muted">Off</span>}</td>
                    <td data-label="Created">
                      <time dateTime={a.created_at}>{formatDate(a.created_at)}</time>
                    </td>
                    <td data-label="Last sign-in">
                      {a.last_sign_in_at ? (
                        <time dateTime={a.last_sign_in_at}>{formatDateTime(a.last_sign_in_at)}</time>
                      ) : (
                        <span className="muted">Never</span>
                      )}
                    </td>
                    <td className="table__actions">
                      {a.totp_enabled && a.email !== me ? (
                        <Button size="sm" variant="ghost" onClick={() => setResetting(a)} aria-label={`Reset two-factor of ${a.email}`}>
                          Reset two-factor
                        </Button>
                      ) : null}
                      {a.status === 'active' ? (
                        <Button size="sm" variant="ghost" onClick={() => setDeactivating(a)} aria-label={`Deactivate ${a.email}`}>
                          Deactivate
                        </Button>
                      ) : (
                        <Button size="sm" variant="ghost" onClick={() => void reactivate(a)} aria-label={`Reactivate ${a.email}`}>
                          Reactivate
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedSectionList>

      {adding ? (
        <AddAdminDialog
          onClose={() => setAdding(false)}
          onCreated={(c) => {
            setAdding(false);
            setCreated(c);
            reload();
          }}
        />
      ) : null}
      {created ? (
        <OneTimeSecretDialog
          title="Admin added: copy the temporary password"
          warningTitle="You will not see this password again."
          warning="Sentinel keeps only a hash of it. Give it to the new admin over a channel you trust; they must change it when they first sign in."
          label={<>Temporary password for {created.admin.email}</>}
          secret={created.temporaryPassword}
          kind="temporary-password"
          copyLabel="Copy password"
          ackLabel="I have copied this password and will pass it on safely."
          nudge="Confirm that you have copied the password before closing: it cannot be shown again."
          onClose={() => setCreated(null)}
        />
      ) : null}
      {resetting ? (
        <ConfirmDialog
          title={`Reset two-factor sign-in of ${resetting.email}?`}
          confirmLabel="Reset two-factor"
          tone="danger"
          onClose={() => setResetting(null)}
          onConfirm={async () => {
            await resetAdminTotp(resetting.email);
            setFlash(`${resetting.email}'s two-factor sign-in is reset: their sessions have ended, and they set it up again when they sign in.`);
            setResetting(null);
            reload();
          }}
        >
          <p>
            Their authenticator app and recovery codes stop working and their sessions end at once. They sign in with their password;
            where every admin must use two-factor sign-in, they set it up again right after.
          </p>
        </ConfirmDialog>
      ) : null}
      {deactivating ? (
        <ConfirmDialog
          title={`Deactivate ${deactivating.email}?`}
          confirmLabel="Deactivate"
          tone="danger"
          onClose={() => setDeactivating(null)}
          onConfirm={async () => {
            await setAdminActive(deactivating.email, false);
            setFlash(`${deactivating.email} is deactivated: their sessions have ended and they cannot sign in.`);
            setDeactivating(null);
            reload();
          }}
        >
          <p>
            Their sessions end at once and they cannot sign in until an admin reactivates them.
            {deactivating.email === me ? ' This is you: you will be signed out.' : ''}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function AddAdminDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (c: { admin: TeamAdmin; temporaryPassword: string }) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<{ email?: string | undefined; name?: string | undefined }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  const submit = async () => {
    if (busy) return;
    const parsed = CreateAdminInputSchema.safeParse({ email, name });
    if (!parsed.success) {
      const fieldErrors: { email?: string; name?: string } = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if ((key === 'email' || key === 'name') && !fieldErrors[key]) fieldErrors[key] = issue.message;
      }
      setErrors(fieldErrors);
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      onCreated(await createAdmin(parsed.data));
    } catch (err) {
      setFormError(asApiError(err).message);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Add an admin"
      onClose={() => !busy && onClose()}
      onSubmit={() => void submit()}
      initialFocusRef={emailRef}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            Add admin
          </Button>
        </>
      }
    >
      <div className="stack">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField label="Email" type="email" name="email" inputRef={emailRef} value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Name" name="name" hint="Optional." value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
      </div>
    </Dialog>
  );
}
