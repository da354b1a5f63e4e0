import { memo, useState } from 'react';
import type { ApiError } from '../../../shared/api';
import type { ServerView } from '../../../shared/fleet';
import { ActionButton } from './ActionButton';
import { useFleetApi } from './api-context';

type Change = { drained: boolean } | { enabled: boolean };

/**
 * F1: drain/undrain and enable/disable. The card shows the new state when the engine's upsert
 * arrives; here only the engine's error, as it wrote it. Compares the four fields it shows, so
 * a card's queue changes (a new server object each time) do not re-render it.
 */
type Shown = Pick<ServerView, 'id' | 'name' | 'drained' | 'enabled'>;

const sameShown = (a: { server: Shown }, b: { server: Shown }): boolean =>
  a.server.id === b.server.id && a.server.name === b.server.name && a.server.drained === b.server.drained && a.server.enabled === b.server.enabled;

export const ServerActions = memo(function ServerActions({ server }: { server: Shown }) {
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
      <ActionButton
        className="btn btn-small"
        data-testid={server.drained ? 'undrain-server' : 'drain-server'}
        aria-label={`${server.drained ? 'Undrain' : 'Drain'} ${server.name}`}
        title={server.drained ? 'Give it new tasks again' : 'No new tasks; it finishes what it has'}
        disabled={busy}
        onClick={() => void update({ drained: !server.drained })}
      >
        {server.drained ? 'Undrain' : 'Drain'}
      </ActionButton>
      <ActionButton
        className="btn btn-small"
        data-testid={server.enabled ? 'disable-server' : 'enable-server'}
        aria-label={`${server.enabled ? 'Disable' : 'Enable'} ${server.name}`}
        title={server.enabled ? 'No tasks, no probes, no socket' : 'Probe, connect and dispatch again'}
        disabled={busy}
        onClick={() => void update({ enabled: !server.enabled })}
      >
        {server.enabled ? 'Disable' : 'Enable'}
      </ActionButton>
      {error && (
        <p className="card-error" role="alert" data-testid="server-action-error" data-code={error.code}>
          {error.message}
        </p>
      )}
    </div>
  );
}, sameShown);
