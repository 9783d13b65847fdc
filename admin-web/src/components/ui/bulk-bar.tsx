import { useState, type ReactNode } from 'react';
import { bulkSummary, runBulk, type BulkResult } from '@/lib/bulk';
import { compareValues } from '@/lib/list-view';
import { Alert } from './alert';
import { Button } from './button';
import { ConfirmDialog } from './confirm-dialog';

const LISTED = 10;

/**
 * BulkBar acts on the selected rows: it shows how many are selected, asks
 * first (naming them), runs the action row by row and reports which failed
 * and why; onDone then refreshes the list and keeps the failed rows selected.
 */
export function BulkBar<T>({
  selected,
  noun,
  label,
  action,
  past,
  explain,
  run,
  onDone,
  onClear,
}: {
  selected: T[];
  noun: { one: string; many: string };
  /** Names a row in the confirmation and the report. */
  label: (row: T) => string;
  /** The button's verb, e.g. "Deactivate". */
  action: string;
  /** e.g. "deactivated". */
  past: string;
  explain: ReactNode;
  run: (row: T) => Promise<unknown>;
  onDone: (result: BulkResult<T>) => void;
  onClear: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [report, setReport] = useState<{ summary: string; failed: { name: string; message: string }[] } | null>(null);
  const n = selected.length;
  const count = `${n} ${n === 1 ? noun.one : noun.many}`;
  // Named in alphabetical order, whatever order the table is sorted in.
  const listed = selected.map(label).sort(compareValues).slice(0, LISTED);

  return (
    <>
      {report ? (
        <Alert
          tone={report.failed.length ? 'error' : 'success'}
          action={
            <Button size="sm" variant="ghost" onClick={() => setReport(null)}>
              Dismiss
            </Button>
          }
        >
          {report.summary}
          {report.failed.length ? (
            <ul className="bulk-failures">
              {report.failed.map((f) => (
                <li key={f.name}>
                  {f.name}: {f.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {n > 0 ? (
        <div className="bulk-bar" role="region" aria-label={`Selected ${noun.many}`}>
          <span className="strong">{n} selected</span>
          <Button size="sm" variant="danger" onClick={() => setConfirming(true)}>
            {action} {count}…
          </Button>
          <Button size="sm" variant="ghost" onClick={onClear}>
            Clear selection
          </Button>
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`${action} ${count}?`}
          confirmLabel={`${action} ${count}`}
          tone="danger"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const result = await runBulk(selected, run);
            setConfirming(false);
            setReport({
              summary: bulkSummary(result, noun, past),
              failed: result.failed.map((f) => ({ name: label(f.item), message: f.error.message })),
            });
            onDone(result);
          }}
        >
          <p>{explain}</p>
          <ul className="bulk-list">
            {listed.map((name) => (
              <li key={name}>{name}</li>
            ))}
            {n > LISTED ? <li className="muted">and {n - LISTED} more</li> : null}
          </ul>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
