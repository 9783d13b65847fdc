import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/field';
import { ApiError, asApiError } from '@/lib/api-client';

type Errors = { name?: string | null; description?: string | null };

/** The name and description an admin enters. */
export type NameDescription = { name: string; description: string };

/**
 * NameDescriptionDialog creates a named thing of a workspace (a group, a
 * role) or edits one: validation as the API's, its 409 and 422 next to the
 * field they concern, other errors above the form.
 */
export function NameDescriptionDialog<T>({
  noun,
  existing,
  intro,
  placeholder,
  nameMaxLength,
  validateName,
  validateDescription,
  save,
  onClose,
  onSaved,
}: {
  /** "group", "role". */
  noun: string;
  existing?: NameDescription | undefined;
  /** Shown when creating. */
  intro: string;
  placeholder: string;
  nameMaxLength: number;
  validateName: (v: string) => string | null;
  validateDescription: (v: string) => string | null;
  save: (input: NameDescription) => Promise<T>;
  onClose: () => void;
  onSaved: (saved: T) => void;
}) {
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const descRef = useRef<HTMLTextAreaElement>(null);

  const submit = async () => {
    if (busy) return;
    const next: Errors = { name: validateName(name), description: validateDescription(description) };
    setErrors(next);
    setFormError(null);
    if (next.name) return nameRef.current?.focus();
    if (next.description) return descRef.current?.focus();
    setBusy(true);
    try {
      onSaved(await save({ name: name.trim(), description: description.trim() }));
    } catch (err) {
      const error = asApiError(err);
      if (error instanceof ApiError && error.kind === 'unauthorized') return;
      if (error.kind === 'conflict' || (error.kind === 'validation' && error.field === 'name')) {
        setErrors({ name: error.kind === 'conflict' ? `This workspace already has a ${noun} with this name.` : error.message });
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
      title={existing ? `Edit ${existing.name}` : `Create ${noun}`}
      description={existing ? undefined : intro}
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      initialFocusRef={nameRef}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            {existing ? 'Save' : `Create ${noun}`}
          </Button>
        </>
      }
    >
      <div className="stack">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label={`${noun[0]!.toUpperCase()}${noun.slice(1)} name`}
          inputRef={nameRef}
          value={name}
          autoComplete="off"
          maxLength={nameMaxLength}
          placeholder={placeholder}
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
