import type { QueueDepth } from '../../../shared/fleet';
import { Ago } from './RelativeTime';

const SOURCE: Record<QueueDepth['source'], string> = { ws: 'socket', probe: 'probe' };

/** Running/pending on the server (everyone's jobs), and ours in flight there of the allowed. */
export function QueueCounts({ queue, inFlight, maxInFlight }: { queue: QueueDepth | null; inFlight: number; maxInFlight: number }) {
  return (
    <div className="counts">
      <Count label="running" value={queue?.running} />
      <Count label="pending" value={queue?.pending} />
      <div className="count" title="Tasks of this console on the server now, of the most it may have there">
        <span className="count-value">
          <span data-testid="in-flight">{inFlight}</span>
          <span className="of">/{maxInFlight}</span>
        </span>
        <span className="count-label">ours</span>
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
