import type { QueueDepth } from '../../../shared/fleet';
import { Ago } from './RelativeTime';

const SOURCE: Record<QueueDepth['source'], string> = { ws: 'socket', probe: 'probe' };

export function QueueCounts({ queue }: { queue: QueueDepth | null }) {
  return (
    <div className="counts">
      <div className="count">
        <span className="count-value" data-testid="running">
          {queue ? queue.running : '—'}
        </span>
        <span className="count-label">running</span>
      </div>
      <div className="count">
        <span className="count-value" data-testid="pending">
          {queue ? queue.pending : '—'}
        </span>
        <span className="count-label">pending</span>
      </div>
      <div className="count-meta">
        {queue ? (
          <>
            via {SOURCE[queue.source]}
            <br />
            <Ago at={queue.at} />
          </>
        ) : (
          'no queue data yet'
        )}
      </div>
    </div>
  );
}
