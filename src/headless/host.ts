import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Engine } from '../main/engine/engine';
import type { Clock } from '../main/engine/core/clock';
import { systemClock } from '../main/engine/core/clock';
import { DEFAULT_HEADERS_TIMEOUT_MS, guardConnections, serverTimeouts } from '../main/engine/host/connection-guard';
import { BRIDGE_PATH } from '../shared/transport';
import { attachBridgeClient } from './bridge';
import { RepeatedWarnings } from './repeated-warnings';
import { serveStatic } from './static-files';

export interface HeadlessHostOptions {
  engine: Engine;
  /** Address to bind; loopback unless a token is given (E2). */
  host: string;
  port: number;
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  token: string | null;
  log: (line: string) => void;
  /** Time for the log limiter (tests move it by hand); the system clock by default. */
  clock?: Clock;
  /** A repeated warning (a dropped bridge frame, a refused origin) is logged at most once per this many ms; default 10 s. */
  warnIntervalMs?: number;
  /** A request's headers must arrive within this many ms; default 10 s (see connection-guard.ts). */
  headersTimeoutMs?: number;
  /** Open connections at most (bridge sockets included); default 256, a quarter kept for requests in progress. */
  maxConnections?: number;
}

export interface HeadlessHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** After its headers, a request (a GET without body) must be complete within this much more. */
const REQUEST_GRACE_MS = 20_000;

export class HostConfigError extends Error {
  override readonly name = 'HostConfigError';
}

/** M2: the renderer on HTTP and the engine API over a WebSocket bridge, same origin. */
export async function startHeadlessHost(opts: HeadlessHostOptions): Promise<HeadlessHost> {
  if (!LOOPBACK.has(opts.host) && !opts.token) {
    throw new HostConfigError(`binding to ${opts.host} exposes the console beyond this machine; give --token T (or bind to 127.0.0.1)`);
  }
  // Filled in once the port is known; no request is handled before that.
  const allowedHosts = new Set<string>();

  // DNS rebinding: a page from another site that resolves to 127.0.0.1 still sends its own Host.
  // A console bound beyond loopback is reached by names we cannot know; its token guards it.
  const loopbackOnly = LOOPBACK.has(opts.host);
  const hostAllowed = (req: IncomingMessage) => !loopbackOnly || allowedHosts.has(req.headers.host ?? '');
  const originAllowed = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // not a browser: scripts, tests, curl
    try {
      const o = new URL(origin);
      return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === req.headers.host && hostAllowed(req);
    } catch {
      return false;
    }
  };
  const tokenAllowed = (req: IncomingMessage) => {
    if (!opts.token) return true;
    const given = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(opts.token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const clock = opts.clock ?? systemClock;
  // Any page on this machine may try the bridge: its refusals are logged once, then counted.
  const refusals = new RepeatedWarnings({ log: opts.log, clock, intervalMs: opts.warnIntervalMs });

  // Requests here are GETs of the renderer's files: no body, so the whole request is due soon after its headers.
  const headersTimeoutMs = opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const server = createServer(serverTimeouts(headersTimeoutMs, headersTimeoutMs + REQUEST_GRACE_MS), (req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end(`host ${req.headers.host ?? '(none)'} is not served here`);
      return;
    }
    serveStatic(opts.rendererDir, req, res).catch((err: unknown) => {
      opts.log(`static: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const guard = guardConnections(server, opts.maxConnections);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    // An upgraded socket is a bridge client (or is being refused and closed), not an idle one.
    guard.claim(socket as Socket);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path !== BRIDGE_PATH) return refuse('404 Not Found');
    if (!hostAllowed(req) || !originAllowed(req)) {
      refusals.warn('origin', `bridge: refused a connection from origin ${req.headers.origin ?? '(none)'} for host ${req.headers.host ?? '(none)'}`);
      return refuse('403 Forbidden');
    }
    if (!tokenAllowed(req)) return refuse('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attachBridgeClient(opts.engine, ws, opts.log, { clock, warnIntervalMs: opts.warnIntervalMs }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  for (const h of ['127.0.0.1', 'localhost', '[::1]', hostForUrl(opts.host)]) allowedHosts.add(`${h}:${port}`);
  const url = `http://${hostForUrl(opts.host)}:${port}/${opts.token ? `#token=${encodeURIComponent(opts.token)}` : ''}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        refusals.dispose('before the console stopped');
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
