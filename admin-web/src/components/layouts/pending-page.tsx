import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import type { ApiError } from '@/lib/api-client';

/**
 * PendingPage is a detail page while its record is not there: a spinner
 * while it loads; once it failed, "does not exist" with a way back for a
 * 404, else the error with a retry.
 */
export function PendingPage({
  breadcrumb,
  query,
  noun,
  missingNoun = noun,
  notFound,
  onRetry,
}: {
  breadcrumb: ReactNode;
  /** The page's query while it has no data: loading without an error. */
  query: { error: ApiError | null };
  /** What the page shows, e.g. "workspace". */
  noun: string;
  /** The noun of the "does not exist" title, when it reads better otherwise. */
  missingNoun?: string;
  /** Why it may be missing, and the way back. */
  notFound: ReactNode;
  onRetry: () => void;
}) {
  if (!query.error) {
    return (
      <div className="page">
        {breadcrumb}
        <div className="card card--center">
          <Spinner label={`Loading ${noun}`} />
        </div>
      </div>
    );
  }
  const missing = query.error.kind === 'not_found';
  return (
    <div className="page">
      {breadcrumb}
      <Alert
        tone="error"
        title={missing ? `This ${missingNoun} does not exist.` : `Could not load this ${noun}.`}
        action={missing ? undefined : <Button onClick={onRetry}>Try again</Button>}
      >
        {missing ? notFound : query.error.message}
      </Alert>
    </div>
  );
}
