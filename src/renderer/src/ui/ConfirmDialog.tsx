import { useEffect, useRef, type ReactNode } from 'react';
import { ActionButton } from '../components/ActionButton';
import './ui.css';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Destructive actions get the red button. */
  danger?: boolean;
  /** While false the confirm button is disabled (e.g. a required reason is empty). */
  canConfirm?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal confirmation on the native <dialog>: the browser traps focus, Escape cancels, and the
 * page behind is inert. Rendered only while open, so it opens on mount.
 */
export function ConfirmDialog({ title, children, confirmLabel, danger, canConfirm = true, busy, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h3 id="confirm-title">{title}</h3>
      {children}
      <div className="confirm-actions">
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Back
        </button>
        {/* Every confirmation asks the engine to act: off while it is not reachable. */}
        <ActionButton className={`btn ${danger ? 'btn-destructive' : 'btn-primary'}`} onClick={onConfirm} disabled={!canConfirm || busy}>
          {busy ? 'Working…' : confirmLabel}
        </ActionButton>
      </div>
    </dialog>
  );
}
