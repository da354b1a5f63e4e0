import type { z } from 'zod';
import type { ComfyErrorCode, ComfyHttpErrorExtra, Delivered } from './errors';
import { ComfyHttpError } from './errors';

export interface HttpCallOptions {
  /** Server name for error messages. */
  server: string;
  /** Whole-call deadline: connect, headers and body (default 5 s, F2). */
  timeoutMs?: number;
  /** Bodies beyond this are cut off and refused (default 8 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
  method?: 'GET' | 'POST';
  /** Sent as JSON. */
  body?: unknown;
  /** Injectable for tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/** A complete HTTP answer of any status, its body read under the size cap. */
export interface HttpAnswer {
  server: string;
  /** e.g. `GET /queue` */
  call: string;
  status: number;
  /** Lower-cased media type without parameters, '' when absent. */
  mediaType: string;
  /** The Content-Type header as sent. */
  contentType: string;
  body: Buffer;
}

/**
 * Connect failures that happen before a single byte of the request is written, so the server
 * cannot have seen it (T4: resubmitting after these is safe). Anything else before an answer
 * — reset, closed socket, our own timeout — may have come after the request went out.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'ERR_INVALID_IP_ADDRESS',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * GET/POST one ComfyUI endpoint and read the whole answer, whatever its status. Transport
 * failures — refused connection, reset, timeout (also of a trickling body), oversized body,
 * undecodable body — become a {@link ComfyHttpError} naming the server and call, with
 * `delivered` telling whether the server may have seen the request. Never rejects with
 * anything else.
 */
export async function callHttp(baseUrl: string, path: string, opts: HttpCallOptions, callName?: string): Promise<HttpAnswer> {
  const method = opts.method ?? 'GET';
  const call = callName ?? `${method} ${path}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const fail = (code: ComfyErrorCode, detail: string, status?: number, extra?: ComfyHttpErrorExtra) =>
    new ComfyHttpError(code, opts.server, call, detail, status, extra);

  if (opts.signal?.aborted) throw fail('aborted', 'call cancelled before it was sent', undefined, { delivered: 'no' });
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const whyAborted = (delivered: Delivered, status?: number) =>
    timeout.aborted
      ? fail(
          'timeout',
          status === undefined
            ? `no answer within ${timeoutMs} ms; the server may be overloaded or hung, and may have received the request`
            : `answer not complete within ${timeoutMs} ms (body too slow)`,
          status,
          { delivered, phase: status === undefined ? 'headers' : 'body' },
        )
      : fail('aborted', 'call cancelled', status, { delivered });

  let res: Response;
  try {
    // No Origin header: ComfyUI's CSRF guard refuses a loopback Host with a different Origin (doc §0).
    res = await (opts.fetch ?? fetch)(baseUrl + path, {
      method,
      signal,
      // ComfyUI never redirects its API; following one would send our request to a host nobody configured.
      redirect: 'manual',
      headers: opts.body === undefined ? {} : { 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (err) {
    if (signal.aborted) throw whyAborted('maybe');
    if (refusedPort(err)) {
      throw fail('unreachable', `port ${portOf(baseUrl)} is refused by the HTTP client before connecting (fetch blocks it as unsafe, as browsers do), so nothing was sent; run ComfyUI on another port (its default is 8188) and change this server's URL`, undefined, {
        delivered: 'no',
        cause: err,
      });
    }
    if (notSent(err)) {
      throw fail('unreachable', `cannot connect (${causeOf(err)}); check that the server is running and the URL is right`, undefined, {
        delivered: 'no',
        cause: err,
      });
    }
    throw fail('connection_lost', `connection lost before an answer (${causeOf(err)}); the request may have been received, so check the queue before resending`, undefined, {
      delivered: 'maybe',
      cause: err,
    });
  }

  const status = res.status;
  const contentType = res.headers.get('content-type') ?? '';
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw fail('too_large', `answer of ${declared} bytes exceeds the ${maxBytes}-byte limit for this call`, status);
  }
  let body: Buffer;
  try {
    body = await readCapped(res, maxBytes);
  } catch (err) {
    if (err instanceof ComfyHttpError) throw err;
    if (signal.aborted) throw whyAborted('yes', status);
    if (isDecodeError(err)) throw fail('bad_encoding', `answered a body that cannot be decoded (${causeOf(err)})`, status, { cause: err });
    throw fail('connection_lost', `connection lost while reading the answer (${causeOf(err)})`, status, { cause: err });
  }
  return { server: opts.server, call, status, contentType, mediaType: mediaTypeOf(contentType), body };

  async function readCapped(response: Response, cap: number): Promise<Buffer> {
    if (!response.body) return Buffer.alloc(0);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) {
        await reader.cancel().catch(() => undefined);
        throw fail('too_large', `answer exceeds the ${cap}-byte limit for this call`, response.status);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks);
  }
}

