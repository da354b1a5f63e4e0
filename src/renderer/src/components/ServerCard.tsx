import { memo } from 'react';
import type { ServerId } from '../../../shared/fleet';
import { useFleetStore } from '../store/fleet/store';
import { serverPresence } from '../store/fleet/slices/live/server-presence';
import { DepthChart } from '../views/fleet/DepthChart';
import type { ChartWindow } from '../views/fleet/depth-series';
import { HealthStatus } from './HealthStatus';
import { QueueCounts } from './QueueCounts';
import { RemoveServerButton } from './RemoveServerButton';
import { ServerActions } from './ServerActions';
import { SocketStatus } from './SocketStatus';
import './fleet.css';

/**
 * Takes only an id and reads its own server, so a delta to one server re-renders one card: the
 * reducer keeps the object identity of every server a batch left alone.
 */
export const ServerCard = memo(function ServerCard({ id, window }: { id: ServerId; window: ChartWindow }) {
  const server = useFleetStore((state) => state.byId[id]);
  if (!server) return null;
  // What the snapshot's figures are worth now: current, last known (down), or not watched (disabled).
  const presence = serverPresence(server);
  return (
    <article
      className={`card card-${server.health.state}${server.enabled ? '' : ' card-disabled'}${server.drained ? ' card-drained' : ''}`}
      data-testid="server-card"
      data-server-id={server.id}
      data-server-name={server.name}
      data-health={server.health.state}
      data-drained={server.drained}
      data-enabled={server.enabled}
      data-presence={presence}
      aria-label={server.name}
    >
      <header className="card-head">
        <h2 className="card-name" title={server.name}>
          {server.name}
        </h2>
        {!server.enabled && (
          <span className="badge" data-testid="disabled">
            disabled
          </span>
        )}
        {server.drained && (
          <span className="badge badge-warn" data-testid="drained">
            drained
          </span>
        )}
        <RemoveServerButton id={server.id} name={server.name} />
      </header>
      <div className="card-url" title={server.url}>
        {server.url}
      </div>
      <HealthStatus health={server.health} stats={server.stats} presence={presence} />
      <QueueCounts queue={server.queue} inFlight={server.inFlight} maxInFlight={server.maxInFlight} presence={presence} />
      <DepthChart id={server.id} window={window} />
      <SocketStatus socket={server.socket} enabled={server.enabled} />
      {server.lastError && (
        <p className="card-error" data-testid="last-error" title={server.lastError}>
          HTTP: {server.lastError}
        </p>
      )}
      <ServerActions server={server} />
    </article>
  );
});
