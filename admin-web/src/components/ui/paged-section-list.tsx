import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import type { CursorListView } from '@/lib/query';

/**
 * PagedSectionList renders a page section's list (from useCursorList): a
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
  list: CursorListView<T>;
  /** Plural, e.g. "members". */
  noun: string;
  errorTitle: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const { query, items } = list;
  if (query.isPending) return <Spinner label={`Loading ${noun}`} />;
  if (query.isError && !query.isFetchNextPageError) {
    return (
      <Alert tone="error" title={errorTitle} action={<Button onClick={() => void query.refetch()}>Try again</Button>}>
        {query.error.message}
      </Alert>
    );
  }
  return (
    <>
      {items.length === 0 ? <p className="muted">{empty}</p> : children(items)}
      <LoadMore list={list} label={`Load more ${noun}`} />
    </>
  );
}

/** LoadMore: the next page's button while pages remain, and its error. */
export function LoadMore<T>({ list, label = 'Load more' }: { list: CursorListView<T>; label?: string }) {
  const { query } = list;
  if (!query.hasNextPage && !query.isFetchNextPageError) return null;
  return (
    <div className="load-more">
      {query.isFetchNextPageError ? <Alert tone="error">{query.error?.message}</Alert> : null}
      {query.hasNextPage ? (
        <Button size="sm" busy={query.isFetchingNextPage} onClick={list.loadMore}>
          {label}
        </Button>
      ) : null}
    </div>
  );
}
