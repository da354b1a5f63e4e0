import type { QueueDepth } from '../../../shared/fleet';
import type { Presence } from '../store/fleet/slices/live/server-presence';
import { Ago } from './RelativeTime';

const SOURCE: Record<QueueDepth['source'], string> = { ws: 'socket', probe: 'probe' };

interface Props {
  queue: QueueDepth | null;
  inFlight: number;
  maxInFlight: number;
  presence: Presence;
}

/**
 * Running/pending on the server (everyone's jobs), and ours in flight there of the allowed.
 * A down server's figures are what it reported last, so they are marked as such with their age;
 * a disabled server's are not watched, so none are shown.
 */
export function QueueCounts({ queue, inFlight, maxInFlight, presence }: Props) {
  const shown = presence === 'disabled' ? null : queue;
  const stale = presence === 'down' && shown !== null;
  return (
    <div className={stale ? 'counts counts-stale' : 'counts'} data-stale={stale} title={stale ? 'The server is down: these are the last figures it reported, not its queue now' : undefined}>
      <Count label="running" value={shown?.running} stale={stale} />
      <Count label="pending" value={shown?.pending} stale={stale} />
      <div className="count" title="Tasks of this console on the server now, of the most it may have there">
        <span className="count-value">
          <span data-testid="in-flight">{inFlight}</span>
          <span className="of">/{maxInFlight}</span>
        </span>
        <span className="count-label">ours</span>
      </div>
      <div className="count-meta">
        {stale && shown ? (
          <span data-testid="queue-stale">
            last known
            <br />
            <Ago at={shown.at} />
          </span>
        ) : shown ? (
          <>
            via {SOURCE[shown.source]}
            <br />
            <Ago at={shown.at} />
          </>
        ) : presence === 'disabled' ? (
          'disabled: not probed'
        ) : (
          'no queue data yet'
        )}
      </div>
    </div>
  );
}

/** One big number; its test id is its label, and its text is only the number (e2e reads it). */
function Count({ label, value, stale }: { label: 'running' | 'pending'; value: number | undefined; stale: boolean }) {
  return (
    <div className="count">
      <span className={stale ? 'count-value count-stale' : 'count-value'} data-testid={label} data-stale={stale}>
        {value ?? '—'}
      </span>
      <span className="count-label">
        {label}
        {/* The meta column says "last known" to the eye; a screen reader hears it with each figure. */}
        {stale && <span className="visually-hidden"> (last known)</span>}
      </span>
    </div>
  );
}
