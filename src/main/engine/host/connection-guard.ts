import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/*
 * What keeps slow or idle sockets (slowloris) from holding an HTTP server of the console: the
 * task API and the headless host both use it.
 *
 * 1. Timeouts that bite on time. Node cuts a socket whose headers (or whole request) are late
 *    only when it next checks, every `connectionsCheckingInterval` — 30 s by default — so a 10 s
 *    headers timeout cut slow sockets after 25–30 s. The interval here is a tenth of the
 *    timeout (at most 1 s), so a late socket goes within about 1.1 × the timeout.
 * 2. A share of the connection cap kept for clients that send requests. Sockets with no request
 *    in progress — still sending their headers, or idle between requests — may hold at most
 *    `idleShare` of the cap; one more such socket closes the one idle longest. A flood of slow
 *    sockets then keeps cycling through that share while a client that sends its request at
 *    once is served at once, instead of every newcomer being refused until the timeout.
 */

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 256;
/** Of the cap, the part idle or still-sending sockets may hold; the rest is for requests in progress. */
const IDLE_SHARE = 0.75;

/** Options for `createServer`: the timeouts, and a check interval that matches them. */
export function serverTimeouts(headersTimeoutMs: number, requestTimeoutMs: number): ServerOptions {
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(requestTimeoutMs, headersTimeoutMs),
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeoutMs / 10))),
  };
}

export interface ConnectionGuard {
  /** A socket taken over by an upgrade (WebSocket): no longer idle, never again an HTTP request. */
  claim(socket: Socket): void;
}

/** Caps `server` at `maxConnections`, of which idle or slow sockets may hold {@link IDLE_SHARE}. */
export function guardConnections(server: Server, maxConnections: number = DEFAULT_MAX_CONNECTIONS): ConnectionGuard {
  const idleLimit = Math.max(1, Math.floor(maxConnections * IDLE_SHARE));
  // Insertion order is idle-since order: the first entry has waited longest.
  const idle = new Set<Socket>();
  const inFlight = new WeakMap<Socket, number>();
  server.maxConnections = maxConnections;

  const makeIdle = (socket: Socket) => {
    if (socket.destroyed) return;
    idle.add(socket);
    if (idle.size <= idleLimit) return;
    const oldest = idle.values().next().value as Socket;
    idle.delete(oldest);
    oldest.destroy();
  };

  server.on('connection', (socket: Socket) => {
    socket.once('close', () => idle.delete(socket));
    makeIdle(socket);
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    idle.delete(socket);
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      // Kept alive for the next request: idle again, and the newest idle one.
      if (left === 0) makeIdle(socket);
    });
  });

  return {
    claim: (socket) => {
      idle.delete(socket);
    },
  };
}
