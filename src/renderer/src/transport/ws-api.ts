import type { TimerHandle } from '../../../shared/clock';
import type { CommandArgs, CommandName, CommandResult, FleetApi, Result } from '../../../shared/api';
import type { BridgeCall } from '../../../shared/transport';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { parseServerFrame } from './bridge-frames';
import type { ConnectionSource, EngineConnection } from './connection';
import { createPrimedListener, type PrimedListener } from './primed-listener';
import { disconnected } from './results';
import { realScheduler, type Scheduler } from './scheduler';
import type { BridgeSocket, OpenBridgeSocket } from './socket';

export interface WsApiOptions {
  url: string;
  openSocket: OpenBridgeSocket;
  scheduler?: Scheduler;
  random?: () => number;
  backoff?: BackoffOptions;
  /** Give up on a connection that has not opened by then. Default 10 s. */
  connectTimeoutMs?: number;
  /** A connection must stay up this long before the backoff starts over. Default 5 s. */
  minUptimeMs?: number;
}

export interface WsFleetApi extends FleetApi {
  readonly connection: ConnectionSource;
  /** Stops reconnecting and fails pending calls. Safe to call twice. */
  dispose(): void;
}

/**
 * FleetApi over the headless host's WebSocket bridge. The host sends a snapshot first on every
 * connection, so after a reconnect subscribers get a fresh snapshot without asking, and the store
 * starts over from it. Connects as soon as it is created.
 */
export function createWsFleetApi(options: WsApiOptions): WsFleetApi {
  const scheduler = options.scheduler ?? realScheduler;
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const minUptimeMs = options.minUptimeMs ?? 5_000;

  const subscribers = new Set<PrimedListener>();
  const connectionListeners = new Set<(connection: EngineConnection) => void>();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let connection: EngineConnection = { status: 'connecting', attempt: 0 };
  let socket: BridgeSocket | null = null;
  let current: object | null = null;
  let isOpen = false;
  let openedAt = 0;
  /** Whether the current connection has delivered its opening snapshot. */
  let snapshotSeen = false;
  let attempt = 0;
  let nextId = 1;
  let connectTimer: TimerHandle | undefined;
  let retryTimer: TimerHandle | undefined;
  let disposed = false;

  const setConnection = (next: EngineConnection): void => {
    connection = next;
    for (const listener of connectionListeners) listener(next);
  };

  const failPending = (): void => {
    const waiting = [...pending.values()];
    pending.clear();
    for (const resolve of waiting) resolve(disconnected('The engine connection closed before the call was answered'));
  };

  const connect = (): void => {
    isOpen = false;
    snapshotSeen = false;
    setConnection({ status: 'connecting', attempt });
    // Handlers compare against this token, so a replaced socket's late events are ignored.
    const token = {};
    current = token;
    try {
      socket = options.openSocket(options.url, {
        onOpen: () => {
          if (current === token) opened();
        },
        onMessage: (data) => {
          if (current === token) onFrame(data);
        },
        onClose: (code, reason) => {
          if (current === token) drop(describeClose(code, reason));
        },
      });
    } catch (error) {
      // Only a malformed address throws here; retrying keeps the UI on one code path.
      drop(`cannot open ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    connectTimer = scheduler.setTimeout(() => {
      if (current === token) drop(`no answer within ${Math.round(connectTimeoutMs / 1000)} s`);
    }, connectTimeoutMs);
  };

  const opened = (): void => {
    scheduler.clearTimeout(connectTimer);
    isOpen = true;
    openedAt = scheduler.now();
    setConnection({ status: 'open', since: openedAt });
  };

  const drop = (reason: string): void => {
    scheduler.clearTimeout(connectTimer);
    const wasUpLongEnough = isOpen && scheduler.now() - openedAt >= minUptimeMs;
    // Close the old socket before any new one opens, so two never overlap.
    current = null;
    socket?.close();
    socket = null;
    isOpen = false;
    failPending();
    if (disposed) return;
    if (wasUpLongEnough) attempt = 0;
    const delay = backoffDelay(attempt, random, backoff);
    attempt += 1;
    setConnection({ status: 'reconnecting', attempt, retryAt: scheduler.now() + delay, reason });
    retryTimer = scheduler.setTimeout(connect, delay);
  };

  const onFrame = (data: string): void => {
    const frame = parseServerFrame(data);
    if (!frame) {
      console.warn('Ignored a malformed frame from the engine bridge');
      return;
    }
    if (frame.kind === 'result') {
      const resolve = pending.get(frame.id);
      pending.delete(frame.id);
      resolve?.(frame.result);
      return;
    }
    if (frame.event.type === 'snapshot') snapshotSeen = true;
    for (const subscriber of subscribers) subscriber.push(frame.event);
  };

  const call = <K extends CommandName>(name: K, args: CommandArgs<K>): Promise<Result<CommandResult<K>>> => {
    if (!socket || !isOpen) return Promise.resolve(disconnected(name));
    const id = nextId++;
    const frame: BridgeCall = { kind: 'call', id, name, args };
    return new Promise((resolve) => {
      // The host answers each call with the Result type its command declares.
      pending.set(id, resolve as (result: Result<unknown>) => void);
      try {
        socket?.send(JSON.stringify(frame));
      } catch {
        pending.delete(id);
        resolve(disconnected(name));
      }
    });
  };

  const subscribe: FleetApi['subscribe'] = (listener) => {
    const subscriber = createPrimedListener(listener);
    subscribers.add(subscriber);
    // Joining mid-connection: the opening snapshot has gone by, so ask for one. Otherwise the
    // next connection's opening snapshot primes this subscriber.
    if (isOpen && snapshotSeen) {
      void call('fleet.snapshot', {}).then((result) => {
        if (result.ok && subscribers.has(subscriber)) subscriber.prime(result.value);
      });
    }
    return () => {
      subscribers.delete(subscriber);
    };
  };

  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    scheduler.clearTimeout(retryTimer);
    scheduler.clearTimeout(connectTimer);
    current = null;
    socket?.close();
    socket = null;
    isOpen = false;
    failPending();
  };

  connect();

  return {
    call,
    subscribe,
    dispose,
    connection: {
      get: () => connection,
      subscribe: (listener) => {
        connectionListeners.add(listener);
        return () => connectionListeners.delete(listener);
      },
    },
  };
}

function describeClose(code: number, reason: string): string {
  // Browsers report a refused or failed connection as 1006 with no reason.
  if (code === 1006 && !reason) return 'connection lost (1006)';
  return reason ? `closed ${code}: ${reason}` : `closed ${code}`;
}
