import { useFleetStore } from '../store/fleet/store';
import { selectConnection } from '../store/fleet/slices/engine/selectors';
import { selectSyncState } from '../store/fleet/slices/live/selectors';
import { secondsUntil } from '../time/format';
import { useNow } from '../time/use-now';

/** Says why the figures below may be stale; renders nothing while all is well. */
export function ConnectionBanner() {
  const connection = useFleetStore(selectConnection);
  const sync = useFleetStore(selectSyncState);
  if (connection.status === 'reconnecting') return <Reconnecting retryAt={connection.retryAt} reason={connection.reason} />;
  // Between a retry firing and the socket opening, keep saying so rather than flicker the banner away.
  if (connection.status === 'connecting' && connection.attempt > 0) {
    return (
      <div className="banner banner-warn" role="status" data-testid="engine-banner">
        Disconnected from engine — reconnecting…
        <span className="banner-detail">Actions are off until it is back.</span>
      </div>
    );
  }
  if (sync === 'resyncing') {
    return (
      <div className="banner banner-info" role="status">
        Missed an update from the engine — reloading the fleet state…
      </div>
    );
  }
  return null;
}

function Reconnecting({ retryAt, reason }: { retryAt: number; reason: string }) {
  const now = useNow();
  const seconds = secondsUntil(retryAt, now);
  return (
    <div className="banner banner-warn" role="status" data-testid="engine-banner">
      Disconnected from engine — {seconds > 0 ? `reconnecting in ${seconds} s` : 'reconnecting…'}
      <span className="banner-detail">{reason}</span>
      <span className="banner-detail">Actions are off until it is back.</span>
    </div>
  );
}
