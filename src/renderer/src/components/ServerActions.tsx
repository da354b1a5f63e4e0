import { useState } from 'react';
import type { ApiError } from '../../../shared/api';
import type { ServerView } from '../../../shared/fleet';
import { useFleetApi } from './api-context';

type Change = { drained: boolean } | { enabled: boolean };

/**
 * F1: drain/undrain and enable/disable. The card shows the new state when the engine's upsert
 * arrives; here only the engine's error, as it wrote it.
 */
export function ServerActions({ server }: { server: Pick<ServerView, 'id' | 'name' | 'drained' | 'enabled'> }) {
  const api = useFleetApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const update = async (change: Change): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await api.call('servers.update', { id: server.id, ...change });
    setBusy(false);
    if (!result.ok) setError(result.error);
  };

  return (
    <div className="server-actions">
      <button
        type="button"
        className="btn btn-small"
        data-testid={server.drained ? 'undrain-server' : 'drain-server'}
        aria-label={`${server.drained ? 'Undrain' : 'Drain'} ${server.name}`}
        title={server.drained ? 'Give it new tasks again' : 'No new tasks; it finishes what it has'}
        disabled={busy}
        onClick={() => void update({ drained: !server.drained })}
      >
        {server.drained ? 'Undrain' : 'Drain'}
      </button>
      <button
        type="button"
        className="btn btn-small"
        data-testid={server.enabled ? 'disable-server' : 'enable-server'}
        aria-label={`${server.enabled ? 'Disable' : 'Enable'} ${server.name}`}
        title={server.enabled ? 'No tasks, no probes, no socket' : 'Probe, connect and dispatch again'}
        disabled={busy}
        onClick={() => void update({ enabled: !server.enabled })}
      >
        {server.enabled ? 'Disable' : 'Enable'}
      </button>
      {error && (
        <p className="card-error" role="alert" data-testid="server-action-error" data-code={error.code}>
          {error.message}
        </p>
      )}
    </div>
  );
}
