import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Engine } from '../engine';
import type { BodyLimits } from './rest-body';
import { readJsonBody } from './rest-body';
import { DEFAULT_HEADERS_TIMEOUT_MS, guardConnections, serverTimeouts } from './connection-guard';
import { errorBody, RestError } from './rest-errors';
import { createGate } from './rest-gate';
import { sendError, sendReply } from './rest-response';
import type { CallEngine } from './rest-router';
import { describe, matchRoute, readBodyFields, readQuery } from './rest-router';
import { ROUTES } from './rest-routes';

export interface RestApiOptions {
  engine: Pick<Engine, 'call'>;
  /** Address to bind; a non-loopback address needs a token chosen by the operator. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Bearer token; null makes a random one (returned and logged), allowed on loopback only. */
  token: string | null;
  log: (line: string) => void;
  /** Largest request body; default 6 MiB (a 5 MB workflow plus its envelope). */
  maxBodyBytes?: number;
  /** The whole body must arrive within this many ms of the headers; default 30 s. */
  bodyTimeoutMs?: number;
  /** A request's headers must arrive within this many ms; default 10 s (see connection-guard.ts). */
  headersTimeoutMs?: number;
  /** Open connections at most; default 256, a quarter of them kept for requests in progress. */
  maxConnections?: number;
}

export interface RestApi {
  /** `http://127.0.0.1:PORT`; routes live under `/v1`. */
  url: string;
  port: number;
  /** The token callers must send: the given one, or the one generated at start. */
  token: string;
  tokenGenerated: boolean;
  close(): Promise<void>;
}

export class RestApiConfigError extends Error {
  override readonly name = 'RestApiConfigError';
}

/** Actor recorded in the audit log for everything done through this API. */
export const API_ACTOR = 'api';
export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * A1: the task API for the systems that feed the fleet (order services, scripts), on plain
 * node:http. Every request passes the gate (Host, no browser, token), then one route turns it
 * into one engine command with actor `api`; every failure is JSON with a stable code.
 */
export async function startRestApi(opts: RestApiOptions): Promise<RestApi> {
  const loopbackOnly = LOOPBACK.has(opts.host);
  if (opts.token !== null && opts.token.trim() === '') {
    throw new RestApiConfigError('the task API token is empty; give --token with a secret, or leave it out on 127.0.0.1 to have one generated');
  }
  if (!loopbackOnly && opts.token === null) {
    throw new RestApiConfigError(
      `binding the task API to ${opts.host} exposes it beyond this machine; give --token T (a generated token would change on every start), or bind to 127.0.0.1`,
    );
  }
  const tokenGenerated = opts.token === null;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const limits: BodyLimits = { maxBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, timeoutMs: opts.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS };
  // Filled in once the port is known; no request is handled before that.
  const allowedHosts = new Set<string>();
  const gate = createGate({ token, allowedHosts: loopbackOnly ? allowedHosts : null });
  const call: CallEngine = (name, args) => opts.engine.call(name, args, { actor: API_ACTOR }) as ReturnType<CallEngine>;

  // The request timeout backs up readJsonBody's own body timer; headers get their own, shorter one.
  const server = createServer(serverTimeouts(opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, limits.timeoutMs + 10_000), (req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log(`task API: ${req.method ?? '?'} ${pathOf(req)} failed unexpectedly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      sendError(res, { code: 'internal', message: `${req.method ?? '?'} ${pathOf(req)} failed unexpectedly; the console log has the details` });
    });
  });
  // A program feeding the fleet needs a handful of connections; slow or idle ones cannot take them all.
  guardConnections(server, opts.maxConnections);
  // Malformed HTTP never reaches a handler; answer it in the API's own shape instead of Node's bare 400.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const body = JSON.stringify(
      errorBody(timeout ? new RestError('request_timeout', 'the request did not arrive in time; send it whole') : new RestError('bad_request', `the request is not valid HTTP (${err.code ?? err.message})`)),
    );
    socket.end(
      `HTTP/1.1 ${timeout ? '408 Request Timeout' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let bodyDone = false;
    try {
      gate(req.headers);
      // Origin-form only: `new URL('//x/y', base)` would read `x` as a host name.
      const target = req.url ?? '';
      if (!target.startsWith('/')) throw new RestError('bad_request', `the request target ${JSON.stringify(target.slice(0, 200))} is not a path; call /v1/…`);
      const url = URL.parse(`http://api${target}`);
      if (!url) throw new RestError('bad_request', `the request target ${JSON.stringify(target.slice(0, 200))} is not a valid path`);
      const match = matchRoute(ROUTES, req.method ?? '', url.pathname);
      if (match.kind === 'none') {
        throw new RestError('not_found', `no route ${req.method ?? '?'} ${url.pathname}; routes: ${ROUTES.map(describe).join(', ')}`);
      }
      if (match.kind === 'wrong_method') {
        throw new RestError('method_not_allowed', `${url.pathname} answers ${match.allow.join(', ')}, not ${req.method ?? '?'}`, { allow: match.allow.join(', ') });
      }
      const { route, params } = match;
      const query = readQuery(route, url.searchParams);
      const body = await readJsonBody(req, limits, describe(route));
      bodyDone = true;
      const fields = readBodyFields(route, body);
      sendReply(res, await route.handle({ params, query, body: fields, call }));
    } catch (err) {
      if (!(err instanceof RestError)) throw err;
      // The request may still be sending: its rest cannot be trusted to frame the next one.
      if (!bodyDone && !req.complete && announcesBody(req)) res.setHeader('connection', 'close');
      sendError(res, err);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new RestApiConfigError(`port ${opts.port} for the task API is already in use; pick another with --api-port N (0 picks a free one)`)
          : err,
      ),
    );
    server.listen(opts.port, opts.host, () => {
      server.removeAllListeners('error');
      server.on('error', (err) => opts.log(`task API: server error ${err.message}`));
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  for (const h of ['127.0.0.1', 'localhost', '[::1]', hostForUrl(opts.host)]) allowedHosts.add(`${h}:${port}`);
  const url = `http://${hostForUrl(opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host)}:${port}`;
  opts.log(
    tokenGenerated
      ? `task API on ${url}/v1; token (generated, changes on every start; give --token T to fix it): ${token}`
      : `task API on ${url}/v1 (token from --token)`,
  );

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    token,
    tokenGenerated,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function announcesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
