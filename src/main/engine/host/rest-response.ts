import type { ServerResponse } from 'node:http';
import type { ApiError } from '../../../shared/api';
import { errorBody, RestError, RETRY_AFTER_SECONDS, statusFor } from './rest-errors';
import type { Reply } from './rest-router';

/** Every answer: no caching (task state changes), no sniffing, and no CORS header ever. */
const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.kind === 'error') return sendError(res, reply.error);
  if (reply.kind === 'bytes') {
    if (!writable(res)) return;
    res.writeHead(reply.status, { ...COMMON_HEADERS, 'content-type': reply.contentType, 'content-length': reply.bytes.length }).end(reply.bytes);
    return;
  }
  sendJson(res, reply.status, reply.body, reply.headers ?? {});
}

/** `{ "error": { code, message, details? } }` with the status of the one table in rest-errors.ts. */
export function sendError(res: ServerResponse, error: ApiError | RestError): void {
  const status = statusFor(error.code);
  const headers: Record<string, string> = error instanceof RestError ? { ...error.headers } : {};
  // 503s are passing conditions (queue full, store busy): tell programs when to try again.
  if (status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  sendJson(res, status, errorBody(error), headers);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (!writable(res)) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** A second answer to one request (a bug, or a failure after the first) cuts the connection instead. */
function writable(res: ServerResponse): boolean {
  if (!res.headersSent) return true;
  res.destroy();
  return false;
}
