import { useFleetStore } from '../store/fleet/store';
import { selectEngineOpen } from '../store/fleet/slices/engine/selectors';
import { selectServerIds, selectSyncState } from '../store/fleet/slices/live/selectors';
import type { ChartWindow } from '../views/fleet/depth-series';
import { EmptyState } from './EmptyState';
import { ServerCard } from './ServerCard';

/** Re-renders only when servers are added, removed or reordered; cards follow their own server. */
export function ServerList({ window }: { window: ChartWindow }) {
  const ids = useFleetStore(selectServerIds);
  const sync = useFleetStore(selectSyncState);
  const engineOpen = useFleetStore(selectEngineOpen);
  if (sync === 'waiting' || ids.length === 0) return <EmptyState waiting={sync === 'waiting'} />;
  return (
    // Dimmed while the engine link is down: the figures are the last ones known, not live.
    <section className={engineOpen ? 'server-grid' : 'server-grid stale'} aria-label="Servers" data-testid="server-list">
      {ids.map((id) => (
        <ServerCard key={id} id={id} window={window} />
      ))}
    </section>
  );
}
