import type { InputHTMLAttributes } from 'react';

/** A labelled text input with its own error line. */
export function Field({ label, error, ...input }: { label: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="field">
      {label}
      <input className="input" type="text" autoComplete="off" aria-invalid={error ? true : undefined} {...input} />
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}
