import { memo, useState } from 'react';
import type { ServerId } from '../../../shared/fleet';
import { ActionButton } from './ActionButton';
import { useFleetApi } from './api-context';

/** The card disappears when the engine's removal delta arrives; this only reports failures. */
export const RemoveServerButton = memo(function RemoveServerButton({ id, name }: { id: ServerId; name: string }) {
  const api = useFleetApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await api.call('servers.remove', { id });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };

  return (
    <>
      <ActionButton className="btn btn-quiet" data-testid="remove-server" aria-label={`Remove ${name}`} disabled={busy} onClick={() => void remove()}>
        Remove
      </ActionButton>
      {error && (
        <p className="card-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
});
