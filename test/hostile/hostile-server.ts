import { once } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * A tiny misbehaving HTTP server on 127.0.0.1 for the hostile-response corpus (E3). Each case
 * gets its own path prefix (`/c<n>`), so a ComfyClient pointed at `url(n)` calls
 * `/c<n>/queue`, `/c<n>/history/…` and the case's responder answers whatever it was asked.
 * Everything it starts (sockets, timers) is torn down by `close()`.
 */

export type Responder = (req: IncomingMessage, res: ServerResponse, ctx: ResponderContext) => void;

export interface ResponderContext {
  /** Registers an interval so `close()` (or the client hanging up) stops it. */
  every(ms: number, fn: () => void): void;
}

export interface RecordedRequest {
  caseId: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface HostileServer {
  url(caseId: number): string;
  respond(caseId: number, responder: Responder): void;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const responders = new Map<number, Responder>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const match = /^\/c(\d+)(\/.*)?$/.exec(req.url ?? '');
    const caseId = match ? Number(match[1]) : -1;
    requests.push({ caseId, method: req.method ?? '', path: match?.[2] ?? '', headers: req.headers });
    const responder = responders.get(caseId);
    // Read (and drop) the request body so POSTs are complete before the case answers.
    req.resume();
    if (!responder) {
      res.writeHead(599).end();
      return;
    }
    const mine: NodeJS.Timeout[] = [];
    const ctx: ResponderContext = {
      every(ms, fn) {
        const t = setInterval(fn, ms);
        timers.add(t);
        mine.push(t);
      },
    };
    req.socket.once('close', () => {
      for (const t of mine) {
        clearInterval(t);
        timers.delete(t);
      }
    });
    req.once('end', () => responder(req, res, ctx));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    // A client that hangs up mid-write must not surface as an error in the test process.
    s.on('error', () => undefined);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  return {
    url: (caseId) => `http://127.0.0.1:${port}/c${caseId}`,
    respond: (caseId, responder) => void responders.set(caseId, responder),
    requests,
    async close() {
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ------------------------------------------------------------------ responders

const JSON_TYPE = 'application/json; charset=utf-8';

/** A body with an honest Content-Length. */
export function body(status: number, contentType: string | null, payload: string | Buffer, extra: Record<string, string> = {}): Responder {
  return (_req, res) => {
    const buf = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    res.writeHead(status, { ...(contentType ? { 'content-type': contentType } : {}), 'content-length': String(buf.length), ...extra });
    res.end(buf);
  };
}

export const json = (value: unknown, status = 200): Responder => body(status, JSON_TYPE, JSON.stringify(value));
export const jsonText = (text: string, status = 200): Responder => body(status, JSON_TYPE, text);

/** Bytes straight onto the socket, bypassing Node's HTTP framing: for Content-Length lies. */
export function raw(head: string, payload = '', then: 'end' | 'hold' = 'end'): Responder {
  return (req) => {
    req.socket.write(head.replace(/\n/g, '\r\n') + '\r\n\r\n' + payload);
    if (then === 'end') req.socket.end();
  };
}

/** Never answers: the request was received, nothing comes back. */
export const hold = (): Responder => () => undefined;

/** Closes the connection after reading the request, before any header. */
export const hangUp = (): Responder => (req) => void req.socket.destroy();

/** Headers, then a byte now and then forever. */
export function trickle(contentType = JSON_TYPE): Responder {
  return (_req, res, ctx) => {
    res.writeHead(200, { 'content-type': contentType });
    res.write('{');
    ctx.every(20, () => res.write(' '));
  };
}

/** Chunked (no Content-Length) and endless, as fast as the client reads. */
export function endless(contentType = JSON_TYPE): Responder {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.write('[');
    pump();
  };
}

/** Starts a chunked body, then kills the connection. */
export function cutMidBody(prefix: string): Responder {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': JSON_TYPE });
    res.write(prefix, () => setTimeout(() => res.socket?.destroy(), 10));
  };
}

export function gzipped(payload: string | Buffer, contentType = JSON_TYPE): Responder {
  return body(200, contentType, gzipSync(payload), { 'content-encoding': 'gzip' });
}
