import { Alert } from '@/components/ui/alert';
import { OneTimeSecretDialog } from '@/components/ui/one-time-secret-dialog';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { OneTimeKey } from '../api/schemas';

/**
 * OneTimeKeyDialog shows a plaintext key exactly once. It cannot be closed
 * (button, Escape) until the admin confirms the key is stored; the parent
 * drops the key from its state in onClose, so it leaves the page with the panel.
 */
export function OneTimeKeyDialog({ secret, mode, onClose }: { secret: OneTimeKey; mode: 'created' | 'rotated'; onClose: () => void }) {
  const { app } = secret;
  return (
    <OneTimeSecretDialog
      title={mode === 'created' ? 'Service app created: copy its API key' : 'Key regenerated: copy the new API key'}
      warningTitle="You will not see this key again."
      warning="Sentinel keeps only a hash of it. Copy it now and store it in your secret manager; if it is lost, regenerate the key."
      label={
        <>
          API key for <span className="mono">{app.service_name}</span>
        </>
      }
      secret={secret.apiKey}
      kind="api-key"
      copyLabel="Copy key"
      hint={
        <>
          Send it as the <span className="mono">X-Service-Key</span> header from your backend. Never put it in browser code.
        </>
      }
      ackLabel="I have copied this key and stored it somewhere safe."
      nudge="Confirm that you have stored the key before closing: it cannot be shown again."
      onClose={onClose}
    >
      {mode === 'rotated' ? <PreviousKeyNote expiresAt={secret.previousKeyExpiresAt ?? null} /> : null}
    </OneTimeSecretDialog>
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
