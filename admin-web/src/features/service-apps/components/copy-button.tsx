import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * CopyButton copies text to the clipboard; on failure it asks for Ctrl+C and
 * selects the text (the element targetId). Compact: a small icon button for a
 * table row, named by ariaLabel, that shows "Copied" while it is.
 */
export function CopyButton({
  text,
  targetId,
  label = 'Copy',
  what = 'key',
  ariaLabel,
  compact = false,
}: {
  text: string;
  targetId: string;
  label?: string;
  /** What is copied, in the announcements ("key", "resource id"). */
  what?: string;
  ariaLabel?: string;
  compact?: boolean;
}) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state !== 'copied') return;
    const t = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(t);
  }, [state]);

  const selectTarget = () => {
    const el = document.getElementById(targetId);
    const selection = window.getSelection();
    if (!el || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    selection.removeAllRanges();
    selection.addRange(range);
  };

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      selectTarget();
      setState('failed');
    }
  };

  return (
    <>
      <Button
        variant={compact ? 'ghost' : 'primary'}
        size={compact ? 'sm' : 'md'}
        className={compact ? 'copy-button--compact' : undefined}
        aria-label={ariaLabel}
        onClick={copy}
        icon={<CopyIcon />}
      >
        {state === 'copied' ? 'Copied' : compact ? null : label}
      </Button>
      <span className="visually-hidden" role="status" aria-live="polite">
        {state === 'copied' ? `${what[0]?.toUpperCase()}${what.slice(1)} copied to the clipboard.` : ''}
      </span>
      {state === 'failed' ? (
        <p className="field__hint copy-fallback">
          The browser blocked the clipboard. The {what} is selected: press Ctrl+C (⌘C on a Mac).
        </p>
      ) : null}
    </>
  );
}

function CopyIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M11 3.5V3a1.5 1.5 0 0 0-1.5-1.5h-6A1.5 1.5 0 0 0 2 3v6a1.5 1.5 0 0 0 1.5 1.5H4" fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
