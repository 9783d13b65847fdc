import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

// A modal dialog: focus moves in and is trapped (Tab / Shift+Tab cycle inside),
// Escape closes unless the dialog says it cannot close yet, the page behind is
// inert, and focus returns to where it was when the dialog closes.

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

let openDialogs = 0;

function setBackgroundInert(on: boolean) {
  const root = document.getElementById('root');
  if (!root) return;
  if (on) root.setAttribute('inert', '');
  else root.removeAttribute('inert');
}

export type DialogProps = {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  onClose: () => void;
  /** When false, Escape does not close; onBlockedClose runs instead. */
  canClose?: boolean;
  onBlockedClose?: () => void;
  initialFocusRef?: RefObject<HTMLElement | null>;
  role?: 'dialog' | 'alertdialog';
  size?: 'sm' | 'md' | 'lg';
  tone?: 'default' | 'danger';
  /** Submitting the dialog's form; makes the body a <form> so Enter submits. */
  onSubmit?: () => void;
};

export function Dialog({
  title,
  description,
  children,
  footer,
  onClose,
  canClose = true,
  onBlockedClose,
  initialFocusRef,
  role = 'dialog',
  size = 'md',
  tone = 'default',
  onSubmit,
}: DialogProps) {
  const panelRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descId = useId();
  const latest = useRef({ onClose, canClose, onBlockedClose });
  latest.current = { onClose, canClose, onBlockedClose };

  useEffect(() => {
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    openDialogs += 1;
    setBackgroundInert(true);
    const panel = panelRef.current;
    const first = initialFocusRef?.current ?? panel?.querySelector<HTMLElement>(FOCUSABLE) ?? panel;
    first?.focus();

    const keepFocusInside = (e: FocusEvent) => {
      if (panel && e.target instanceof Node && !panel.contains(e.target)) {
        (panel.querySelector<HTMLElement>(FOCUSABLE) ?? panel).focus();
      }
    };
    document.addEventListener('focusin', keepFocusInside);
    return () => {
      document.removeEventListener('focusin', keepFocusInside);
      openDialogs -= 1;
      if (openDialogs === 0) setBackgroundInert(false);
      if (returnTo && returnTo.isConnected) returnTo.focus();
    };
    // Mount/unmount only: initial focus is decided once.
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      if (latest.current.canClose) latest.current.onClose();
      else latest.current.onBlockedClose?.();
      return;
    }
    if (e.key !== 'Tab' || !panelRef.current) return;
    const items = Array.from(panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (el) => !el.closest('[inert]') && el.getClientRects().length > 0,
    );
    if (items.length === 0) {
      e.preventDefault();
      return;
    }
    const firstItem = items[0]!;
    const lastItem = items[items.length - 1]!;
    const active = document.activeElement;
    if (e.shiftKey && (active === firstItem || active === panelRef.current)) {
      e.preventDefault();
      lastItem.focus();
    } else if (!e.shiftKey && active === lastItem) {
      e.preventDefault();
      firstItem.focus();
    }
  };

  const body = (
    <>
      <header className="dialog__header">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        {description ? (
          <div id={descId} className="dialog__description">
            {description}
          </div>
        ) : null}
      </header>
      <div className="dialog__body">{children}</div>
      {footer ? <footer className="dialog__footer">{footer}</footer> : null}
    </>
  );

  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={panelRef}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        tabIndex={-1}
        className={`dialog dialog--${size} dialog--${tone}`}
        onKeyDown={onKeyDown}
      >
        {onSubmit ? (
          <form
            noValidate
            className="dialog__form"
            onSubmit={(e) => {
              e.preventDefault();
              onSubmit();
            }}
          >
            {body}
          </form>
        ) : (
          body
        )}
      </div>
    </div>,
    document.body,
  );
}
