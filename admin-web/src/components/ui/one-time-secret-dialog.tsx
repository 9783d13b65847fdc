import { useId, useRef, useState, type ReactNode } from 'react';
import { CopyButton } from '@/features/service-apps/components/copy-button';
import { Alert } from './alert';
import { Button } from './button';
import { Dialog } from './dialog';

export type OneTimeSecretDialogProps = {
  title: string;
  /** The warning's title and text: why this cannot be shown again. */
  warningTitle: string;
  warning: ReactNode;
  /** What the secret is, e.g. "API key for docu-store". */
  label: ReactNode;
  secret: string;
  /** data-secret attribute of the secret's element (for tests and tools). */
  kind: string;
  copyLabel: string;
  hint?: ReactNode;
  /** The acknowledgement's wording, e.g. "I have copied this key …". */
  ackLabel: string;
  nudge: string;
  /** More notes under the secret. */
  children?: ReactNode;
  onClose: () => void;
};

/**
 * OneTimeSecretDialog shows a plaintext secret exactly once (an API key, a
 * temporary password). It cannot be closed (button, Escape) until the admin
 * confirms the secret is stored; the parent drops the secret from its state
 * in onClose, so it leaves the page with the panel.
 */
export function OneTimeSecretDialog(props: OneTimeSecretDialogProps) {
  const { title, warningTitle, warning, label, secret, kind, copyLabel, hint, ackLabel, nudge: nudgeText, children, onClose } = props;
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

  return (
    <Dialog
      title={title}
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
        <Alert tone="warning" title={warningTitle}>
          {warning}
        </Alert>

        <div className="secret-box">
          <p id={keyLabelId} className="field__label">
            {label}
          </p>
          <div className="secret-box__row">
            <code id={keyId} className="secret" aria-labelledby={keyLabelId} data-secret={kind}>
              {secret}
            </code>
            <CopyButton text={secret} targetId={keyId} label={copyLabel} />
          </div>
          {hint ? <p className="field__hint">{hint}</p> : null}
        </div>

        {children}

        <div className={['checkbox', nudge && !acknowledged ? 'checkbox--attention' : null].filter(Boolean).join(' ')}>
          <input
            id={`${keyId}-ack`}
            ref={ackRef}
            type="checkbox"
            checked={acknowledged}
            onChange={(e) => setAcknowledged(e.target.checked)}
          />
          <label htmlFor={`${keyId}-ack`}>{ackLabel}</label>
        </div>
        {nudge && !acknowledged ? (
          <p id={nudgeId} className="field__error" role="alert">
            {nudgeText}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}
