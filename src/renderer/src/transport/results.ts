import type { ApiError, Result } from '../../../shared/api';

export function failure(code: ApiError['code'], message: string, details?: unknown): { ok: false; error: ApiError } {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

export function disconnected(what: string): Result<never> {
  return failure('disconnected', `${what}: not connected to the engine. It will be retried when the connection is back; try again then.`);
}
