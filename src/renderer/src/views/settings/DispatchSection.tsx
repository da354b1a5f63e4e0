import { useState, type FormEvent } from 'react';
import type { ApiError, ConsoleSettings } from '../../../../shared/api';
import { useFleetApi } from '../../components/api-context';
import { Field } from './Field';
import { dispatchFormValues, parseDispatchForm, type DispatchFormValues } from './settings-form';

/** B-limits and S4 retention: changed while the console runs (`settings.set`). */
export function DispatchSection({ settings, onSaved }: { settings: ConsoleSettings | null; onSaved: (s: ConsoleSettings) => void }) {
  return (
    <section className="panel" aria-labelledby="dispatch-title" data-testid="dispatch-settings">
      <h3 id="dispatch-title" className="panel-title">
        Dispatch limits and retention
      </h3>
      {/* Keyed by the loaded values, so the form restarts from what the engine answered. */}
      {settings && <DispatchForm key={JSON.stringify([settings.dispatch, settings.retentionDays])} settings={settings} onSaved={onSaved} />}
    </section>
  );
}

function DispatchForm({ settings, onSaved }: { settings: ConsoleSettings; onSaved: (s: ConsoleSettings) => void }) {
  const api = useFleetApi();
  const [values, setValues] = useState<DispatchFormValues>(() => dispatchFormValues(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof DispatchFormValues) => (e: { target: { value: string } }) => setValues({ ...values, [k]: e.target.value });

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const parsed = parseDispatchForm(values);
    setErrors(parsed.ok ? {} : parsed.errors);
    if (!parsed.ok) return;
    setBusy(true);
    setError(null);
    const r = await api.call('settings.set', parsed.value);
    setBusy(false);
    if (r.ok) onSaved(r.value);
    else setError(r.error);
  };

  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} aria-label="Dispatch limits and retention" noValidate>
      <Field label="Max queued tasks" inputMode="numeric" data-testid="setting-maxQueued" value={values.maxQueued} onChange={set('maxQueued')} error={errors.maxQueued} />
      <Field label="Submissions per second" inputMode="decimal" data-testid="setting-submitsPerSecond" value={values.submitsPerSecond} onChange={set('submitsPerSecond')} error={errors.submitsPerSecond} />
      <Field label="Submission burst" inputMode="numeric" data-testid="setting-submitBurst" value={values.submitBurst} onChange={set('submitBurst')} error={errors.submitBurst} />
      <Field label="Keep finished tasks (days; empty: forever)" inputMode="numeric" data-testid="setting-retentionDays" value={values.retentionDays} onChange={set('retentionDays')} error={errors.retentionDays} />
      <div>
        <button type="submit" className="btn btn-primary" data-testid="save-dispatch" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-code={error.code}>
          {error.message}
        </p>
      )}
    </form>
  );
}
