import { useState, type FormEvent } from 'react';
import type { FailoverMode, TaskMode, TaskPolicy } from '../../../../shared/tasks';
import { ActionButton } from '../../components/ActionButton';
import { useFleetApi } from '../../components/api-context';
import { IDLE, refusal, SaveStatus, type SaveState } from './SaveStatus';
import { parsePolicyForm, policyFormValues, type PolicyFormValues } from './settings-form';
import { useLoaded } from './use-command';

const NEW_POLICY: TaskPolicy = { type: '', mode: 'rerunnable', retryLimit: 1, failover: 'wait' };

/** Argument names of `types.set` as the row labels them, for the engine's refusals. */
const LABELS: Record<string, string> = { type: 'Type', mode: 'Mode', retryLimit: 'Retry limit', failover: 'Failover' };

/** T2/L6: per task type, whether a key may run again, how often a lost task is requeued, and where a locked session's tasks go when its server is down. */
export function TypesSection() {
  const types = useLoaded('types.list');
  return (
    <section className="panel" aria-labelledby="types-title" data-testid="types-settings">
      <h3 id="types-title" className="panel-title">
        Task types and policies
      </h3>
      <p className="muted">
        <strong>once</strong>: a key that succeeded never runs again; <strong>rerunnable</strong>: only not twice at the same time. <strong>Retry limit</strong>: requeues after losing a
        server. <strong>Failover</strong> while a session’s server is down: <strong>wait</strong> for it, or <strong>move</strong> to another.
      </p>
      {types.error && <p className="form-error">{types.error.message}</p>}
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Mode</th>
            <th scope="col">Retry limit</th>
            <th scope="col">Failover</th>
            <th scope="col">
              <span className="visually-hidden">Save</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {/* Keyed by type only: a save keeps the row and its "Saved." */}
          {(types.value ?? []).map((p) => (
            <PolicyRow key={p.type} policy={p} onSaved={types.reload} />
          ))}
          <PolicyRow key="new" policy={NEW_POLICY} isNew onSaved={types.reload} />
        </tbody>
      </table>
    </section>
  );
}

function PolicyRow({ policy, isNew = false, onSaved }: { policy: TaskPolicy; isNew?: boolean; onSaved: () => void }) {
  const api = useFleetApi();
  // What the operator changed; the rest follows the policy as the engine last listed it.
  const [edits, setEdits] = useState<Partial<PolicyFormValues>>({});
  const values: PolicyFormValues = { ...policyFormValues(policy), ...edits };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [save, setSave] = useState<SaveState>(IDLE);
  const [busy, setBusy] = useState(false);
  const formId = `policy-${isNew ? 'new' : policy.type}`;

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const parsed = parsePolicyForm(values);
    setErrors(parsed.ok ? {} : parsed.errors);
    setSave(IDLE);
    if (!parsed.ok) return;
    setBusy(true);
    const r = await api.call('types.set', parsed.value);
    setBusy(false);
    if (r.ok) {
      // The new-type row starts over for the next one; a saved row keeps what it shows.
      if (isNew) setEdits({});
      setSave({ kind: 'saved' });
      onSaved();
      return;
    }
    const refused = refusal(r.error, LABELS);
    setErrors(refused.fields);
    setSave(refused.state);
  };

  return (
    <tr data-testid="policy-row" data-type={isNew ? '' : policy.type}>
      <td>
        {isNew ? (
          <input form={formId} className="input" placeholder="new type, e.g. product-photo" aria-label="New task type" value={values.type} onChange={(e) => setEdits({ ...edits, type: e.target.value })} />
        ) : (
          <code>{policy.type}</code>
        )}
        {errors.type && <div className="field-error">{errors.type}</div>}
      </td>
      <td>
        <select form={formId} className="input" aria-label={`Mode of ${policy.type || 'the new type'}`} value={values.mode} onChange={(e) => setEdits({ ...edits, mode: e.target.value as TaskMode })}>
          <option value="rerunnable">rerunnable</option>
          <option value="once">once</option>
        </select>
      </td>
      <td>
        <input
          form={formId}
          className="input input-narrow"
          inputMode="numeric"
          aria-label={`Retry limit of ${policy.type || 'the new type'}`}
          value={values.retryLimit}
          onChange={(e) => setEdits({ ...edits, retryLimit: e.target.value })}
        />
        {errors.retryLimit && <div className="field-error">{errors.retryLimit}</div>}
      </td>
      <td>
        <select form={formId} className="input" aria-label={`Failover of ${policy.type || 'the new type'}`} value={values.failover} onChange={(e) => setEdits({ ...edits, failover: e.target.value as FailoverMode })}>
          <option value="wait">wait</option>
          <option value="move">move</option>
        </select>
      </td>
      <td>
        {/* A form per row: a table row cannot contain a <form>, so the inputs point at it by id. */}
        <form id={formId} onSubmit={(e) => void submit(e)} noValidate>
          <ActionButton type="submit" className="btn btn-small" disabled={busy} aria-label={isNew ? 'Add task type' : `Save policy of ${policy.type}`}>
            {isNew ? 'Add' : 'Save'}
          </ActionButton>
        </form>
        <SaveStatus state={save} testId="policy-save" />
      </td>
    </tr>
  );
}
