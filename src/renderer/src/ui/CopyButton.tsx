import { useState } from 'react';
import './ui.css';

/** Copies text to the clipboard and says whether it worked (the clipboard may be refused). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="btn btn-quiet"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
      >
        {label}
      </button>
      {state !== 'idle' && (
        <span className="copy-state" role="status">
          {state === 'copied' ? 'copied' : 'the clipboard refused; select the text instead'}
        </span>
      )}
    </>
  );
}
