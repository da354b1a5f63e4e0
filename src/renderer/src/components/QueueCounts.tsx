import type { QueueDepth } from '../../../shared/fleet';
import { Ago } from './RelativeTime';

const SOURCE: Record<QueueDepth['source'], string> = { ws: 'socket', probe: 'probe' };

export function QueueCounts({ queue }: { queue: QueueDepth | null }) {
  return (
    <div className="counts">
      <Count label="running" value={queue?.running} />
      <Count label="pending" value={queue?.pending} />
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

/** One big number; its test id is its label, and its text is only the number (e2e reads it). */
function Count({ label, value }: { label: 'running' | 'pending'; value: number | undefined }) {
  return (
    <div className="count">
      <span className="count-value" data-testid={label}>
        {value ?? '—'}
      </span>
      <span className="count-label">{label}</span>
    </div>
  );
}
