import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { asApiError } from '@/lib/use-resource';
import { createGroup } from '../api/create-group';
import type { Group } from '../api/schemas';
import { updateGroup } from '../api/update-group';
import { descriptionSchema, displayNameSchema, firstError } from '../validation';

type Errors = { name?: string | null; description?: string | null };

/** GroupDialog creates a group in a workspace, or renames one (with its description). */
export function GroupDialog({
  workspaceId,
  group,
  onClose,
  onSaved,
}: {
  workspaceId: string;
  group?: Group;
  onClose: () => void;
  onSaved: (g: Group) => void;
}) {
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const descRef = useRef<HTMLTextAreaElement>(null);

  const submit = async () => {
    if (busy) return;
    const next: Errors = { name: firstError(displayNameSchema, name), description: firstError(descriptionSchema, description) };
    setErrors(next);
    setFormError(null);
    if (next.name) return nameRef.current?.focus();
    if (next.description) return descRef.current?.focus();
    setBusy(true);
    try {
      const input = { name: name.trim(), description: description.trim() };
      onSaved(group ? await updateGroup(group.id, input) : await createGroup(workspaceId, input));
    } catch (err) {
      const error = asApiError(err);
      if (error instanceof ApiError && error.kind === 'unauthorized') return;
      if (error.kind === 'conflict' || (error.kind === 'validation' && error.field === 'name')) {
        setErrors({ name: error.kind === 'conflict' ? 'This workspace already has a group with this name.' : error.message });
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
      title={group ? `Edit ${group.name}` : 'Create group'}
      description={group ? undefined : 'A group is a named set of this workspace’s members, to share resources with at once.'}
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      initialFocusRef={nameRef}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            {group ? 'Save' : 'Create group'}
          </Button>
        </>
      }
    >
      <div className="stack">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label="Group name"
          inputRef={nameRef}
          value={name}
          autoComplete="off"
          maxLength={300}
          placeholder="Reviewers"
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
