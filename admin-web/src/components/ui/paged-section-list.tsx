import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import type { PagedList } from '@/lib/paging';

/**
 * PagedSectionList renders a page section's list (from usePagedList): a
 * spinner while it loads, the error with a retry, the empty text, or the
 * items with "Load more <noun>" while pages remain.
 */
export function PagedSectionList<T>({
  list,
  noun,
  errorTitle,
  empty,
  children,
}: {
  list: { state: PagedList<T>; loadMore: () => void; reload: () => void };
  /** Plural, e.g. "members". */
  noun: string;
  errorTitle: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const { state } = list;
  if (state.status === 'loading') return <Spinner label={`Loading ${noun}`} />;
  if (state.status === 'error') {
    return (
      <Alert tone="error" title={errorTitle} action={<Button onClick={list.reload}>Try again</Button>}>
        {state.error.message}
      </Alert>
    );
  }
  return (
    <>
      {state.items.length === 0 ? <p className="muted">{empty}</p> : children(state.items)}
      {state.nextCursor ? (
        <div className="load-more">
          <Button size="sm" busy={state.loadingMore} onClick={list.loadMore}>
            Load more {noun}
          </Button>
        </div>
      ) : null}
    </>
  );
}
