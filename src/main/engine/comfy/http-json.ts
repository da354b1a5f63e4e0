import type { z } from 'zod';
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
  body?: unknown;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

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
): Promise<z.infer<S>> {
  const method = opts.method ?? 'GET';
  const call = `${method} ${path}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const fail = (code: ConstructorParameters<typeof ComfyHttpError>[0], detail: string, status?: number) =>
    new ComfyHttpError(code, opts.server, call, detail, status);

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const whyAborted = () =>
    timeout.aborted ? fail('timeout', `no complete answer within ${timeoutMs} ms`) : fail('aborted', 'call cancelled');

  let res: Response;
  try {
    res = await fetch(baseUrl + path, {
      method,
      signal,
      headers: opts.body === undefined ? {} : { 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (err) {
    if (signal.aborted) throw whyAborted();
    throw fail('unreachable', `cannot connect (${causeOf(err)}); check that the server is running and the URL is right`);
  }

  let text: string;
  try {
    text = await readCapped(res, maxBytes);
  } catch (err) {
    if (err instanceof ComfyHttpError) throw err;
    if (signal.aborted) throw whyAborted();
    throw fail('unreachable', `connection lost while reading the answer (${causeOf(err)})`);
  }

  if (!res.ok) throw fail('http_status', `answered HTTP ${res.status}: ${snippet(text)}`, res.status);
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) {
    throw fail('bad_content_type', `answered ${type || 'no content type'} instead of JSON: ${snippet(text)}`, res.status);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail('bad_json', `answered invalid JSON: ${snippet(text)}`, res.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? first.path.join('.') : '(root)';
    throw fail('bad_shape', `answered JSON of an unexpected shape at ${where}: ${first?.message ?? 'invalid'}`, res.status);
  }
  return parsed.data;

  async function readCapped(response: Response, cap: number): Promise<string> {
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > cap) {
      await response.body?.cancel().catch(() => undefined);
      throw fail('too_large', `answer of ${declared} bytes exceeds the ${cap}-byte limit`, response.status);
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) {
        await reader.cancel().catch(() => undefined);
        throw fail('too_large', `answer exceeds the ${cap}-byte limit`, response.status);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty body)';
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}
