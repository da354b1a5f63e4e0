import type { TimerHandle } from '../../../shared/clock';
import type { FleetApi } from '../../../shared/api';
import type { HostEvent } from '../../../shared/fleet';
import type { ConnectionSource, EngineConnection } from '../transport/connection';
import { realScheduler, type Scheduler } from '../transport/scheduler';
import type { SyncState } from '../store/fleet/slices/servers/initialState';

/** The part of the store this glue needs. */
export interface FleetStorePort {
  getState(): { sync: SyncState; applyEvent(event: HostEvent): void; setConnection(connection: EngineConnection): void };
}

export interface ConnectStoreOptions {
  scheduler?: Scheduler;
  /** Wait before asking again when a resync snapshot call fails. Default 1 s. */
  resyncRetryMs?: number;
}

/**
 * Feeds host events into the store and repairs gaps: when the reducer reports `resyncing`,
 * asks the engine for one fresh snapshot (never two at once). Returns a function that stops it.
 */
export function connectStore(api: FleetApi, connection: ConnectionSource, store: FleetStorePort, options: ConnectStoreOptions = {}): () => void {
  const scheduler = options.scheduler ?? realScheduler;
  const resyncRetryMs = options.resyncRetryMs ?? 1000;
  let stopped = false;
  let resyncInFlight = false;
  let retry: TimerHandle | undefined;

  const resyncIfNeeded = (): void => {
    if (stopped || resyncInFlight || store.getState().sync !== 'resyncing') return;
    resyncInFlight = true;
    void api.call('fleet.snapshot', {}).then((result) => {
      resyncInFlight = false;
      if (stopped) return;
      if (result.ok) {
        store.getState().applyEvent({ type: 'snapshot', snapshot: result.value });
      } else {
        // Disconnected: the bridge's next connection brings a snapshot anyway; otherwise try again.
        retry = scheduler.setTimeout(resyncIfNeeded, resyncRetryMs);
      }
    });
  };

  store.getState().setConnection(connection.get());
  const stopConnection = connection.subscribe((next) => store.getState().setConnection(next));
  const stopEvents = api.subscribe((event) => {
    store.getState().applyEvent(event);
    resyncIfNeeded();
  });

  return () => {
    stopped = true;
    scheduler.clearTimeout(retry);
    stopEvents();
    stopConnection();
  };
}
