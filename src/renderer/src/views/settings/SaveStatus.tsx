import type { ApiError } from '../../../../shared/api';
import { readableError } from '../../ui/readable-error';

/** What the last Save of a form came to. */
export type SaveState = { kind: 'idle' } | { kind: 'saved' } | { kind: 'unchanged' } | { kind: 'failed'; text: string; code: string };

export const IDLE: SaveState = { kind: 'idle' };

/**
 * An engine refusal as the form shows it: one readable line that names the field by its label,
 * and the message per field to put under it (see readableError).
 */
export function refusal(error: ApiError, labels: Record<string, string>): { state: SaveState; fields: Record<string, string> } {
  const readable = readableError(error, labels);
  return { state: { kind: 'failed', text: readable.text, code: error.code }, fields: readable.fields };
}

const SAID: Record<'saved' | 'unchanged', string> = { saved: 'Saved.', unchanged: 'No changes to save.' };

/**
 * "Saved." after a save the engine took, or why it refused one. The status line is always in the
 * page, so a screen reader announces it when its text changes; a refusal is an alert. Either
 * goes with the next Save; "Saved." also with the next edit.
 */
export function SaveStatus({ state, testId }: { state: SaveState; testId: string }) {
  return (
    <>
      <span className="saved" role="status" data-testid={`${testId}-status`}>
        {state.kind === 'saved' || state.kind === 'unchanged' ? SAID[state.kind] : ''}
      </span>
      {state.kind === 'failed' && (
        <p className="form-error" role="alert" data-code={state.code} data-testid={`${testId}-error`}>
          Not saved: {state.text}.
        </p>
      )}
    </>
  );
}
