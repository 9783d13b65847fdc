import type { ReactNode } from 'react';
import type { Sort } from '@/lib/list-view';

/**
 * SortHeader is a column header whose button sorts by that column; the
 * header carries aria-sort so screen readers announce the order.
 */
export function SortHeader<K extends string>({
  column,
  sort,
  onSort,
  className,
  children,
}: {
  column: K;
  sort: Sort<K>;
  onSort: (column: K) => void;
  className?: string;
  children: ReactNode;
}) {
  const active = sort.key === column;
  return (
    <th scope="col" className={className} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {children}
        <span className={active ? 'sort-button__arrow sort-button__arrow--active' : 'sort-button__arrow'} aria-hidden="true">
          {active && sort.dir === 'desc' ? '↓' : '↑'}
        </span>
      </button>
    </th>
  );
}
