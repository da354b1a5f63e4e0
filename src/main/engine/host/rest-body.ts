import type { IncomingMessage } from 'node:http';
import { RestError } from './rest-errors';

export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** The whole body must arrive within this many ms of the headers (slowloris). */
  timeoutMs: number;
}

/**
 * How much of an over-limit body we still read and throw away before answering 413: a client
 * that is still sending when we answer often sees a reset instead of our response, so we let a
 * moderately large body finish. Anything bigger is cut off at once.
 */
const DISCARD_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSON request body. `undefined` means the request had no body at all. Throws a
 * {@link RestError} for a body that is not JSON, not declared as JSON, too large or too slow.
 * On a throw the body may be only partly read: the caller must close the connection.
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits, what: string): Promise<unknown> {
  const declared = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (declared === undefined || declared === '0')) return undefined;

  // A declared body is refused before reading it; a chunked one may turn out empty (no body).
  if (!chunked) assertJson(req, what);
  const tooLarge = () =>
    new RestError('too_large', `${what}: the body is larger than ${formatBytes(limits.maxBytes)}; a workflow may be at most 5 MB (send it without embedded images)`);
  const length = declared === undefined ? null : Number(declared);
  if (length !== null && length > limits.maxBytes + DISCARD_BYTES) throw tooLarge();

  const raw = await collect(req, limits, what);
  if (raw === 'too_large') throw tooLarge();
  if (raw.length === 0) return undefined;
  if (chunked) assertJson(req, what);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new RestError('bad_request', `${what}: the body is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function collect(req: IncomingMessage, limits: BodyLimits, what: string): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) {
        over = true;
        chunks.length = 0;
        if (size > limits.maxBytes + DISCARD_BYTES) finish(() => resolve('too_large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(over ? 'too_large' : Buffer.concat(chunks)));
    const onError = (err: Error) => finish(() => reject(new RestError('bad_request', `${what}: the body could not be read (${err.message})`)));
    const onClose = () => finish(() => reject(new RestError('bad_request', `${what}: the client closed the connection before the body ended`)));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new RestError(
              'request_timeout',
              `${what}: the body did not arrive within ${Math.round(limits.timeoutMs / 1000)} s (${formatBytes(size)} received); send the whole body at once`,
            ),
          ),
        ),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function assertJson(req: IncomingMessage, what: string): void {
  const type = req.headers['content-type'];
  if (isJson(type)) return;
  throw new RestError(
    'unsupported_media_type',
    `${what}: the body is ${type ? `declared as ${JSON.stringify(type)}` : 'not declared'}; send JSON with the header Content-Type: application/json`,
  );
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} bytes`;
}
