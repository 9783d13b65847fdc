import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { RowSelectionState } from '@tanstack/react-table';
import { DataTable, type Column } from './data-table';

type P = { id: string; name: string; n: number; at: string | null };
const people: P[] = [
  { id: 'b', name: 'bob', n: 10, at: '2026-01-02' },
  { id: 'a', name: 'Alice', n: 2, at: null },
  { id: 'e', name: '', n: 1, at: '2026-01-01' },
  { id: 'c', name: 'carol', n: 2, at: '2026-01-03' },
  { id: 'i10', name: 'item 10', n: 3, at: '2026-01-04' },
  { id: 'i9', name: 'item 9', n: 4, at: '2026-01-05' },
];
const columns: Column<P>[] = [
  { id: 'name', header: 'Name', sortValue: (p) => p.name, cell: (p) => p.name || '(none)' },
  { id: 'n', header: 'N', label: 'N', sortValue: (p) => p.n, cell: (p) => String(p.n) },
  { id: 'at', header: 'When', label: 'When', descFirst: true, sortValue: (p) => p.at, cell: (p) => p.at ?? '—' },
  { id: 'x', header: 'Not sortable', label: 'X', cell: () => 'x' },
];

const order = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell').at(-4)?.textContent);

describe('DataTable', () => {
  it('sorts by a column: text case-insensitively, numbers inside by value, empty last both ways', async () => {
    render(<DataTable caption="People" rows={people} columns={columns} rowId={(p) => p.id} initialSort={{ id: 'name' }} />);
    expect(order()).toEqual(['Alice', 'bob', 'carol', 'item 9', 'item 10', '(none)']);
    const name = screen.getByRole('columnheader', { name: /Name/ });
    expect(name.getAttribute('aria-sort')).toBe('ascending');
    await userEvent.click(within(name).getByRole('button'));
    expect(name.getAttribute('aria-sort')).toBe('descending');
    expect(order()).toEqual(['item 10', 'item 9', 'carol', 'bob', 'Alice', '(none)']);
    expect(screen.getByRole('columnheader', { name: 'Not sortable' }).getAttribute('aria-sort')).toBeNull();
  });

  it('sorts numbers by value keeping ties in their order; a date column starts newest first', async () => {
    render(<DataTable caption="People" rows={people} columns={columns} rowId={(p) => p.id} />);
    expect(order()).toEqual(['bob', 'Alice', '(none)', 'carol', 'item 10', 'item 9']);
    await userEvent.click(screen.getByRole('button', { name: 'N' }));
    expect(order()).toEqual(['(none)', 'Alice', 'carol', 'item 10', 'item 9', 'bob']);
    await userEvent.click(screen.getByRole('button', { name: /When/ }));
    expect(screen.getByRole('columnheader', { name: /When/ }).getAttribute('aria-sort')).toBe('descending');
    expect(order()).toEqual(['item 9', 'item 10', 'carol', 'bob', '(none)', 'Alice']);
  });

  it('says a sort covers the loaded rows when the server has more', async () => {
    render(<DataTable caption="People" rows={people} columns={columns} rowId={(p) => p.id} partial />);
    expect(screen.queryByRole('note')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: /Name/ }));
    expect(screen.getByRole('note').textContent).toMatch(/among the 6 loaded/);
  });

  it('selects rows by id, all shown at once, never the ones that cannot be', async () => {
    let last: Record<string, boolean> = {};
    function Harness() {
      const [selected, setSelected] = useState<RowSelectionState>({});
      last = selected;
      return (
        <DataTable
          caption="People"
          rows={people}
          columns={columns}
          rowId={(p) => p.id}
          selection={{ selected, onChange: setSelected, label: (p) => p.name || p.id, canSelect: (p) => p.id !== 'e' }}
        />
      );
    }
    render(<Harness />);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select bob' }));
    expect(last).toEqual({ b: true });
    expect((screen.getByRole('checkbox', { name: 'Select e' }) as HTMLInputElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all 6 shown' }));
    expect(Object.keys(last).sort()).toEqual(['a', 'b', 'c', 'i10', 'i9']);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all 6 shown' }));
    expect(Object.values(last).filter(Boolean)).toEqual([]);
  });
});
