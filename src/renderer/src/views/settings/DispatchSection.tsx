import { useState, type FormEvent } from 'react';
import type { ConsoleSettings } from '../../../../shared/api';
import { ActionButton } from '../../components/ActionButton';
import { useFleetApi } from '../../components/api-context';
import { Field } from './Field';
import { IDLE, refusal, SaveStatus, type SaveState } from './SaveStatus';
import { dispatchFormValues, parseDispatchForm, type DispatchFormValues } from './settings-form';

/** Argument names of `settings.set` as the form labels them, for the engine's refusals. */
const LABELS: Record<string, string> = {
  maxQueued: 'Max queued tasks',
  submitsPerSecond: 'Submissions per second',
  submitBurst: 'Submission burst',
  retentionDays: 'Keep finished tasks',
};

/** B-limits and S4 retention: changed while the console runs (`settings.set`). */
export function DispatchSection({ settings, onSaved }: { settings: ConsoleSettings | null; onSaved: (s: ConsoleSettings) => void }) {
  return (
    <section className="panel" aria-labelledby="dispatch-title" data-testid="dispatch-settings">
      <h3 id="dispatch-title" className="panel-title">
        Dispatch limits and retention
      </h3>
      {settings && <DispatchForm settings={settings} onSaved={onSaved} />}
    </section>
  );
}

function DispatchForm({ settings, onSaved }: { settings: ConsoleSettings; onSaved: (s: ConsoleSettings) => void }) {
  const api = useFleetApi();
  // What the operator typed; the other fields show what the engine last answered.
  const [edits, setEdits] = useState<Partial<DispatchFormValues>>({});
  const values: DispatchFormValues = { ...dispatchFormValues(settings), ...edits };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [save, setSave] = useState<SaveState>(IDLE);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof DispatchFormValues) => (e: { target: { value: string } }) => {
    setEdits({ ...edits, [k]: e.target.value });
    if (save.kind !== 'failed') setSave(IDLE);
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const parsed = parseDispatchForm(values);
    setErrors(parsed.ok ? {} : parsed.errors);
    setSave(IDLE);
    if (!parsed.ok) return;
    setBusy(true);
    const r = await api.call('settings.set', parsed.value);
    setBusy(false);
    if (r.ok) {
      // The form now shows the engine's answer: what it holds, as it holds it.
      onSaved(r.value);
      setEdits({});
      setSave({ kind: 'saved' });
      return;
    }
    const refused = refusal(r.error, LABELS);
    setErrors(refused.fields);
    setSave(refused.state);
  };

  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} aria-label="Dispatch limits and retention" noValidate>
      <Field label="Max queued tasks" inputMode="numeric" data-testid="setting-maxQueued" value={values.maxQueued} onChange={set('maxQueued')} error={errors.maxQueued} />
      <Field label="Submissions per second" inputMode="decimal" data-testid="setting-submitsPerSecond" value={values.submitsPerSecond} onChange={set('submitsPerSecond')} error={errors.submitsPerSecond} />
      <Field label="Submission burst" inputMode="numeric" data-testid="setting-submitBurst" value={values.submitBurst} onChange={set('submitBurst')} error={errors.submitBurst} />
      <Field label="Keep finished tasks (days; empty: forever)" inputMode="numeric" data-testid="setting-retentionDays" value={values.retentionDays} onChange={set('retentionDays')} error={errors.retentionDays} />
      <div>
        <ActionButton type="submit" className="btn btn-primary" data-testid="save-dispatch" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </ActionButton>{' '}
        <SaveStatus state={save} testId="dispatch-save" />
      </div>
    </form>
  );
}
