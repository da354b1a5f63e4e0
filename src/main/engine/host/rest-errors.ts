import type { ApiError, ApiErrorCode } from '../../../shared/api';

/**
 * Codes only the HTTP layer can produce: they describe the request itself (who sent it, how),
 * never the engine's answer. Everything else is an {@link ApiErrorCode} from the engine.
 */
export type RestOnlyErrorCode = 'forbidden' | 'misdirected_request' | 'method_not_allowed' | 'unsupported_media_type' | 'request_timeout';
export type RestErrorCode = ApiErrorCode | RestOnlyErrorCode;

/**
 * The one table from error code to HTTP status. `satisfies Record<…>` makes a code added to
 * the contract fail the type check here until someone decides its status.
 */
export const HTTP_STATUS = {
  bad_request: 400,
  invalid_url: 400,
  invalid_workflow: 400,
  unknown_type: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  version_conflict: 409,
  terminal: 409,
  illegal_transition: 409,
  rerun_refused: 409,
  too_large: 413,
  unsupported_media_type: 415,
  misdirected_request: 421,
  // The REST layer names every command itself: an unknown one is our bug, not the caller's.
  unknown_command: 500,
  internal: 500,
  // The database is unusable until an operator acts; retrying will not help.
  corrupt_database: 500,
  incompatible_database: 500,
  // Passing conditions: the same request may succeed shortly (see Retry-After).
  queue_full: 503,
  store_busy: 503,
  store_unavailable: 503,
  disconnected: 503,
  unavailable: 501,
} as const satisfies Record<RestErrorCode, number>;

/** Seconds a caller should wait before retrying a 503; these conditions pass on their own. */
export const RETRY_AFTER_SECONDS = 1;

/** A refusal decided by the HTTP layer (auth, routing, body), answered like an engine error. */
export class RestError extends Error {
  override readonly name = 'RestError';

  constructor(
    readonly code: RestErrorCode,
    message: string,
    /** Extra response headers, e.g. `Allow` on a 405 or `WWW-Authenticate` on a 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface RestErrorBody {
  error: { code: RestErrorCode; message: string; details?: unknown };
}

export function statusFor(code: string): number {
  // Codes come from the engine as data; one we do not know is still an answer, not a crash.
  return Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code as RestErrorCode] : 500;
}

export function errorBody(error: ApiError | RestError): RestErrorBody {
  const details = 'details' in error ? error.details : undefined;
  return { error: details === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, details } };
}
