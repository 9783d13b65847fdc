import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { asApiError } from '@/lib/use-resource';
import { createRole } from '../api/create-role';
import type { Role } from '../api/schemas';
import { updateRole } from '../api/update-role';
import { firstError, roleDescriptionSchema, roleNameSchema } from '../validation';

type Errors = { name?: string | null; description?: string | null };

/** RoleDialog creates a role in a workspace, or renames one (with its description). */
export function RoleDialog({
  workspaceId,
  role,
  onClose,
  onSaved,
}: {
  workspaceId: string;
  role?: Role;
  onClose: () => void;
  onSaved: (r: Role) => void;
}) {
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const descRef = useRef<HTMLTextAreaElement>(null);

  const submit = async () => {
    if (busy) return;
    const next: Errors = { name: firstError(roleNameSchema, name), description: firstError(roleDescriptionSchema, description) };
    setErrors(next);
    setFormError(null);
    if (next.name) return nameRef.current?.focus();
    if (next.description) return descRef.current?.focus();
    setBusy(true);
    try {
      const input = { name: name.trim(), description: description.trim() };
      if (role) {
        const patch: { name?: string; description?: string } = {};
        if (input.name !== role.name) patch.name = input.name;
        if (input.description !== role.description) patch.description = input.description;
        onSaved(Object.keys(patch).length ? await updateRole(role.id, patch) : role);
      } else {
        onSaved(await createRole(workspaceId, input));
      }
    } catch (err) {
      const error = asApiError(err);
      if (error instanceof ApiError && error.kind === 'unauthorized') return;
      if (error.kind === 'conflict' || (error.kind === 'validation' && error.field === 'name')) {
        setErrors({ name: error.kind === 'conflict' ? 'This workspace already has a role with this name.' : error.message });
        nameRef.current?.focus();
      } else if (error.kind === 'validation' && error.field === 'description') {
        setErrors({ description: error.message });
        descRef.current?.focus();
      } else {
        setFormError(error.message);
      }
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={role ? `Edit ${role.name}` : 'Create role'}
      description={role ? undefined : 'A role bundles service actions; the workspace’s members who hold it may perform them.'}
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      initialFocusRef={nameRef}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            {role ? 'Save' : 'Create role'}
          </Button>
        </>
      }
    >
      <div className="stack">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label="Role name"
          inputRef={nameRef}
          value={name}
          autoComplete="off"
          maxLength={120}
          placeholder="Billing editor"
          error={errors.name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextAreaField
          label="Description (optional)"
          textareaRef={descRef}
          value={description}
          rows={3}
          maxLength={1100}
          error={errors.description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
    </Dialog>
  );
}
