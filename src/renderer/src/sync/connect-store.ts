import type { TimerHandle } from '../../../shared/clock';
import type { FleetApi } from '../../../shared/api';
import type { HostEvent } from '../../../shared/fleet';
import type { ConnectionSource, EngineConnection } from '../transport/connection';
import { realScheduler, type Scheduler } from '../transport/scheduler';
import type { SyncState } from '../store/fleet/slices/live/initialState';

/** The part of the store this glue needs. */
export interface FleetStorePort {
  getState(): { sync: SyncState; applyEvents(events: readonly HostEvent[]): void; setConnection(connection: EngineConnection): void };
}

export interface ConnectStoreOptions {
  scheduler?: Scheduler;
  /** Wait before asking again when a resync snapshot call fails. Default 1 s. */
  resyncRetryMs?: number;
  /**
   * Events are applied to the store at most once per this interval (default 100 ms: ~10 UI
   * updates a second, however busy the fleet is). 0 applies each event as it comes.
   */
  flushIntervalMs?: number;
}

/**
 * Feeds host events into the store and repairs gaps: when the reducer reports `resyncing`,
 * asks the engine for one fresh snapshot (never two at once). Returns a function that stops it.
 */
export function connectStore(api: FleetApi, connection: ConnectionSource, store: FleetStorePort, options: ConnectStoreOptions = {}): () => void {
  const scheduler = options.scheduler ?? realScheduler;
  const resyncRetryMs = options.resyncRetryMs ?? 1000;
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  let stopped = false;
  let pending: HostEvent[] = [];
  let flushTimer: TimerHandle | undefined;
  let lastFlushAt = -Infinity;
  let resyncInFlight = false;
  let retry: TimerHandle | undefined;

  const resyncIfNeeded = (): void => {
    if (stopped || resyncInFlight || store.getState().sync !== 'resyncing') return;
    resyncInFlight = true;
    void api.call('fleet.snapshot', {}).then((result) => {
      resyncInFlight = false;
      if (stopped) return;
      if (result.ok) {
        flush();
        store.getState().applyEvents([{ type: 'snapshot', snapshot: result.value }]);
      } else {
        // Disconnected: the bridge's next connection brings a snapshot anyway; otherwise try again.
        retry = scheduler.setTimeout(resyncIfNeeded, resyncRetryMs);
      }
    });
  };

  const flush = (): void => {
    scheduler.clearTimeout(flushTimer);
    flushTimer = undefined;
    lastFlushAt = scheduler.now();
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    store.getState().applyEvents(events);
    resyncIfNeeded();
  };

  store.getState().setConnection(connection.get());
  const stopConnection = connection.subscribe((next) => store.getState().setConnection(next));
  const stopEvents = api.subscribe((event) => {
    pending.push(event);
    // The first event after a quiet spell shows at once; a stream is coalesced to one store
    // update per interval, so a fleet of 50 busy servers costs ~10 renders a second, not hundreds.
    const wait = lastFlushAt + flushIntervalMs - scheduler.now();
    if (wait <= 0) flush();
    else flushTimer ??= scheduler.setTimeout(flush, wait);
  });

  return () => {
    stopped = true;
    scheduler.clearTimeout(retry);
    scheduler.clearTimeout(flushTimer);
    stopEvents();
    stopConnection();
  };
}
