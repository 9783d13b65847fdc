import { Fragment, useState, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ApiError, asApiError } from '@/lib/api-client';

/** What an entry form gets: the draft so far, and add to append to it. */
export type EntryProps<T> = { draft: T[]; add: (item: T) => void };

/**
 * DraftListEditor edits a list of a service app locally — entries added by
 * the entry form, removed one by one, each new one tagged "unsaved" — and
 * saves it in one call; a refusal (a 409 or 422) is shown in place.
 */
export function DraftListEditor<T>({
  saved,
  keyOf,
  render,
  itemName,
  listLabel,
  empty,
  entry,
  onSave,
  saveLabel,
  savedMessage,
}: {
  saved: T[];
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  /** Names an item for its Remove button ("Remove <name>"). */
  itemName: (item: T) => string;
  listLabel: string;
  empty: ReactNode;
  entry: (props: EntryProps<T>) => ReactNode;
  /** Saves the draft and answers the list as stored. */
  onSave: (draft: T[]) => Promise<T[]>;
  saveLabel: string;
  savedMessage: string;
}) {
  const [draft, setDraft] = useState<T[]>(saved);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [justSaved, setJustSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // Discarding remounts the entry form, clearing what it holds.
  const [entryKey, setEntryKey] = useState(0);

  const savedKeys = saved.map(keyOf);
  const dirty = draft.length !== saved.length || draft.some((item, i) => keyOf(item) !== savedKeys[i]);

  const save = async () => {
    setBusy(true);
    setSaveError(null);
    setJustSaved(false);
    try {
      setDraft(await onSave(draft));
      setJustSaved(true);
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
        <p className="muted">{empty}</p>
      ) : (
        <ul className="origin-list" aria-label={listLabel}>
          {draft.map((item) => (
            <li key={keyOf(item)} className="origin-list__item">
              {render(item)}
              {!savedKeys.includes(keyOf(item)) ? <span className="tag">unsaved</span> : null}
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${itemName(item)}`}
                onClick={() => {
                  setDraft(draft.filter((other) => keyOf(other) !== keyOf(item)));
                  setJustSaved(false);
                }}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}

      <Fragment key={entryKey}>
        {entry({
          draft,
          add: (item) => {
            setDraft([...draft, item]);
            setJustSaved(false);
          },
        })}
      </Fragment>

      {saveError ? <Alert tone="error">{saveError}</Alert> : null}
      {justSaved && !dirty ? <Alert tone="success">{savedMessage}</Alert> : null}
      <div className="actions">
        <Button variant="primary" onClick={save} busy={busy} disabled={!dirty}>
          {saveLabel}
        </Button>
        {dirty ? (
          <Button
            variant="ghost"
            disabled={busy}
            onClick={() => {
              setDraft(saved);
              setSaveError(null);
              setEntryKey((k) => k + 1);
            }}
          >
            Discard changes
          </Button>
        ) : null}
      </div>
    </div>
  );
}
