import {
  useEffect,
  useId,
  useRef,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import { Spinner } from './spinner.tsx';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function dialogRoot(): HTMLElement {
  return document.getElementById('dialogs') ?? document.body;
}

/**
 * A modal dialog: the rest of the app goes inert while it is open, Tab cycles inside it,
 * Escape cancels, and focus goes back to where it was (or to `fallbackFocus` when that
 * element is gone, e.g. the row of a file just deleted).
 */
export function Dialog({
  title,
  description,
  children,
  onClose,
  onSubmit,
  confirmLabel,
  cancelLabel = 'Cancel',
  confirmTone = 'primary',
  confirmDisabled = false,
  cancelTone = 'plain',
  hideConfirm = false,
  busy = false,
  error,
  testId,
  fallbackFocus = '[data-testid="file-table"] tbody tr[tabindex="0"]',
}: {
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  onClose: () => void;
  onSubmit: () => void;
  /** Says what the button does ("Delete", "Move 3 files"), never a bare "Confirm". */
  confirmLabel: string;
  cancelLabel?: string;
  confirmTone?: 'primary' | 'danger';
  /** The confirm button waits for something (e.g. a box to tick) before it can be used. */
  confirmDisabled?: boolean;
  /** `danger` when closing means turning something away (a device asking to join). */
  cancelTone?: 'plain' | 'danger';
  /** Only the cancel button (while waiting for something to confirm). */
  hideConfirm?: boolean;
  busy?: boolean;
  error?: string | null;
  testId: string;
  fallbackFocus?: string;
}) {
  const titleId = useId();
  const descriptionId = useId();
  const panelRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const app = document.getElementById('root');
    app?.setAttribute('inert', '');
    const panel = panelRef.current;
    const first =
      panel?.querySelector<HTMLElement>('[data-autofocus]') ??
      panel?.querySelector<HTMLElement>(FOCUSABLE) ??
      panel;
    first?.focus();
    if (first instanceof HTMLInputElement && first.type === 'text') first.select();
    return () => {
      app?.removeAttribute('inert');
      // Wait a frame: React may still be removing the row that opened this dialog.
      requestAnimationFrame(() => {
        const target = returnTo?.isConnected
          ? returnTo
          : document.querySelector<HTMLElement>(fallbackFocus);
        target?.focus();
      });
    };
  }, [fallbackFocus]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      event.preventDefault();
      if (!busy) onClose();
      return;
    }
    if (event.key !== 'Tab' || !panelRef.current) return;
    const focusable = [...panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => el.offsetParent !== null,
    );
    if (focusable.length === 0) {
      event.preventDefault();
      return;
    }
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy && !confirmDisabled && !hideConfirm) onSubmit();
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => event.target === event.currentTarget && !busy && onClose()}
    >
      {/* The dialog role sits on a plain element: on a <form> it would hide the form's own role. */}
      <div
        ref={panelRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        data-testid={testId}
        onKeyDown={onKeyDown}
        tabIndex={-1}
      >
        <form className="dialog-form" onSubmit={submit} noValidate>
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          {description ? (
            <div id={descriptionId} className="dialog-description">
              {description}
            </div>
          ) : null}
          {children ? <div className="dialog-body">{children}</div> : null}
          {error ? (
            <p className="dialog-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="dialog-actions">
            <button
              type="button"
              className={`button ${cancelTone === 'danger' ? 'button-danger' : ''}`.trim()}
              onClick={onClose}
              disabled={busy}
            >
              {cancelLabel}
            </button>
            {hideConfirm ? null : (
              <button
                type="submit"
                className={`button ${confirmTone === 'danger' ? 'button-danger' : 'button-primary'}`}
                aria-busy={busy || undefined}
                disabled={busy || confirmDisabled}
              >
                {busy ? <Spinner size={14} /> : null}
                {confirmLabel}
              </button>
            )}
          </div>
        </form>
      </div>
    </div>,
    dialogRoot(),
  );
}
