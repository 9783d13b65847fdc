import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ServiceApp } from '../api/schemas';
import { updateServiceApp } from '../api/update-service-app';
import {
  clientIdEntries,
  clientIdProblem,
  clientIdRecord,
  MAX_CLIENT_IDS,
  PRESET_PROVIDERS,
  providerProblem,
  type ClientIdEntry,
} from '../validation';
import { DraftListEditor, type EntryProps } from './draft-list-editor';

const entryKey = (e: ClientIdEntry) => `${e.provider}#${e.clientId}`;

/**
 * ClientIdsEditor edits the OIDC client ids of the app's frontends, per
 * identity provider, and saves them in one PATCH (a client id another app
 * lists is refused there, and shown in place).
 */
export function ClientIdsEditor({ app, onSaved }: { app: ServiceApp; onSaved: (app: ServiceApp) => void }) {
  return (
    <DraftListEditor<ClientIdEntry>
      saved={clientIdEntries(app.idp_client_ids)}
      keyOf={entryKey}
      itemName={(e) => `${e.clientId} (${e.provider})`}
      render={(e) => (
        <>
          <span className="badge badge--neutral">{e.provider}</span>
          <span className="mono">{e.clientId}</span>
        </>
      )}
      listLabel="Client ids"
      empty="No client ids: any ID token for the deployment’s audience resolves for this app, unless another app lists its client id."
      entry={(props) => <ClientIdEntryForm {...props} />}
      onSave={async (draft) => {
        const updated = await updateServiceApp(app.id, { idp_client_ids: clientIdRecord(draft) });
        onSaved(updated);
        return clientIdEntries(updated.idp_client_ids);
      }}
      saveLabel="Save client ids"
      savedMessage="Client ids saved."
    />
  );
}

function ClientIdEntryForm({ draft, add }: EntryProps<ClientIdEntry>) {
  const [provider, setProvider] = useState('');
  const [clientId, setClientId] = useState('');
  const [providerError, setProviderError] = useState<string | null>(null);
  const [clientIdError, setClientIdError] = useState<string | null>(null);
  const listId = useId();
  const hintId = useId();
  const known = [...new Set([...PRESET_PROVIDERS, ...draft.map((e) => e.provider)])].sort();

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const entry = { provider: provider.trim(), clientId: clientId.trim() };
    const pProblem = providerProblem(entry.provider);
    let cProblem = clientIdProblem(entry.clientId);
    if (!cProblem && draft.some((d) => entryKey(d) === entryKey(entry))) cProblem = 'This client id is already in the list.';
    if (!cProblem && draft.length >= MAX_CLIENT_IDS) cProblem = `At most ${MAX_CLIENT_IDS} client ids are allowed.`;
    setProviderError(pProblem);
    setClientIdError(cProblem);
    if (pProblem || cProblem) return;
    add(entry);
    setClientId('');
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-describedby={hintId}>
      <p id={hintId} className="field__hint">
        Add the OAuth client id a frontend signs users in with, under the provider’s name as this deployment configures it
        (e.g. google, entra_id). {draft.length}/{MAX_CLIENT_IDS} used.
      </p>
      <div className="inline-form inline-form--field client-id-entry">
        <TextField
          label="Provider"
          className="client-id-entry__provider"
          value={provider}
          error={providerError}
          list={listId}
          spellCheck={false}
          autoCapitalize="none"
          autoComplete="off"
          placeholder="google"
          onChange={(e) => setProvider(e.target.value)}
        />
        <datalist id={listId}>
          {known.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <TextField
          label="Client id"
          value={clientId}
          error={clientIdError}
          spellCheck={false}
          autoCapitalize="none"
          autoComplete="off"
          placeholder="1234-abc.apps.googleusercontent.com"
          onChange={(e) => setClientId(e.target.value)}
        />
        <Button type="submit">Add client id</Button>
      </div>
    </form>
  );
}
