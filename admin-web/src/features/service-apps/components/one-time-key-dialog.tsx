import { useId, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { OneTimeKey } from '../api/schemas';
import { CopyButton } from './copy-button';

/**
 * OneTimeKeyDialog shows a plaintext key exactly once. It cannot be closed
 * (button, Escape) until the admin confirms the key is stored; the parent
 * drops the key from its state in onClose, so it leaves the page with the panel.
 */
export function OneTimeKeyDialog({ secret, mode, onClose }: { secret: OneTimeKey; mode: 'created' | 'rotated'; onClose: () => void }) {
  const [acknowledged, setAcknowledged] = useState(false);
  const [nudge, setNudge] = useState(false);
  const ackRef = useRef<HTMLInputElement>(null);
  const keyId = useId();
  const keyLabelId = useId();
  const nudgeId = useId();

  const tryClose = () => {
    if (acknowledged) {
      onClose();
      return;
    }
    setNudge(true);
    ackRef.current?.focus();
  };

  const { app } = secret;
  return (
    <Dialog
      title={mode === 'created' ? 'Service app created: copy its API key' : 'Key regenerated: copy the new API key'}
      size="lg"
      canClose={acknowledged}
      onClose={onClose}
      onBlockedClose={tryClose}
      footer={
        <Button
          variant="primary"
          onClick={tryClose}
          aria-describedby={nudge && !acknowledged ? nudgeId : undefined}
          className={acknowledged ? undefined : 'btn--looks-disabled'}
        >
          Done
        </Button>
      }
    >
      <div className="stack">
        <Alert tone="warning" title="You will not see this key again.">
          Sentinel keeps only a hash of it. Copy it now and store it in your secret manager; if it is lost, regenerate
          the key.
        </Alert>

        <div className="secret-box">
          <p id={keyLabelId} className="field__label">
            API key for <span className="mono">{app.service_name}</span>
          </p>
          <div className="secret-box__row">
            <code id={keyId} className="secret" aria-labelledby={keyLabelId} data-secret="api-key">
              {secret.apiKey}
            </code>
            <CopyButton text={secret.apiKey} targetId={keyId} label="Copy key" />
          </div>
          <p className="field__hint">
            Send it as the <span className="mono">X-Service-Key</span> header from your backend. Never put it in browser
            code.
          </p>
        </div>

        {mode === 'rotated' ? <PreviousKeyNote expiresAt={secret.previousKeyExpiresAt ?? null} /> : null}

        <div className={['checkbox', nudge && !acknowledged ? 'checkbox--attention' : null].filter(Boolean).join(' ')}>
          <input
            id={`${keyId}-ack`}
            ref={ackRef}
            type="checkbox"
            checked={acknowledged}
            onChange={(e) => setAcknowledged(e.target.checked)}
          />
          <label htmlFor={`${keyId}-ack`}>I have copied this key and stored it somewhere safe.</label>
        </div>
        {nudge && !acknowledged ? (
          <p id={nudgeId} className="field__error" role="alert">
            Confirm that you have stored the key before closing: it cannot be shown again.
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}

function PreviousKeyNote({ expiresAt }: { expiresAt: string | null }) {
  if (!expiresAt) {
    return (
      <Alert tone="info" title="The previous key has stopped working.">
        Backends still sending it now get 401 until they use the new key.
      </Alert>
    );
  }
  return (
    <Alert tone="info" title={`The previous key keeps working until ${formatDateTime(expiresAt)} (${formatRelative(expiresAt)}).`}>
      Deploy the new key to every backend before then. You can end the grace period early from the app's page.
    </Alert>
  );
}
