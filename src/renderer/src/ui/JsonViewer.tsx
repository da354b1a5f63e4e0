import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton';
import './ui.css';

interface Props {
  summary: ReactNode;
  /** Pretty-printed text; null while it is not loaded. */
  text: string | null;
  /** Called when the viewer is opened, so large documents are fetched only on demand. */
  onOpen?(): void;
  children?: ReactNode;
}

/** A collapsible, pretty-printed JSON document with a copy button. */
export function JsonViewer({ summary, text, onOpen, children }: Props) {
  return (
    <details
      className="json-viewer"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open) onOpen?.();
      }}
    >
      <summary>
        {summary}
        {text !== null && <CopyButton text={text} />}
      </summary>
      {children}
      {text !== null && <pre data-testid="json-text">{text}</pre>}
    </details>
  );
}
