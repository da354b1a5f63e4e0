import { useFleetStore } from '../store/fleet/store';
import { selectConnection } from '../store/fleet/slices/engine/selectors';
import type { EngineConnection } from '../transport/connection';

const LABEL: Record<EngineConnection['status'], string> = {
  open: 'Engine connected',
  connecting: 'Connecting to engine…',
  reconnecting: 'Engine disconnected',
};

export function EngineStatus() {
  const connection = useFleetStore(selectConnection);
  return (
    <span className={`pill pill-${connection.status}`} data-testid="engine-state" data-state={connection.status}>
      <span className="dot" aria-hidden="true" />
      {LABEL[connection.status]}
    </span>
  );
}
