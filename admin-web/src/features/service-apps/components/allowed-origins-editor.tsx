import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { ServiceApp } from '../api/schemas';
import { updateServiceApp } from '../api/update-service-app';
import { MAX_ORIGINS, originProblem } from '../validation';
import { DraftListEditor, type EntryProps } from './draft-list-editor';

/** AllowedOriginsEditor edits the list locally and saves it in one PATCH. */
export function AllowedOriginsEditor({ app, onSaved }: { app: ServiceApp; onSaved: (app: ServiceApp) => void }) {
  return (
    <DraftListEditor<string>
      saved={app.allowed_origins}
      keyOf={(o) => o}
      itemName={(o) => o}
      render={(o) => <span className="mono">{o}</span>}
      listLabel="Allowed origins"
      empty="No origins: browser frontends cannot use origin-based auth for this app."
      entry={(props) => <OriginEntry {...props} />}
      onSave={async (draft) => {
        const updated = await updateServiceApp(app.id, { allowed_origins: draft });
        onSaved(updated);
        return updated.allowed_origins;
      }}
      saveLabel="Save origins"
      savedMessage="Allowed origins saved."
    />
  );
}

function OriginEntry({ draft, add }: EntryProps<string>) {
  const [entry, setEntry] = useState('');
  const [entryError, setEntryError] = useState<string | null>(null);
  const inputId = useId();

  const submit = () => {
    const value = entry.trim();
    if (value === '') {
      setEntryError('Enter an origin, e.g. https://app.example.com.');
      return;
    }
    const problem = originProblem(value);
    if (problem) {
      setEntryError(problem);
      return;
    }
    if (draft.includes(value)) {
      setEntryError('This origin is already in the list.');
      return;
    }
    if (draft.length >= MAX_ORIGINS) {
      setEntryError(`At most ${MAX_ORIGINS} origins are allowed.`);
      return;
    }
    add(value);
    setEntry('');
    setEntryError(null);
  };

  return (
    <div className={['field', entryError ? 'field--invalid' : null].filter(Boolean).join(' ')}>
      <label htmlFor={inputId} className="field__label">
        Add an origin
      </label>
      <p id={`${inputId}-hint`} className="field__hint">
        Exact origin: scheme, host and optional port, nothing after it — e.g. https://app.example.com or
        http://localhost:3000. {draft.length}/{MAX_ORIGINS} used.
      </p>
      <div className="inline-form">
        <input
          id={inputId}
          className="input mono"
          value={entry}
          spellCheck={false}
          autoCapitalize="none"
          autoComplete="off"
          placeholder="https://app.example.com"
          aria-invalid={entryError ? true : undefined}
          aria-describedby={`${inputId}-hint${entryError ? ` ${inputId}-error` : ''}`}
          onChange={(e) => setEntry(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              submit();
            }
          }}
        />
        <Button onClick={submit}>Add</Button>
      </div>
      {entryError ? (
        <p id={`${inputId}-error`} className="field__error">
          {entryError}
        </p>
      ) : null}
    </div>
  );
}
