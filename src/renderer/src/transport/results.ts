import type { ApiError, Result } from '../../../shared/api';

export function failure(code: ApiError['code'], message: string, details?: unknown): { ok: false; error: ApiError } {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * A call that could not be sent (or whose answer was lost with the connection). Views load
 * again when the link reopens (sync/use-engine); an action is for the operator to repeat.
 */
export function disconnected(what: string): Result<never> {
  return failure('disconnected', `${what}: not connected to the engine; try again once the connection is back.`);
}
