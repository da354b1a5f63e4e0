import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ComfyProcess } from './comfy-process';
import { originBlocked } from './csrf';
import { pathMatches, type FaultState } from './faults';
import { emptyResponse, htmlErrorPage, httpError, internalError, rawHttpResponse, writeResponse, type SimResponse } from './http-response';
import { resolveRoute, type RouteRequest } from './http-routes';
import { PyError, parseJson } from './py-json';

/**
 * The listening socket and the request pipeline in front of the routes: the `hang` fault,
 * the origin check, faults that replace answers, routing, then delivery (possibly slowed
 * or padded). WebSocket upgrades take the same checks before reaching the hub.
 */

/** aiohttp `client_max_size` (ComfyUI passes `--max-upload-size`, 100 MB). */
const MAX_BODY = 100 * 1024 * 1024;

class BodyTooLarge extends Error {}

export interface FrontDeps {
  process(): ComfyProcess;
  faults: FaultState;
  port(): number;
}

function decodePath(raw: string): string {
  return raw
    .split('/')
    .map((seg) => {
      try {
        return decodeURIComponent(seg).replace(/\//g, '%2F');
      } catch {
        return seg;
      }
    })
    .join('/');
}

export class HttpFront {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<Duplex>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: FrontDeps) {
    this.server = createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
      // A bug in the simulator must look like a dead connection, never crash the test process.
      this.onRequest(req, res).catch(() => res.destroy());
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops accepting and kills every connection without a goodbye (crash and close). */
  async shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    this.destroyConnections();
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    await closed;
  }

  destroyConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.dropHeld();
  }

  /** Requests parked by the `hang` fault are cut off when it lifts. */
  dropHeld(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  private hold(socket: Duplex): void {
    this.held.add(socket);
    socket.on('close', () => this.held.delete(socket));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { faults } = this.deps;
    if (faults.has('hang')) {
      this.hold(req.socket);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const pathname = decodePath(url.pathname);
    const method = req.method ?? 'GET';
    let resp: SimResponse;
    if (originBlocked(req.headers.host, req.headers.origin)) resp = emptyResponse(403);
    else if (method === 'OPTIONS') resp = emptyResponse(200);
    else if (faults.forPath('http500', pathname)) resp = internalError(false);
    else if (faults.forPath('nonJson', pathname)) resp = htmlErrorPage();
    else resp = await this.route(req, method, pathname, url.searchParams);
    if (res.destroyed) return;
    const slow = faults.forPath('slowBody', pathname);
    const big = faults.forPath('oversizedBody', pathname);
    writeResponse(res, resp, {
      bytesPerSecond: slow?.bytesPerSecond,
      padTo: big?.bytes,
      track: (t) => this.timers.add(t),
      untrack: (t) => this.timers.delete(t),
    });
  }

  private async route(req: IncomingMessage, method: string, pathname: string, query: URLSearchParams): Promise<SimResponse> {
    const match = resolveRoute(method, pathname);
    if (match === null) return httpError(404);
    if ('allowed' in match) return httpError(405, { Allow: match.allowed.join(',') });
    const request: RouteRequest = {
      pathname,
      query,
      params: match.params,
      json: async () => {
        const body = await readBody(req);
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(body);
        } catch {
          throw new PyError('UnicodeDecodeError', "'utf-8' codec can't decode bytes");
        }
        return parseJson(text);
      },
    };
    try {
      return await match.route.handler(request, { port: this.deps.port(), process: this.deps.process() });
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        return httpError(413, {}, `413: Maximum request body size ${MAX_BODY} exceeded, actual body size ${MAX_BODY + 1}`);
      }
      return internalError((req.headers.accept ?? '').includes('text/html'));
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { faults } = this.deps;
    socket.on('error', () => undefined);
    if (faults.has('hang')) {
      this.hold(socket);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const pathname = decodePath(url.pathname);
    const refuse = (resp: SimResponse): void => {
      socket.end(rawHttpResponse(resp), 'latin1');
    };
    if (originBlocked(req.headers.host, req.headers.origin)) return refuse(emptyResponse(403));
    // Faults aimed at HTTP routes reach the socket endpoint only when it is named explicitly.
    const http500 = faults.forPath('http500', pathname);
    if (http500?.paths && pathMatches(http500.paths, pathname)) return refuse(internalError(false));
    const nonJson = faults.forPath('nonJson', pathname);
    if (nonJson?.paths && pathMatches(nonJson.paths, pathname)) return refuse(htmlErrorPage());
    if (pathname !== '/ws' && pathname !== '/api/ws') return refuse(httpError(404));
    const clientId = url.searchParams.get('clientId');
    try {
      this.deps.process().hub.accept(req, socket, head, clientId);
    } catch {
      socket.destroy();
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
