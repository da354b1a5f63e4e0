import type { ApiError, ApiErrorCode } from '../../../shared/api';

/** An expected failure of a command, carried to the UI as data ({@link ApiError}). */
export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toApiError(): ApiError {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}
