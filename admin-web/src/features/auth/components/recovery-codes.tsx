import { useId, useState, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/features/service-apps/components/copy-button';

/**
 * RecoveryCodes shows recovery codes once (after an enrolment or when new
 * ones are made), with a copy button, until the admin says they are stored.
 */
export function RecoveryCodes({ codes, intro, onDone }: { codes: string[]; intro?: ReactNode; onDone: () => void }) {
  const [stored, setStored] = useState(false);
  const codesId = useId();
  const text = codes.join('\n');
  return (
    <div className="stack">
      {intro}
      <Alert tone="warning" title="Store your recovery codes: you will not see them again.">
        Each one signs you in once if you lose your phone.
      </Alert>
      <pre id={codesId} className="secret recovery-codes" data-secret="recovery-codes" aria-label="Recovery codes">
        {text}
      </pre>
      <CopyButton text={text} targetId={codesId} label="Copy codes" />
      <div className="checkbox">
        <input id={`${codesId}-ack`} type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} />
        <label htmlFor={`${codesId}-ack`}>I have stored these recovery codes somewhere safe.</label>
      </div>
      <div>
        <Button variant="primary" disabled={!stored} onClick={onDone}>
          Continue
        </Button>
      </div>
    </div>
  );
}
