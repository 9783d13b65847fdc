import { useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/field';
import { ApiError, asApiError } from '@/lib/api-client';
import { createServiceApp } from '../api/create-service-app';
import type { OneTimeKey } from '../api/schemas';
import { fieldForError } from '../errors';
import { allowedOriginsSchema, firstError, MAX_ORIGINS, nameSchema, parseOriginsText, serviceNameSchema } from '../validation';

type Errors = { name?: string | null; service_name?: string | null; allowed_origins?: string | null };

/** suggestServiceName turns "Docu Store" into "docu-store". */
export function suggestServiceName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 255)
    .replace(/-+$/, '');
}

export function CreateServiceAppDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (secret: OneTimeKey) => void }) {
  const [name, setName] = useState('');
  const [serviceName, setServiceName] = useState('');
  const [serviceNameTouched, setServiceNameTouched] = useState(false);
  const [originsText, setOriginsText] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const serviceNameRef = useRef<HTMLInputElement>(null);
  const originsRef = useRef<HTMLTextAreaElement>(null);

  const focusField = (field: keyof Errors) => {
    const el = { name: nameRef, service_name: serviceNameRef, allowed_origins: originsRef }[field].current;
    el?.focus();
  };

  const submit = async () => {
    if (busy) return;
    const origins = parseOriginsText(originsText);
    const next: Errors = {
      name: firstError(nameSchema, name),
      service_name: firstError(serviceNameSchema, serviceName),
      allowed_origins: firstError(allowedOriginsSchema, origins),
    };
    setErrors(next);
    setFormError(null);
    const firstInvalid = (['name', 'service_name', 'allowed_origins'] as const).find((f) => next[f]);
    if (firstInvalid) {
      focusField(firstInvalid);
      return;
    }
    setBusy(true);
    try {
      const secret = await createServiceApp({ name: name.trim(), service_name: serviceName.trim(), allowed_origins: origins });
      onCreated(secret);
    } catch (err) {
      const error = asApiError(err);
      if (error instanceof ApiError && error.kind === 'unauthorized') return; // the session guard takes over
      const field = fieldForError(error, ['name', 'service_name', 'allowed_origins']);
      if (field && field !== 'grace_period_seconds') {
        const message =
          error.kind === 'conflict' && field === 'service_name'
            ? 'Another service app already uses this service name. Service names are unique.'
            : error.message;
        setErrors((e) => ({ ...e, [field]: message }));
        focusField(field);
      } else {
        setFormError(error.message);
      }
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Create service app"
      description="Register a backend service that calls Sentinel. Its API key is shown once, right after you create it."
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      initialFocusRef={nameRef}
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
          label="Display name"
          inputRef={nameRef}
          value={name}
          autoComplete="off"
          maxLength={300}
          placeholder="Document store"
          error={errors.name}
          onChange={(e) => {
            setName(e.target.value);
            if (!serviceNameTouched) setServiceName(suggestServiceName(e.target.value));
          }}
        />
        <TextField
          label="Service name"
          inputRef={serviceNameRef}
          value={serviceName}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
          className="field--mono"
          placeholder="docu-store"
          hint="Unique and permanent. Lowercase letters, digits and hyphens, e.g. docu-store. It scopes the app's permissions and roles."
          error={errors.service_name}
          onChange={(e) => {
            setServiceNameTouched(true);
            setServiceName(e.target.value);
          }}
        />
        <TextAreaField
          label="Allowed origins (optional)"
          textareaRef={originsRef}
          value={originsText}
          rows={3}
          spellCheck={false}
          autoCapitalize="none"
          className="field--mono"
          placeholder="https://app.example.com"
          hint={`Browser frontends allowed to call /authz/resolve. One exact origin per line, e.g. https://app.example.com or http://localhost:3000 (at most ${MAX_ORIGINS}).`}
          error={errors.allowed_origins}
          onChange={(e) => setOriginsText(e.target.value)}
        />
      </div>
    </Dialog>
  );
}
