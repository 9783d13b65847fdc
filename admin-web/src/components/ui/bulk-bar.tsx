import type { RowSelectionState } from '@tanstack/react-table';
import { useState, type ReactNode } from 'react';
import { bulkSummary, runBulk, selectionUnder, type BulkResult, type FilteredSelection } from '@/lib/bulk';
import { compareValues } from '@/lib/list-view';
import { Alert } from './alert';
import { Button } from './button';
import { ConfirmDialog } from './confirm-dialog';

const LISTED = 10;

/** What a bulk action did: its summary and the rows that failed, by name, with why. */
export type BulkReport = { summary: string; failed: { name: string; message: string }[] };

/**
 * useFilteredSelection: a list's row selection, cleared when its search or
 * filter (filter) changes, as AWS console tables do: the bulk bar then only
 * ever counts and acts on rows the admin can see.
 */
export function useFilteredSelection(filter: string): [RowSelectionState, (selected: RowSelectionState) => void] {
  const [state, setState] = useState<FilteredSelection>({ filter, selected: {} });
  // A new filter starts a new, empty selection (going back to the old filter does not bring it back).
  if (state.filter !== filter) setState({ filter, selected: {} });
  return [selectionUnder(state, filter), (selected) => setState({ filter, selected })];
}

/**
 * BulkReportAlert shows a bulk action's report until dismissed (or the next
 * action's replaces it). Its state belongs to the page, above the list: the
 * report stays when the action emptied the list (every member removed).
 */
export function BulkReportAlert({ report, onDismiss }: { report: BulkReport | null; onDismiss: () => void }) {
  if (!report) return null;
  return (
    <Alert
      tone={report.failed.length ? 'error' : 'success'}
      action={
        <Button size="sm" variant="ghost" onClick={onDismiss}>
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
  );
}

/**
 * BulkBar acts on the selected rows: it shows how many are selected, asks
 * first (naming them), runs the action row by row and hands the report
 * (which failed and why) to onReport, for a BulkReportAlert; onDone then
 * refreshes the list and keeps the failed rows selected.
 */
export function BulkBar<T>({
  selected,
  noun,
  label,
  action,
  past,
  explain,
  run,
  onReport,
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
  onReport: (report: BulkReport) => void;
  onDone: (result: BulkResult<T>) => void;
  onClear: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const n = selected.length;
  const count = `${n} ${n === 1 ? noun.one : noun.many}`;
  // Named in alphabetical order, whatever order the table is sorted in.
  const listed = selected.map(label).sort(compareValues).slice(0, LISTED);

  return (
    <>
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
            onReport({
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
