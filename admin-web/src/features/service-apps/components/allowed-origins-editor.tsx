import { useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import { asApiError } from '@/lib/use-resource';
import type { ServiceApp } from '../api/schemas';
import { updateServiceApp } from '../api/update-service-app';
import { MAX_ORIGINS, originProblem } from '../validation';

/** AllowedOriginsEditor edits the list locally and saves it in one PATCH. */
export function AllowedOriginsEditor({ app, onSaved }: { app: ServiceApp; onSaved: (app: ServiceApp) => void }) {
  const [draft, setDraft] = useState<string[]>(app.allowed_origins);
  const [entry, setEntry] = useState('');
  const [entryError, setEntryError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const inputId = useId();

  const dirty = draft.length !== app.allowed_origins.length || draft.some((o, i) => o !== app.allowed_origins[i]);

  const add = () => {
    const value = entry.trim();
    setSaved(false);
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
    setDraft([...draft, value]);
    setEntry('');
    setEntryError(null);
  };

  const save = async () => {
    setBusy(true);
    setSaveError(null);
    setSaved(false);
    try {
      const updated = await updateServiceApp(app.id, { allowed_origins: draft });
      setDraft(updated.allowed_origins);
      setSaved(true);
      onSaved(updated);
    } catch (err) {
      const e = asApiError(err);
      if (!(e instanceof ApiError && e.kind === 'unauthorized')) setSaveError(e.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      {draft.length === 0 ? (
        <p className="muted">No origins: browser frontends cannot use origin-based auth for this app.</p>
      ) : (
        <ul className="origin-list" aria-label="Allowed origins">
          {draft.map((origin) => (
            <li key={origin} className="origin-list__item">
              <span className="mono">{origin}</span>
              {!app.allowed_origins.includes(origin) ? <span className="tag">unsaved</span> : null}
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${origin}`}
                onClick={() => {
                  setDraft(draft.filter((o) => o !== origin));
                  setSaved(false);
                }}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}

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
                add();
              }
            }}
          />
          <Button onClick={add}>Add</Button>
        </div>
        {entryError ? (
          <p id={`${inputId}-error`} className="field__error">
            {entryError}
          </p>
        ) : null}
      </div>

      {saveError ? <Alert tone="error">{saveError}</Alert> : null}
      {saved && !dirty ? <Alert tone="success">Allowed origins saved.</Alert> : null}
      <div className="actions">
        <Button variant="primary" onClick={save} busy={busy} disabled={!dirty}>
          Save origins
        </Button>
        {dirty ? (
          <Button
            variant="ghost"
            disabled={busy}
            onClick={() => {
              setDraft(app.allowed_origins);
              setEntryError(null);
              setSaveError(null);
            }}
          >
            Discard changes
          </Button>
        ) : null}
      </div>
    </div>
  );
}
