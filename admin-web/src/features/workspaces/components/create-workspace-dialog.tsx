import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/field';
import { ApiError, asApiError } from '@/lib/api-client';
import { createWorkspace } from '../api/create-workspace';
import type { Workspace } from '../api/schemas';
import { descriptionSchema, displayNameSchema, firstError, SLUG_MAX, slugSchema, suggestSlug } from '../validation';

type Field = 'name' | 'slug' | 'description';
type Errors = Partial<Record<Field, string | null>>;

export function CreateWorkspaceDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (w: Workspace) => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refs = {
    name: useRef<HTMLInputElement>(null),
    slug: useRef<HTMLInputElement>(null),
    description: useRef<HTMLTextAreaElement>(null),
  };

  const submit = async () => {
    if (busy) return;
    const next: Errors = {
      name: firstError(displayNameSchema, name),
      slug: firstError(slugSchema, slug),
      description: firstError(descriptionSchema, description),
    };
    setErrors(next);
    setFormError(null);
    const invalid = (['name', 'slug', 'description'] as const).find((f) => next[f]);
    if (invalid) {
      refs[invalid].current?.focus();
      return;
    }
    setBusy(true);
    try {
      onCreated(await createWorkspace({ name: name.trim(), slug: slug.trim(), description: description.trim() }));
    } catch (err) {
      const error = asApiError(err);
      if (error instanceof ApiError && error.kind === 'unauthorized') return;
      const field: Field | null =
        error.kind === 'conflict'
          ? 'slug'
          : error.kind === 'validation' && (error.field === 'name' || error.field === 'slug' || error.field === 'description')
            ? error.field
            : null;
      if (field) {
        const message =
          error.kind === 'conflict' ? `Another workspace already uses the slug ${slug.trim()}. Slugs are unique.` : error.message;
        setErrors((e) => ({ ...e, [field]: message }));
        refs[field].current?.focus();
      } else {
        setFormError(error.message);
      }
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Create workspace"
      description="A workspace is a tenant: its members, groups, roles and resources belong to it."
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      initialFocusRef={refs.name}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            Create
          </Button>
        </>
      }
    >
      <div className="stack">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label="Name"
          inputRef={refs.name}
          value={name}
          autoComplete="off"
          maxLength={300}
          placeholder="Acme Europe"
          error={errors.name}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugTouched) setSlug(suggestSlug(e.target.value));
          }}
        />
        <TextField
          label="Slug"
          inputRef={refs.slug}
          value={slug}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
          className="field--mono"
          placeholder="acme-eu"
          maxLength={SLUG_MAX + 20}
          hint="Unique. 2–100 lowercase letters, digits and hyphens, starting and ending with a letter or digit."
          error={errors.slug}
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.target.value);
          }}
        />
        <TextAreaField
          label="Description (optional)"
          textareaRef={refs.description}
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
