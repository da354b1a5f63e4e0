import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api';
import { useEngineOpens } from '../sync/use-engine';
import { ActionButton } from './ActionButton';
import { useFleetApi } from './api-context';

/**
 * M3 from the console: offered only when the host says it can start the demo fleet (a build
 * without the simulator answers `unavailable`). The three cards arrive as server upserts.
 */
export function DemoOffer() {
  const api = useFleetApi();
  const [available, setAvailable] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const opens = useEngineOpens();

  useEffect(() => {
    let cancelled = false;
    void api.call('settings.get', {}).then((result) => {
      if (!cancelled && result.ok) setAvailable(result.value.demo === 'available');
    });
    return () => {
      cancelled = true;
    };
  }, [api, opens]);

  if (!available) return null;
  const start = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await api.call('demo.start', {});
    setBusy(false);
    if (!result.ok) setError(result.error);
  };
  return (
    <div className="demo-offer">
      <p className="muted">Or look around first: three simulated servers (speeds 1×, 2×, 4×) with a trickle of tasks.</p>
      <ActionButton className="btn btn-primary" data-testid="start-demo" disabled={busy} onClick={() => void start()}>
        {busy ? 'Starting…' : 'Start the demo fleet'}
      </ActionButton>
      {error && (
        <p className="form-error" role="alert" data-code={error.code}>
          {error.message}
        </p>
      )}
    </div>
  );
}
