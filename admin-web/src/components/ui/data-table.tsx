import {
  createSortedRowModel,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type Row,
  type RowSelectionState,
  type SortingState,
} from '@tanstack/react-table';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { compareValues } from '@/lib/list-view';

// TanStack Table keeps each table's sorting and row selection; the markup
// (captions, data-label cells for phones, aria-sort, checkbox labels) is ours.

const features = tableFeatures({
  rowSortingFeature,
  rowSelectionFeature,
  sortedRowModel: createSortedRowModel(),
});

export type SortValue = string | number | null | undefined;

export type Column<T> = {
  id: string;
  header: ReactNode;
  /** The cell's label on phones (stacked rows); the first column goes without. */
  label?: string;
  cell: (row: T) => ReactNode;
  /** Makes the column sortable, by this value (text case-insensitively, numbers by value, empty last). */
  sortValue?: (row: T) => SortValue;
  /** The first click sorts descending (newest first for dates). */
  descFirst?: boolean;
  className?: string;
  headerClassName?: string;
};

export type Selection<T> = {
  selected: RowSelectionState;
  onChange: (next: RowSelectionState) => void;
  /** Names the row for its checkbox ("Select ada@example.com"). */
  label: (row: T) => string;
  /** Rows that cannot be selected (e.g. the admin's own account). */
  canSelect?: (row: T) => boolean;
};

/**
 * DataTable renders rows with sortable column headers (aria-sort, one
 * column at a time, ascending then descending) and, with selection, a
 * checkbox per row and one for all the rows shown. Sorting orders the rows
 * it is given: for a list the server pages (partial), a note says the
 * order covers the loaded rows only.
 */
export function DataTable<T extends object>({
  caption,
  rows,
  columns,
  rowId,
  initialSort,
  selection,
  partial = false,
  className = 'table',
}: {
  caption: string;
  rows: T[];
  columns: Column<T>[];
  rowId: (row: T) => string;
  initialSort?: { id: string; desc?: boolean } | undefined;
  selection?: Selection<T>;
  /** More pages exist on the server than rows here. */
  partial?: boolean;
  className?: string;
}) {
  const [sorting, setSorting] = useState<SortingState>(initialSort ? [{ id: initialSort.id, desc: initialSort.desc ?? false }] : []);
  const byId = new Map(columns.map((c) => [c.id, c]));
  const table = useTable({
    features,
    data: rows,
    columns: columns.map((c): ColumnDef<typeof features, T> => ({
      id: c.id,
      accessorFn: (row: T) => emptyAsUndefined(c.sortValue?.(row)),
      enableSorting: Boolean(c.sortValue),
      sortDescFirst: Boolean(c.descFirst),
      sortUndefined: 'last' as const,
      sortFn: (a: Row<typeof features, T>, b: Row<typeof features, T>, id: string) => compareValues(a.getValue<SortValue>(id), b.getValue<SortValue>(id)),
    })),
    getRowId: (row) => rowId(row),
    state: { sorting, rowSelection: selection?.selected ?? {} },
    onSortingChange: setSorting,
    onRowSelectionChange: (updater) => {
      if (!selection) return;
      selection.onChange(typeof updater === 'function' ? updater(selection.selected) : updater);
    },
    enableSortingRemoval: false,
    enableMultiSort: false,
    enableRowSelection: selection ? (row) => selection.canSelect?.(row.original) ?? true : false,
  });

  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const shown = table.getRowModel().rows;
  return (
    <>
      {partial && sorting.length > 0 ? (
        <p className="muted table-note" role="note">
          Sorted among the {rows.length} loaded; the server has more (Load more, then sort again).
        </p>
      ) : null}
      <table className={className}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {selection ? (
              <th scope="col" className="select-cell">
                <SelectAll
                  checked={table.getIsAllRowsSelected()}
                  some={table.getIsSomeRowsSelected()}
                  label={`Select all ${shown.length} shown`}
                  onChange={(v) => table.toggleAllRowsSelected(v)}
                />
              </th>
            ) : null}
            {headers.map((h) => {
              const col = byId.get(h.id);
              if (!col) return null;
              if (!col.sortValue) {
                return (
                  <th key={h.id} scope="col" className={col.headerClassName}>
                    {col.header}
                  </th>
                );
              }
              const dir = h.column.getIsSorted();
              return (
                <th
                  key={h.id}
                  scope="col"
                  className={col.headerClassName}
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                >
                  <button type="button" className="sort-button" onClick={() => h.column.toggleSorting(dir ? dir === 'asc' : Boolean(col.descFirst))}>
                    {col.header}
                    <span className={dir ? 'sort-button__arrow sort-button__arrow--active' : 'sort-button__arrow'} aria-hidden="true">
                      {dir === 'desc' ? '↓' : '↑'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.id} className={row.getIsSelected() ? 'is-selected' : undefined}>
              {selection ? (
                <td className="select-cell">
                  <input
                    type="checkbox"
                    aria-label={`Select ${selection.label(row.original)}`}
                    checked={row.getIsSelected()}
                    disabled={!row.getCanSelect()}
                    onChange={(e) => row.toggleSelected(e.target.checked)}
                  />
                </td>
              ) : null}
              {columns.map((c) => (
                <td key={c.id} data-label={c.label} className={c.className}>
                  {c.cell(row.original)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function emptyAsUndefined(v: SortValue): string | number | undefined {
  return v === null || v === undefined || v === '' ? undefined : v;
}

function SelectAll({ checked, some, label, onChange }: { checked: boolean; some: boolean; label: string; onChange: (v: boolean) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = some && !checked;
  }, [some, checked]);
  return <input ref={ref} type="checkbox" aria-label={label} checked={checked} onChange={(e) => onChange(e.target.checked)} />;
}
