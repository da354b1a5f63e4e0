import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { FOCUSABLE, nextFocusIndex } from './focus-trap';
import './views.css';

/**
 * A modal dialog: role=dialog with aria-modal, focus moves in on open (to `initialFocus`, else
 * the first field), Tab stays inside, Escape closes, and focus returns to what had it before.
 */
export function Dialog({ title, onClose, children, testId, className }: { title: string; onClose: () => void; children: ReactNode; testId?: string; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // The latest onClose without re-running the open/close effect on every render.
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => opener?.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const next = items[nextFocusIndex(items.length, items.indexOf(document.activeElement as HTMLElement), event.shiftKey)];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCloseRef.current()}>
      <div ref={ref} className={className ? `dialog ${className}` : 'dialog'} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}
