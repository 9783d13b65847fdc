import { useId, type ReactNode } from 'react';
import { CopyButton } from '@/features/service-apps/components/copy-button';
import { shortId } from '@/lib/list-view';

/**
 * ShortId shows a long id by its first characters (the whole id in its
 * title) with a button that copies the whole id; render wraps the short
 * text (e.g. in a link). The whole id is in the page, hidden, for the
 * copy's fallback selection when the browser refuses the clipboard.
 */
export function ShortId({ id, what, render }: { id: string; /** e.g. "resource id" */ what: string; render?: (short: string) => ReactNode }) {
  const targetId = useId();
  const short = shortId(id);
  return (
    <span className="short-id">
      <span className="mono short-id__text" title={id}>
        {render ? render(short) : short}
      </span>
      <span id={targetId} className="visually-hidden" aria-hidden="true">
        {id}
      </span>
      <CopyButton compact text={id} targetId={targetId} what={what} ariaLabel={`Copy ${what} ${id}`} />
    </span>
  );
}
