import { useId, type InputHTMLAttributes } from 'react';

/** A labelled text input with its own error line, which describes the input while it shows. */
export function Field({ label, error, ...input }: { label: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  const errorId = useId();
  return (
    <label className="field">
      {label}
      <input className="input" type="text" autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined} {...input} />
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </label>
  );
}
