import { memo, useState, type FormEvent } from 'react';
import type { ServerId, ServerView } from '../../../../shared/fleet';
import { ActionButton } from '../../components/ActionButton';
import { AddServerForm } from '../../components/AddServerForm';
import { useFleetApi } from '../../components/api-context';
import { RemoveServerButton } from '../../components/RemoveServerButton';
import { ServerActions } from '../../components/ServerActions';
import { useFleetStore } from '../../store/fleet/store';
import { selectServerIds } from '../../store/fleet/slices/live/selectors';
import { Field } from './Field';
import { IDLE, refusal, SaveStatus, type SaveState } from './SaveStatus';
import { parseServerForm, serverFormValues, type ServerFormValues } from './settings-form';

/** F1: every server's configuration, editable; the live figures are on the fleet view. */
export function ServersSection() {
  const ids = useFleetStore(selectServerIds);
  return (
    <section className="panel" aria-labelledby="servers-title" data-testid="servers-settings">
      <h3 id="servers-title" className="panel-title">
        Servers
      </h3>
      <AddServerForm />
      {ids.length === 0 ? <p className="muted">No servers yet.</p> : ids.map((id) => <ServerEditor key={id} id={id} />)}
    </section>
  );
}

const ServerEditor = memo(function ServerEditor({ id }: { id: ServerId }) {
  const server = useFleetStore((s) => s.byId[id]);
  if (!server) return null;
  return <ServerEditForm server={server} />;
});

/** Argument names of `servers.update` as the form labels them, for the engine's refusals. */
const LABELS: Record<string, string> = { name: 'Name', url: 'URL', maxInFlight: 'Max in flight', tags: 'Tags' };

function ServerEditForm({ server }: { server: ServerView }) {
  const api = useFleetApi();
  // What the operator typed, field by field; the other fields follow the server as the engine
  // has it, so a queue update never resets what is being typed, and a save keeps the form and its status.
  const [edits, setEdits] = useState<Partial<ServerFormValues>>({});
  const values: ServerFormValues = { ...serverFormValues(server), ...edits };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [save, setSave] = useState<SaveState>(IDLE);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof ServerFormValues) => (e: { target: { value: string } }) => {
    setEdits({ ...edits, [k]: e.target.value });
    if (save.kind !== 'failed') setSave(IDLE);
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const parsed = parseServerForm(server, values);
    setErrors(parsed.ok ? {} : parsed.errors);
    setSave(IDLE);
    if (!parsed.ok) return;
    // Only the id: the form already says what the engine has.
    if (Object.keys(parsed.value).length === 1) {
      setSave({ kind: 'unchanged' });
      return;
    }
    setBusy(true);
    const r = await api.call('servers.update', parsed.value);
    setBusy(false);
    if (r.ok) {
      setSave({ kind: 'saved' });
      return;
    }
    const refused = refusal(r.error, LABELS);
    setErrors(refused.fields);
    setSave(refused.state);
  };

  return (
    <div className="server-editor" data-testid="server-editor" data-server-name={server.name}>
      <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label={`Edit ${server.name}`} noValidate>
        <Field label="Name" value={values.name} onChange={set('name')} error={errors.name} />
        <Field label="URL" value={values.url} onChange={set('url')} error={errors.url} spellCheck={false} />
        <Field label="Max in flight" className="input input-narrow" inputMode="numeric" value={values.maxInFlight} onChange={set('maxInFlight')} error={errors.maxInFlight} />
        <Field label="Tags (comma-separated)" value={values.tags} onChange={set('tags')} error={errors.tags} />
        <ActionButton type="submit" className="btn btn-small" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </ActionButton>
        <span className="muted">
          {server.enabled ? 'enabled' : 'disabled'}
          {server.drained && ', drained'}
        </span>
        <SaveStatus state={save} testId="server-save" />
      </form>
      <div className="inline-form">
        <ServerActions server={server} />
        <RemoveServerButton id={server.id} name={server.name} />
      </div>
    </div>
  );
}
