import { useState, type FormEvent } from 'react';
import type { ApiError, UnlockChoice, UnlockResult } from '../../../../shared/api';
import type { LockView } from '../../../../shared/tasks';
import { ActionButton } from '../../components/ActionButton';
import { useFleetApi } from '../../components/api-context';
import { taskHref } from '../../routing/route';
import { Dialog } from '../../ui/Dialog';
import { UNLOCK_CHOICES, validateUnlock, type UnlockFormValues } from './unlock-form';

/** L4: confirm a force-unlock with a reason and the fate of the unfinished tasks; then show what happened to each. */
export function UnlockDialog({ lock, onClose }: { lock: LockView; onClose: () => void }) {
  const [result, setResult] = useState<UnlockResult | null>(null);
  return (
    <Dialog title={`Force-unlock session ${lock.sessionId}`} onClose={onClose} testId="unlock-dialog">
      {result ? <UnlockOutcome result={result} onClose={onClose} /> : <UnlockForm lock={lock} onDone={setResult} onCancel={onClose} />}
    </Dialog>
  );
}

function UnlockForm({ lock, onDone, onCancel }: { lock: LockView; onDone: (r: UnlockResult) => void; onCancel: () => void }) {
  const api = useFleetApi();
  const [values, setValues] = useState<UnlockFormValues>({ reason: '', choice: null });
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const validation = validateUnlock(values);
  const errors = showErrors && !validation.ok ? validation.errors : {};

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setShowErrors(true);
    if (!validation.ok) return;
    setBusy(true);
    setError(null);
    const r = await api.call('locks.unlock', { sessionId: lock.sessionId, ...validation.args });
    setBusy(false);
    if (r.ok) onDone(r.value);
    else setError(r.error);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <p className="muted">
        {lock.unfinishedTasks} unfinished task(s). {lock.state === 'stuck' && lock.stuckReason}
      </p>
      <label className="field" htmlFor="unlock-reason">
        Reason (kept in the audit log)
      </label>
      <textarea
        id="unlock-reason"
        className="input textarea"
        data-testid="unlock-reason"
        data-autofocus
        required
        aria-invalid={errors.reason ? true : undefined}
        aria-describedby={errors.reason ? 'unlock-reason-error' : undefined}
        value={values.reason}
        onChange={(e) => setValues({ ...values, reason: e.target.value })}
      />
      {errors.reason && (
        <p id="unlock-reason-error" className="field-error">
          {errors.reason}
        </p>
      )}
      <fieldset className="choice-list" aria-describedby={errors.choice ? 'unlock-choice-error' : undefined}>
        <legend className="field">Unfinished tasks</legend>
        {UNLOCK_CHOICES.map((c) => (
          <label key={c.value} className="choice">
            <input type="radio" name="unfinished" value={c.value} data-testid={`unlock-choice-${c.value}`} checked={values.choice === c.value} onChange={() => setValues({ ...values, choice: c.value as UnlockChoice })} />
            <strong>{c.label}</strong>
            <span className="muted">{c.explain}</span>
          </label>
        ))}
      </fieldset>
      {errors.choice && (
        <p id="unlock-choice-error" className="field-error">
          {errors.choice}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-code={error.code}>
          {error.message}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <ActionButton type="submit" className="btn btn-danger" data-testid="unlock-confirm" disabled={busy}>
          {busy ? 'Unlocking…' : 'Force-unlock'}
        </ActionButton>
      </div>
    </form>
  );
}

function UnlockOutcome({ result, onClose }: { result: UnlockResult; onClose: () => void }) {
  return (
    <div data-testid="unlock-result">
      <p role="status" className="ok-text">
        Lock released{result.tasks.length === 0 ? '; the session had no unfinished task.' : '. Its tasks:'}
      </p>
      {result.tasks.length > 0 && (
        <ul className="outcome-list">
          {result.tasks.map((t) => (
            <li key={t.id} data-testid="unlock-task-outcome" data-outcome={t.outcome}>
              <a href={taskHref(t.id)}>{t.id.slice(0, 8)}</a> <strong>{t.outcome}</strong> — {t.note}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" data-autofocus onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
