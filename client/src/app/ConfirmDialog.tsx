import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ConfirmOptions {
  title: string;
  /** What will happen, in words; what cannot be undone. */
  body: ReactNode;
  /** The confirming button's label: the action itself ("Remove", "Seal"), never "OK". */
  confirm: string;
  /** A destructive action: the confirming button is red and the cancel button has the focus. */
  danger?: boolean;
}

/** What Tab can reach inside the dialog (its body may hold a link or a field besides the two buttons). */
const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

interface Pending extends ConfirmOptions {
  resolve: (ok: boolean) => void;
}

/**
 * Asks before an irreversible action, in a native modal `<dialog>`: the browser makes the rest of the
 * page inert, Tab and Shift+Tab cycle between its buttons, Escape cancels, and focus goes back to the
 * control that opened it (checked in test/e2e/keyboard.e2e.test.ts).
 * `confirm(options)` resolves true only when the person chose the action.
 */
export function useConfirm(): { confirm: (options: ConfirmOptions) => Promise<boolean>; dialog: ReactNode } {
  const [pending, setPending] = useState<Pending | null>(null);
  const confirm = useCallback(
    (options: ConfirmOptions) => new Promise<boolean>((resolve) => setPending({ ...options, resolve })),
    [],
  );
  const close = useCallback(
    (ok: boolean) => {
      pending?.resolve(ok);
      setPending(null);
    },
    [pending],
  );
  return { confirm, dialog: pending ? <ConfirmDialog options={pending} onClose={close} /> : null };
}

function ConfirmDialog({ options, onClose }: { options: ConfirmOptions; onClose: (ok: boolean) => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // The safe choice has the focus when the action destroys something.
    (options.danger ? cancelRef : confirmRef).current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, [options.danger]);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose(false);
      }}
      onKeyDown={(e) => {
        // A modal dialog makes the page inert, but Tab past its last control still leaves it for the
        // browser's own toolbar: keep the cycle inside the dialog, as a person expects.
        if (e.key !== 'Tab' || !ref.current) return;
        const controls = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
          (el) => !el.matches(':disabled'),
        );
        const first = controls[0];
        const last = controls[controls.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last?.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first?.focus();
        }
      }}
    >
      <h2 id={titleId}>{options.title}</h2>
      <div id={bodyId} className="confirm-body">
        {options.body}
      </div>
      <div className="button-row confirm-actions">
        <button
          ref={cancelRef}
          type="button"
          className="secondary"
          data-testid="confirm-cancel"
          onClick={() => onClose(false)}
        >
          {t('confirm.cancel')}
        </button>
        <button
          ref={confirmRef}
          type="button"
          className={options.danger ? 'danger' : undefined}
          data-testid="confirm-ok"
          onClick={() => onClose(true)}
        >
          {options.confirm}
        </button>
      </div>
    </dialog>
  );
}
