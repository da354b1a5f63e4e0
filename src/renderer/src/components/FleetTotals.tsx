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
        <dd data-testid="total-sockets">
          {totals.socketsOpen}
          <span className="of">/{totals.servers}</span>
        </dd>
      </div>
    </dl>
  );
}
