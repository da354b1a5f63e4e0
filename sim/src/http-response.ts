import type { ServerResponse } from 'node:http';
import { toPyJson } from './py-json';

/**
 * Responses as values, shaped like aiohttp's: `json_response` bodies from `json.dumps`,
 * bare `web.Response(status=…)` with an empty octet-stream body, and aiohttp's own error
 * pages. Being values lets the fault layer trickle or pad them after the route ran.
 */

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** A `json_response` (the only kind `oversizedBody` pads). */
  json?: boolean;
}

const SERVER_HEADER = 'Python/3.11 aiohttp/3.12.15';

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
};

export function jsonResponse(value: unknown, status = 200): SimResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: Buffer.from(toPyJson(value), 'utf8'),
    json: true,
  };
}

/** `web.Response(status=…)`: no body, aiohttp's default content type. */
export function emptyResponse(status = 200): SimResponse {
  return { status, headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(0) };
}

/** aiohttp's `HTTPException` page, e.g. "404: Not Found". */
export function httpError(status: number, extraHeaders: Record<string, string> = {}, text?: string): SimResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders },
    body: Buffer.from(text ?? `${status}: ${REASONS[status] ?? 'Error'}`, 'utf8'),
  };
}

/** What aiohttp answers when a handler raises (e.g. `request.json()` on malformed JSON). */
export function internalError(acceptsHtml: boolean): SimResponse {
  const title = '500 Internal Server Error';
  const msg = 'Server got itself in trouble';
  if (acceptsHtml) {
    return {
      status: 500,
      headers: { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' },
      body: Buffer.from(`<html><head><title>${title}</title></head><body><h1>${title}</h1>${msg}</body></html>`, 'utf8'),
    };
  }
  return {
    status: 500,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' },
    body: Buffer.from(`${title}\n\n${msg}`, 'utf8'),
  };
}

/** The `nonJson` fault: what a proxy or captive portal puts in front of a sick server. */
export function htmlErrorPage(): SimResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: Buffer.from(
      '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body></html>\n',
      'utf8',
    ),
  };
}

export function rawHttpResponse(resp: SimResponse): string {
  const lines = [`HTTP/1.1 ${resp.status} ${REASONS[resp.status] ?? 'Error'}`, `Server: ${SERVER_HEADER}`, 'Connection: close'];
  for (const [k, v] of Object.entries(resp.headers)) if (k.toLowerCase() !== 'connection') lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${resp.body.length}`);
  return lines.join('\r\n') + '\r\n\r\n' + resp.body.toString('latin1');
}

export interface Delivery {
  /** Trickle the body at this many bytes per second. */
  bytesPerSecond?: number;
  /** Pad a JSON body with whitespace to this total size. */
  padTo?: number;
  /** Registers timers so closing the server can stop a trickle. */
  track(timer: NodeJS.Timeout): void;
  untrack(timer: NodeJS.Timeout): void;
}

const CHUNK = 64 * 1024;

export function writeResponse(res: ServerResponse, resp: SimResponse, delivery: Delivery): void {
  const padTo = resp.json && delivery.padTo !== undefined ? Math.max(delivery.padTo, resp.body.length) : resp.body.length;
  res.statusCode = resp.status;
  res.setHeader('Server', SERVER_HEADER);
  for (const [k, v] of Object.entries(resp.headers)) res.setHeader(k, v);
  res.setHeader('Content-Length', String(padTo));
  const total = padTo;
  const byteAt = (offset: number, length: number): Buffer => {
    const end = Math.min(offset + length, total);
    if (end <= resp.body.length) return resp.body.subarray(offset, end);
    const head = offset < resp.body.length ? resp.body.subarray(offset) : Buffer.alloc(0);
    return Buffer.concat([head, Buffer.alloc(end - Math.max(offset, resp.body.length), 0x20)]);
  };

  if (delivery.bytesPerSecond !== undefined) {
    // One write per 50 ms, or one byte per write when the rate is lower than that allows, so
    // rates under 20 B/s are honoured instead of rounding up to a byte per tick.
    const tickMs = Math.max(50, Math.ceil(1000 / delivery.bytesPerSecond));
    const perTick = Math.max(1, Math.round((delivery.bytesPerSecond * tickMs) / 1000));
    let offset = 0;
    res.flushHeaders();
    const timer = setInterval(() => {
      if (res.destroyed || offset >= total) {
        clearInterval(timer);
        delivery.untrack(timer);
        if (!res.destroyed) res.end();
        return;
      }
      const piece = byteAt(offset, perTick);
      offset += piece.length;
      res.write(piece);
    }, tickMs);
    delivery.track(timer);
    return;
  }

  if (total <= CHUNK * 4) {
    res.end(byteAt(0, total));
    return;
  }
  let offset = 0;
  const pump = (): void => {
    while (offset < total && !res.destroyed) {
      const piece = byteAt(offset, CHUNK);
      offset += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}
