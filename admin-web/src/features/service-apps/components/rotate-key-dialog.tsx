import { useId, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { ApiError, asApiError } from '@/lib/api-client';
import { formatDuration } from '@/lib/format';
import { rotateKey } from '../api/rotate-key';
import type { OneTimeKey, ServiceApp } from '../api/schemas';
import { GRACE_MAX_SECONDS, gracePeriodSchema } from '../validation';

type Choice = 'none' | '1h' | '24h' | '7d' | 'custom';
type Unit = 'minutes' | 'hours' | 'days';

const PRESETS: { value: Exclude<Choice, 'custom'>; label: string; seconds: number }[] = [
  { value: 'none', label: 'No grace period', seconds: 0 },
  { value: '1h', label: '1 hour', seconds: 3600 },
  { value: '24h', label: '24 hours', seconds: 86_400 },
  { value: '7d', label: '7 days', seconds: GRACE_MAX_SECONDS },
];

const UNIT_SECONDS: Record<Unit, number> = { minutes: 60, hours: 3600, days: 86_400 };

/** customSeconds converts the custom amount to seconds, or explains what is wrong. */
export function customSeconds(amount: string, unit: Unit): { seconds: number } | { error: string } {
  const trimmed = amount.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return { error: 'Enter a number, e.g. 30.' };
  const seconds = Math.round(Number(trimmed) * UNIT_SECONDS[unit]);
  const r = gracePeriodSchema.safeParse(seconds);
  if (!r.success) return { error: r.error.issues[0]?.message ?? 'Not valid.' };
  return { seconds };
}

export function RotateKeyDialog({
  app,
  onClose,
  onRotated,
}: {
  app: ServiceApp;
  onClose: () => void;
  onRotated: (secret: OneTimeKey) => void;
}) {
  const [choice, setChoice] = useState<Choice>('none');
  const [amount, setAmount] = useState('2');
  const [unit, setUnit] = useState<Unit>('hours');
  const [customError, setCustomError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);
  const groupId = useId();
  const amountId = useId();
  const unitId = useId();

  const current = app.keys[0]?.key_prefix ?? app.key_prefix;
  const previous = app.keys[1];

  const grace = (): { seconds: number } | { error: string } => {
    if (choice === 'custom') return customSeconds(amount, unit);
    return { seconds: PRESETS.find((p) => p.value === choice)?.seconds ?? 0 };
  };
  const preview = grace();

  const submit = async () => {
    if (busy) return;
    const g = grace();
    if ('error' in g) {
      setCustomError(g.error);
      amountRef.current?.focus();
      return;
    }
    setCustomError(null);
    setFormError(null);
    setBusy(true);
    try {
      onRotated(await rotateKey(app.id, { grace_period_seconds: g.seconds }));
    } catch (err) {
      const error = asApiError(err);
      if (error instanceof ApiError && error.kind === 'unauthorized') return;
      setFormError(error.message);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Regenerate API key"
      description={
        <>
          A new key is created for <span className="mono">{app.service_name}</span> and shown once. Choose how long the
          current key <span className="mono">{current}…</span> keeps working so you can deploy the new one without
          downtime.
        </>
      }
      onClose={() => !busy && onClose()}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            Regenerate key
          </Button>
        </>
      }
    >
      <div className="stack">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <fieldset className="fieldset" aria-describedby={`${groupId}-summary`}>
          <legend className="field__label">Grace period for the current key</legend>
          <div className="radio-list">
            {PRESETS.map((p) => (
              <label key={p.value} className="radio">
                <input
                  type="radio"
                  name={groupId}
                  value={p.value}
                  checked={choice === p.value}
                  onChange={() => setChoice(p.value)}
                />
                <span>{p.value === 'none' ? 'None — the current key stops working immediately' : p.label}</span>
              </label>
            ))}
            <label className="radio">
              <input type="radio" name={groupId} value="custom" checked={choice === 'custom'} onChange={() => setChoice('custom')} />
              <span>Custom</span>
            </label>
          </div>
          {choice === 'custom' ? (
            <div className={['custom-grace', customError ? 'field--invalid' : null].filter(Boolean).join(' ')}>
              <label htmlFor={amountId} className="visually-hidden">
                Custom grace period amount
              </label>
              <input
                id={amountId}
                ref={amountRef}
                className="input input--narrow"
                inputMode="numeric"
                value={amount}
                aria-invalid={customError ? true : undefined}
                aria-describedby={customError ? `${amountId}-error` : undefined}
                onChange={(e) => setAmount(e.target.value)}
              />
              <label htmlFor={unitId} className="visually-hidden">
                Custom grace period unit
              </label>
              <select id={unitId} className="input input--select" value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
                <option value="minutes">minutes</option>
                <option value="hours">hours</option>
                <option value="days">days</option>
              </select>
              <span className="field__hint">up to 7 days</span>
              {customError ? (
                <p id={`${amountId}-error`} className="field__error">
                  {customError}
                </p>
              ) : null}
            </div>
          ) : null}
        </fieldset>
        <p id={`${groupId}-summary`} className="summary">
          {'error' in preview
            ? 'Enter a valid grace period.'
            : preview.seconds === 0
              ? `The current key ${current}… stops working as soon as you regenerate. Backends still using it get 401.`
              : `The current key ${current}… keeps working for ${formatDuration(preview.seconds)}, then stops by itself.`}
        </p>
        {previous ? (
          <Alert tone="warning">
            The older key <span className="mono">{previous.key_prefix}…</span> is still in its grace period. An app has at
            most two keys, so it stops working when you regenerate.
          </Alert>
        ) : null}
      </div>
    </Dialog>
  );
}
