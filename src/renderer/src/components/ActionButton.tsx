import type { ButtonHTMLAttributes } from 'react';
import { useEngineOpen } from '../sync/use-engine';

/** Id of the page's one explanation of why actions are off (rendered by {@link EngineOfflineHint}). */
export const ENGINE_OFFLINE_HINT = 'engine-offline-hint';

const OFFLINE_TITLE = 'Not connected to the engine; available again once it reconnects';

/**
 * A button that asks the engine to do something. While the link to the engine is not open the
 * call could only fail, so it is disabled, says why on hover, and points assistive technology
 * at the page's offline hint. `type` defaults to "button".
 */
export function ActionButton({ disabled, type = 'button', title, ...props }: ButtonHTMLAttributes<HTMLButtonElement>) {
  const open = useEngineOpen();
  return (
    <button
      type={type}
      {...props}
      title={open ? title : OFFLINE_TITLE}
      disabled={disabled || !open}
      aria-describedby={open ? props['aria-describedby'] : ENGINE_OFFLINE_HINT}
    />
  );
}

/** While the engine is not reachable: the sentence every disabled action points at. */
export function EngineOfflineHint() {
  const open = useEngineOpen();
  if (open) return null;
  return (
    <p id={ENGINE_OFFLINE_HINT} className="visually-hidden">
      Not connected to the engine: actions are unavailable until it reconnects.
    </p>
  );
}
