import { memo } from 'react';
import type { ServerId } from '../../../shared/fleet';
import { useFleetStore } from '../store/fleet/store';
import { HealthStatus } from './HealthStatus';
import { QueueCounts } from './QueueCounts';
import { RemoveServerButton } from './RemoveServerButton';
import { SocketStatus } from './SocketStatus';

/**
 * Takes only an id and reads its own server, so a delta to one server re-renders one card: the
 * reducer keeps the object identity of every server a batch left alone.
 */
export const ServerCard = memo(function ServerCard({ id }: { id: ServerId }) {
  const server = useFleetStore((state) => state.byId[id]);
  if (!server) return null;
  return (
    <article
      className={`card card-${server.health.state}`}
      data-testid="server-card"
      data-server-id={server.id}
      data-server-name={server.name}
      aria-label={server.name}
    >
      <header className="card-head">
        <h2 className="card-name" title={server.name}>
          {server.name}
        </h2>
        {!server.enabled && <span className="badge">disabled</span>}
        {server.drained && (
          <span className="badge" data-testid="drained">
            drained
          </span>
        )}
        <RemoveServerButton id={server.id} name={server.name} />
      </header>
      <div className="card-url" title={server.url}>
        {server.url}
      </div>
      <HealthStatus health={server.health} stats={server.stats} />
      <QueueCounts queue={server.queue} />
      <SocketStatus socket={server.socket} />
      {server.lastError && (
        <p className="card-error" data-testid="last-error" title={server.lastError}>
          HTTP: {server.lastError}
        </p>
      )}
    </article>
  );
});
