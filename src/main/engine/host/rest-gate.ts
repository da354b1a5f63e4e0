import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RestError } from './rest-errors';

export interface GateOptions {
  token: string;
  /**
   * `Host` values served when bound to loopback (filled once the port is known). Null when
   * bound beyond loopback: callers then use names we cannot know, and the token guards it.
   */
  allowedHosts: ReadonlySet<string> | null;
}

const AUTH_HELP = 'send the header "Authorization: Bearer <token>" with the token given to --token (or the one printed when the console started)';

/**
 * Decides whether a request may reach the API at all, before any routing: right Host (DNS
 * rebinding), not from a web page, right token. Throws a {@link RestError} that never repeats
 * what the caller sent as a token.
 */
export function createGate(opts: GateOptions): (headers: IncomingHttpHeaders) => void {
  // Hashing first gives both sides the same length, so the compare leaks neither the token's
  // bytes nor its length.
  const expected = digest(opts.token);
  return (headers) => {
    // A page from another site whose name resolves to 127.0.0.1 still sends its own Host.
    if (opts.allowedHosts && !opts.allowedHosts.has(headers.host ?? '')) {
      throw new RestError('misdirected_request', `host ${JSON.stringify(headers.host ?? '')} is not served here; call the API as http://127.0.0.1:<port>`);
    }
    // This API is for programs. A browser marks every fetch with Origin or Sec-Fetch-Site; a
    // page has no business here even with a token, so there is no CORS either.
    if (headers.origin !== undefined || headers['sec-fetch-site'] !== undefined) {
      throw new RestError('forbidden', `requests from web pages are refused (Origin ${JSON.stringify(headers.origin ?? headers['sec-fetch-site'] ?? '')}); the task API is for programs such as curl or a back-end service`);
    }
    const auth = headers.authorization;
    if (auth === undefined || auth.trim() === '') {
      throw new RestError('unauthorized', `this API needs a token: ${AUTH_HELP}`, { 'www-authenticate': 'Bearer realm="comfyfleet"' });
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (!match?.[1]) {
      throw new RestError('unauthorized', `the Authorization header is not of the form "Bearer <token>"; ${AUTH_HELP}`, {
        'www-authenticate': 'Bearer realm="comfyfleet", error="invalid_request"',
      });
    }
    if (!timingSafeEqual(digest(match[1]), expected)) {
      throw new RestError('unauthorized', `the token in the Authorization header is not this console's token; ${AUTH_HELP}`, {
        'www-authenticate': 'Bearer realm="comfyfleet", error="invalid_token"',
      });
    }
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
