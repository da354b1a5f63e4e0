import { memo, useState } from 'react';
import type { ServerId } from '../../../shared/fleet';
import { Dialog } from '../ui/Dialog';
import { ActionButton } from './ActionButton';
import { useFleetApi } from './api-context';

/** How many of our tasks are on the server, from the ledger: null until known, 'unknown' without a ledger. */
type OnServer = number | 'unknown' | null;

/**
 * Remove asks first, and says how many of our unfinished tasks are on the server. The card
 * disappears when the engine's removal delta arrives; this only reports failures.
 */
export const RemoveServerButton = memo(function RemoveServerButton({ id, name }: { id: ServerId; name: string }) {
  const api = useFleetApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [onServer, setOnServer] = useState<OnServer>(null);

  const ask = (): void => {
    setConfirming(true);
    setOnServer(null);
    void api.call('tasks.counts', { serverId: id }).then((r) => setOnServer(r.ok ? r.value.queued + r.value.dispatched + r.value.running : 'unknown'));
  };

  const remove = async (): Promise<void> => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    const result = await api.call('servers.remove', { id });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };

  return (
    <>
      <ActionButton className="btn btn-quiet" data-testid="remove-server" aria-label={`Remove ${name}`} disabled={busy} onClick={ask}>
        Remove
      </ActionButton>
      {confirming && (
        <Dialog title={`Remove server ${name}?`} onClose={() => setConfirming(false)} testId="remove-server-dialog">
          <p data-testid="remove-server-tasks" data-count={typeof onServer === 'number' ? onServer : undefined}>
            {onServer === null
              ? 'Counting the tasks on it…'
              : onServer === 'unknown'
                ? 'The number of tasks on it is not known (no task ledger).'
                : onServer === 0
                  ? 'No unfinished task of ours is on it.'
                  : `${onServer} unfinished task(s) of ours are on it (dispatched or running there). Removing the server does not move them: cancel them, or force-unlock their sessions with requeue, first.`}
          </p>
          <div className="dialog-actions">
            <button type="button" className="btn" data-autofocus onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <ActionButton className="btn btn-danger" data-testid="remove-server-confirm" onClick={() => void remove()}>
              Remove {name}
            </ActionButton>
          </div>
        </Dialog>
      )}
      {error && (
        <p className="card-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
});
