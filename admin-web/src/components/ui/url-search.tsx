import { useEffect, useId, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/ui/button';

/**
 * UrlSearch is a list page's search form: it edits a draft and, on Search,
 * puts it in the URL as ?q= (which the page's query reads); Clear removes it.
 */
export function UrlSearch({ noun, placeholder }: { /** Plural, e.g. "users". */ noun: string; placeholder: string }) {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const id = useId();

  const search = (e: FormEvent) => {
    e.preventDefault();
    const v = draft.trim();
    setParams(v ? { q: v } : {});
  };

  return (
    <form className="search" role="search" aria-label={`${noun[0]?.toUpperCase()}${noun.slice(1, -1)} search`} noValidate onSubmit={search}>
      <label htmlFor={id} className="visually-hidden">
        Search {noun}
      </label>
      <input
        id={id}
        className="input"
        type="search"
        value={draft}
        maxLength={100}
        placeholder={placeholder}
        autoComplete="off"
        onChange={(e) => setDraft(e.target.value)}
      />
      <Button type="submit">Search</Button>
      {q ? (
        <Button variant="ghost" onClick={() => setParams({})}>
          Clear
        </Button>
      ) : null}
    </form>
  );
}
