import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { BridgeServerFrame } from '../shared/transport';
import type { Engine } from '../main/engine/engine';
import type { Clock } from '../main/engine/core/clock';
import { systemClock } from '../main/engine/core/clock';
import { RepeatedWarnings } from './repeated-warnings';

const callFrame = z.object({ kind: z.literal('call'), id: z.number().int().nonnegative(), name: z.string().max(100), args: z.unknown() });

/** A client that lets this much pile up is not reading; it is dropped and resyncs from a snapshot. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export interface BridgeClientOptions {
  /** Time for the warning limiter (tests move it by hand); the system clock by default. */
  clock?: Clock;
  /** A dropped-frame warning repeats at most once per this many ms per connection (default 10 s). */
  warnIntervalMs?: number;
}

/**
 * Serves one browser connection: snapshot first, then every delta batch; calls are routed to
 * the engine and always answered. The same names as the Electron IPC channels travel here.
 */
export function attachBridgeClient(engine: Engine, ws: WebSocket, log: (line: string) => void, options: BridgeClientOptions = {}): void {
  // Frames without an id cannot be answered, only logged: per cause, once, then a count.
  const warnings = new RepeatedWarnings({ log, clock: options.clock ?? systemClock, intervalMs: options.warnIntervalMs });
  const send = (frame: BridgeServerFrame) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'client too slow; reconnect for a fresh snapshot');
      return;
    }
    ws.send(JSON.stringify(frame));
  };

  // Subscribe before taking the snapshot so no batch can fall between them; the client drops
  // batches whose seq the snapshot already covers.
  const subscription = engine.onEvent((event) => send({ kind: 'event', event }));
  send({ kind: 'event', event: { type: 'snapshot', snapshot: engine.snapshot() } });

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(1003, 'binary frames are not part of the bridge protocol');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      warnings.warn('not-json', 'bridge: dropped a frame that is not JSON');
      return;
    }
    const parsed = callFrame.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown } | null)?.id;
      if (typeof id === 'number') {
        send({ kind: 'result', id, result: { ok: false, error: { code: 'bad_request', message: `bridge frame is not a call: ${z.prettifyError(parsed.error)}` } } });
      } else {
        warnings.warn('not-a-call', 'bridge: dropped a frame that is not a call');
      }
      return;
    }
    const { id, name, args } = parsed.data;
    void engine.call(name, args).then((result) => send({ kind: 'result', id, result }));
  });
  // A browser that vanished without a close (sleep, network) answers no ping; drop it so its
  // subscription does not pile up frames forever.
  let alive = true;
  ws.on('pong', () => (alive = true));
  const heartbeat = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    clearInterval(heartbeat);
    subscription.dispose();
    warnings.dispose();
  };
  ws.on('close', end);
  ws.on('error', end);
}
