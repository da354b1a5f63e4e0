import { useShallow } from 'zustand/react/shallow';
import { useFleetStore } from '../store/fleet/store';
import { selectFleetTotals } from '../store/fleet/slices/live/selectors';

export function FleetTotals() {
  const totals = useFleetStore(useShallow(selectFleetTotals));
  return (
    <dl className="totals" aria-label="Fleet totals">
      <div>
        <dt>Running</dt>
        <dd data-testid="total-running">{totals.running}</dd>
      </div>
      <div>
        <dt>Pending</dt>
        <dd data-testid="total-pending">{totals.pending}</dd>
      </div>
      <div>
        <dt>Sockets open</dt>
        {/* Of the enabled servers: a disabled one has no socket, and is not one missing. */}
        <dd data-testid="total-sockets" title={`${totals.socketsOpen} of ${totals.enabled} enabled server(s) have their socket open${totals.servers > totals.enabled ? `; ${totals.servers - totals.enabled} disabled` : ''}`}>
          {totals.socketsOpen}
          <span className="of">/{totals.enabled}</span>
        </dd>
      </div>
    </dl>
  );
}
