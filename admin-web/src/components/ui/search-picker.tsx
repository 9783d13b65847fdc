import { keepPreviousData, useQuery, type QueryKey } from '@tanstack/react-query';
import { useEffect, useId, useState, type KeyboardEvent, type Ref } from 'react';
import { moveActive, PICKER_DEBOUNCE_MS, pickerOptions } from '@/lib/picker';
import { apiQuery } from '@/lib/query';
import { TextField } from './field';
import { Spinner } from './spinner';

type Person = { name?: string | null; email: string };

/**
 * SearchPicker is a search-as-you-type combobox for picking a person among
 * thousands: the typed text goes (debounced) to the server-side search of a
 * list (`q` of the admin lists) and the matches show with name and email in
 * a listbox. Keyboard: ArrowDown/ArrowUp (Home/End) move the highlight
 * (aria-activedescendant; focus stays in the input), Enter picks it, Escape
 * closes the list; with nothing highlighted Enter submits the form around
 * it. The text is the parent's (value/onValueChange), so a form may also
 * accept what was typed (an email not known yet).
 */
export function SearchPicker<T extends Person>({
  label,
  hint,
  error,
  placeholder,
  value,
  onValueChange,
  onPick,
  queryKey,
  load,
  itemId,
  held,
  empty,
  inputRef,
  maxLength = 300,
}: {
  label: string;
  hint?: string;
  error?: string | null;
  placeholder?: string;
  value: string;
  onValueChange: (text: string) => void;
  onPick: (item: T) => void;
  /** The query key of a search for q (keys start with the list's area, see lib/query.ts). */
  queryKey: (q: string) => QueryKey;
  /** Loads the first matches of q (an empty q: the list's first page). */
  load: (q: string, signal: AbortSignal) => Promise<T[]>;
  itemId: (item: T) => string;
  /** Why an item cannot be picked (e.g. "already in the group"), or null. */
  held?: (item: T) => string | null;
  /** What the list says when the unsearched list is empty. */
  empty: string;
  inputRef?: Ref<HTMLInputElement>;
  maxLength?: number;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const q = useDebounced(value.trim(), PICKER_DEBOUNCE_MS);
  const search = useQuery({
    ...apiQuery(queryKey(q), (signal) => load(q, signal)),
    // The first keys typed wait for the pause; an empty field lists the first page (ArrowDown).
    enabled: open && (q !== '' || value.trim() === ''),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
  const options = pickerOptions(search.data ?? [], itemId, held);
  const listId = useId();
  const optionId = (i: number) => `${listId}-option-${i}`;
  // A new answer (or a new search) starts without a highlight.
  useEffect(() => setActive(-1), [search.data]);

  const pick = (i: number) => {
    const option = options[i];
    if (!option || option.disabled) return;
    onPick(option.item);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        if (!open) {
          setOpen(true);
          return;
        }
        setActive(moveActive(options, active, e.key === 'ArrowDown' ? 1 : -1));
        return;
      }
      case 'Home':
      case 'End':
        if (!open || options.length === 0) return;
        e.preventDefault();
        setActive(moveActive(options, active, e.key === 'Home' ? 'first' : 'last'));
        return;
      case 'Enter':
        if (open && active >= 0) {
          e.preventDefault();
          pick(active);
        }
        return;
      case 'Escape':
        if (open) {
          // Closes the list only (not a dialog around it).
          e.preventDefault();
          e.stopPropagation();
          setOpen(false);
          setActive(-1);
        }
        return;
    }
  };

  const typing = value.trim() !== q || (search.isFetching && search.isPlaceholderData);
  const status = !open
    ? ''
    : search.isError
      ? `Could not search: ${search.error.message}`
      : search.isPending
        ? 'Searching…'
        : options.length === 0
          ? q
            ? `No one matches “${q}”.`
            : empty
          : `${options.length === 1 ? '1 match' : `${options.length} matches`}${q ? ` for “${q}”` : ''}; use the arrow keys and Enter to pick.`;

  return (
    <div className="picker">
      <TextField
        label={label}
        hint={hint}
        error={error}
        {...(inputRef ? { inputRef } : {})}
        value={value}
        placeholder={placeholder}
        maxLength={maxLength}
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="none"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
        onChange={(e) => {
          onValueChange(e.target.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
        }}
      />
      <div className="picker__popup" hidden={!open}>
        <ul id={listId} role="listbox" aria-label="Matches" className="picker__list" aria-busy={typing || undefined}>
          {open
            ? options.map((o, i) => (
                <li
                  key={o.id}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === active}
                  aria-disabled={o.disabled ? true : undefined}
                  className={['picker__option', i === active ? 'picker__option--active' : null].filter(Boolean).join(' ')}
                  // Keeps the focus in the input, so a click picks before the blur closes the list.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => pick(i)}
                >
                  <span className="picker__primary">{o.primary}</span>
                  {o.secondary ? <span className="picker__secondary">{o.secondary}</span> : null}
                  {o.disabled ? <span className="picker__note">{o.disabled}</span> : null}
                </li>
              ))
            : null}
        </ul>
        {open && (search.isPending || options.length === 0 || search.isError) ? (
          <p className={search.isError ? 'picker__message field__error' : 'picker__message muted'}>
            {search.isPending ? <Spinner size="sm" label="Searching" /> : status}
          </p>
        ) : null}
      </div>
      <span className="visually-hidden" role="status" aria-live="polite">
        {typing ? '' : status}
      </span>
    </div>
  );
}

/** useDebounced: value, once it has stopped changing for ms. */
function useDebounced<V>(value: V, ms: number): V {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return settled;
}
