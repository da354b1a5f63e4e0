import { memo, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/api';
import type { ServerId, ServerView } from '../../../../shared/fleet';
import { AddServerForm } from '../../components/AddServerForm';
import { useFleetApi } from '../../components/api-context';
import { RemoveServerButton } from '../../components/RemoveServerButton';
import { ServerActions } from '../../components/ServerActions';
import { useFleetStore } from '../../store/fleet/store';
import { selectServerIds } from '../../store/fleet/slices/live/selectors';
import { Field } from './Field';
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
  // Configuration only: a queue update must not reset what the operator is typing.
  const server = useFleetStore((s) => s.byId[id]);
  if (!server) return null;
  return <ServerEditForm key={configKey(server)} server={server} />;
});

const configKey = (s: ServerView): string => JSON.stringify([s.name, s.url, s.maxInFlight, s.tags]);

function ServerEditForm({ server }: { server: ServerView }) {
  const api = useFleetApi();
  const [values, setValues] = useState<ServerFormValues>(() => serverFormValues(server));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof ServerFormValues) => (e: { target: { value: string } }) => setValues({ ...values, [k]: e.target.value });

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const parsed = parseServerForm(server, values);
    setErrors(parsed.ok ? {} : parsed.errors);
    if (!parsed.ok || Object.keys(parsed.value).length === 1) return;
    setBusy(true);
    setError(null);
    const r = await api.call('servers.update', parsed.value);
    setBusy(false);
    if (!r.ok) setError(r.error);
  };

  return (
    <div className="server-editor" data-testid="server-editor" data-server-name={server.name}>
      <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label={`Edit ${server.name}`} noValidate>
        <Field label="Name" value={values.name} onChange={set('name')} error={errors.name} />
        <Field label="URL" value={values.url} onChange={set('url')} error={errors.url} spellCheck={false} />
        <Field label="Max in flight" className="input input-narrow" inputMode="numeric" value={values.maxInFlight} onChange={set('maxInFlight')} error={errors.maxInFlight} />
        <Field label="Tags (comma-separated)" value={values.tags} onChange={set('tags')} />
        <button type="submit" className="btn btn-small" disabled={busy}>
          Save
        </button>
        <span className="muted">
          {server.enabled ? 'enabled' : 'disabled'}
          {server.drained && ', drained'}
        </span>
      </form>
      {error && (
        <p className="form-error" role="alert" data-code={error.code}>
          {error.message}
        </p>
      )}
      <div className="inline-form">
        <ServerActions server={server} />
        <RemoveServerButton id={server.id} name={server.name} />
      </div>
    </div>
  );
}