/** The error for a non-2xx answer, quoting the start of its body. */
export function statusError(answer: HttpAnswer): ComfyHttpError {
  return new ComfyHttpError(
    'http_status',
    answer.server,
    answer.call,
    `answered HTTP ${answer.status}${answer.status >= 500 ? ' (see the server log)' : ''}: ${snippet(answer.body.toString('utf8'))}`,
    answer.status,
  );
}

export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * Content type, JSON syntax and shape of an answer, as a {@link ComfyHttpError} on failure.
 * Pure and total: it throws nothing else, whatever the bytes.
 */
export function parseJsonAnswer<S extends z.ZodType>(answer: HttpAnswer, schema: S): z.infer<S> {
  const fail = (code: ComfyErrorCode, detail: string) => new ComfyHttpError(code, answer.server, answer.call, detail, answer.status);
  const text = answer.body.toString('utf8');
  if (!isJsonMediaType(answer.mediaType)) {
    throw fail('bad_content_type', `answered ${answer.contentType || 'no content type'} instead of JSON (is this URL a ComfyUI server, not a proxy page?): ${snippet(text)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail('bad_json', `answered invalid JSON (is this URL a ComfyUI server?): ${snippet(text)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? first.path.map(String).join('.') : '(root)';
    throw fail('bad_shape', `answered JSON of an unexpected shape at ${snippet(where)}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * GET/POST a ComfyUI JSON endpoint and parse it with a schema. Every failure — refused
 * connection, timeout (also of a trickling body), non-2xx, wrong content type, oversized
 * body, invalid JSON, wrong shape — becomes a {@link ComfyHttpError} naming the server and call.
 */
export async function callJson<S extends z.ZodType>(
  baseUrl: string,
  path: string,
  schema: S,
  opts: HttpCallOptions,
  callName?: string,
): Promise<z.infer<S>> {
  const answer = await callHttp(baseUrl, path, opts, callName);
  if (answer.status < 200 || answer.status > 299) throw statusError(answer);
  return parseJsonAnswer(answer, schema);
}

/**
 * A call ComfyUI answers with 200 and an empty body (`POST /queue`, `/interrupt`, …). A
 * non-empty body is tolerated only as JSON: an HTML page with 200 is a proxy or portal
 * answering instead of ComfyUI, and then the action did not happen.
 */
export async function callNoContent(baseUrl: string, path: string, opts: HttpCallOptions, callName?: string): Promise<void> {
  const answer = await callHttp(baseUrl, path, opts, callName);
  if (answer.status < 200 || answer.status > 299) throw statusError(answer);
  if (answer.body.length === 0 || isJsonMediaType(answer.mediaType)) return;
  throw new ComfyHttpError(
    'bad_content_type',
    answer.server,
    answer.call,
    `answered ${answer.contentType || 'no content type'} where an empty answer was expected, so the action may not have happened: ${snippet(answer.body.toString('utf8'))}`,
    answer.status,
  );
}

function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function asErrorLike(v: unknown): ErrorLike | undefined {
  return typeof v === 'object' && v !== null ? (v as ErrorLike) : undefined;
}

/** fetch wraps the socket error in `cause`; happy-eyeballs connects wrap several in an AggregateError. */
function notSent(err: unknown): boolean {
  const cause = asErrorLike(asErrorLike(err)?.cause);
  if (!cause) return false;
  if (typeof cause.code === 'string' && NOT_SENT_CODES.has(cause.code)) return true;
  if (Array.isArray(cause.errors) && cause.errors.length > 0) {
    return cause.errors.every((e) => {
      const code = asErrorLike(e)?.code;
      return typeof code === 'string' && NOT_SENT_CODES.has(code);
    });
  }
  return false;
}

/**
 * undici refuses the ports the Fetch standard blocks (1, 9, 6000, …) inside the client, before
 * any socket opens: a network error whose cause says "bad port", with no code to match. Nothing
 * was sent, so it is not a lost connection (T4), and waiting will not help: only another port does.
 */
function refusedPort(err: unknown): boolean {
  const cause = asErrorLike(asErrorLike(err)?.cause);
  return typeof cause?.message === 'string' && cause.message.trim().toLowerCase() === 'bad port';
}

/** The port a base URL names, spelled out when it is the scheme's default. */
function portOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return url.port || (url.protocol === 'https:' ? '443' : '80');
  } catch {
    return '(unknown)';
  }
}

/** zlib errors (broken gzip / deflate) raised by fetch's automatic decompression. */
function isDecodeError(err: unknown): boolean {
  for (let e = asErrorLike(err), depth = 0; e && depth < 4; e = asErrorLike(e.cause), depth++) {
    if (typeof e.code === 'string' && (e.code.startsWith('Z_') || e.code.startsWith('ERR_ZLIB'))) return true;
  }
  return false;
}

function causeOf(err: unknown): string {
  const e = asErrorLike(err);
  const cause = asErrorLike(e?.cause);
  const pick = (x: ErrorLike | undefined) =>
    typeof x?.code === 'string' ? x.code : typeof x?.message === 'string' && x.message ? x.message : undefined;
  return snippet(pick(cause) ?? pick(e) ?? String(err));
}

export function snippet(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty body)';
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
