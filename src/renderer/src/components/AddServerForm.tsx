import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api';
import { readableError } from '../ui/readable-error';
import { ActionButton } from './ActionButton';
import { useFleetApi } from './api-context';

const LABELS: Record<string, string> = { url: 'Server URL', name: 'Server name' };

/** The new card appears from the engine's upsert delta, not from the call's answer. */
export function AddServerForm() {
  const api = useFleetApi();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const trimmedName = name.trim();
    const result = await api.call('servers.add', trimmedName ? { url: url.trim(), name: trimmedName } : { url: url.trim() });
    setBusy(false);
    if (result.ok) {
      setUrl('');
      setName('');
    } else {
      setError(result.error);
    }
  };

  return (
    <form className="add-server" aria-label="Add server" onSubmit={(event) => void submit(event)}>
      {/* type="text", not "url": the engine's F1 check and its message are the ones that count. */}
      <input
        className="input input-url"
        type="text"
        inputMode="url"
        placeholder="http://10.0.0.5:8188"
        aria-label="Server URL"
        data-testid="add-server-url"
        value={url}
        onChange={(event) => setUrl(event.target.value)}
        required
        spellCheck={false}
        autoComplete="off"
      />
      <input
        className="input input-name"
        type="text"
        placeholder="Name (optional)"
        aria-label="Server name"
        data-testid="add-server-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        autoComplete="off"
      />
      <ActionButton type="submit" className="btn btn-primary" data-testid="add-server-submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add server'}
      </ActionButton>
      {error && (
        <p className="form-error" role="alert" data-testid="add-server-error" data-code={error.code}>
          {readableError(error, LABELS).text}
        </p>
      )}
    </form>
  );
}
