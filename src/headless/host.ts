import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Engine } from '../main/engine/engine';
import { BRIDGE_PATH } from '../shared/transport';
import { attachBridgeClient } from './bridge';
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
}

export interface HeadlessHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

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

  const server = createServer((req, res) => {
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
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path !== BRIDGE_PATH) return refuse('404 Not Found');
    if (!hostAllowed(req) || !originAllowed(req)) {
      opts.log(`bridge: refused a connection from origin ${req.headers.origin ?? '(none)'} for host ${req.headers.host ?? '(none)'}`);
      return refuse('403 Forbidden');
    }
    if (!tokenAllowed(req)) return refuse('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attachBridgeClient(opts.engine, ws, opts.log));
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
