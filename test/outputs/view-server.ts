import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A misbehaving `/view` endpoint on 127.0.0.1 for the output-store tests (E3). Each request's
 * `filename` picks a behaviour from the table given at start; names not in the table get the
 * default answer. `close()` tears down every socket and timer it started.
 */
export type ViewBehaviour = (res: ServerResponse, ctx: { every(ms: number, fn: () => void): void; socket: Socket }) => void;

export interface ViewServer {
  url: string;
  /** filename → behaviour; replaceable between tests. */
  readonly behaviours: Map<string, ViewBehaviour>;
  fallback: ViewBehaviour;
  /** Every `/view` query as received. */
  readonly requests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startViewServer(fallback: ViewBehaviour): Promise<ViewServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const requests: URLSearchParams[] = [];
  const state = { behaviours: new Map<string, ViewBehaviour>(), fallback };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/view') {
      res.writeHead(404).end('404: Not Found');
      return;
    }
    requests.push(url.searchParams);
    const mine: NodeJS.Timeout[] = [];
    res.once('close', () => {
      for (const t of mine) {
        clearInterval(t);
        timers.delete(t);
      }
    });
    const behaviour = state.behaviours.get(url.searchParams.get('filename') ?? '') ?? state.fallback;
    behaviour(res, {
      socket: req.socket,
      every(ms, fn) {
        const t = setInterval(fn, ms);
        timers.add(t);
        mine.push(t);
      },
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    get behaviours() {
      return state.behaviours;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(b: ViewBehaviour) {
      state.fallback = b;
    },
    requests,
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A 200 answer with a body and a content type. */
export function send(body: Buffer | string, contentType = 'image/png', status = 200): ViewBehaviour {
  return (res) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}
