/**
 * One error type for every way a ComfyUI HTTP call can go wrong, with a stable code so
 * callers decide by type, never by message text (undici / p-retry style).
 */
export type ComfyErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'http_status'
  | 'too_large'
  | 'bad_content_type'
  | 'bad_json'
  | 'bad_shape'
  | 'aborted';

export class ComfyHttpError extends Error {
  override readonly name = 'ComfyHttpError';

  constructor(
    readonly code: ComfyErrorCode,
    /** Server name as the operator knows it. */
    readonly server: string,
    /** e.g. `GET /queue` */
    readonly call: string,
    detail: string,
    readonly status?: number,
  ) {
    super(`server "${server}" ${call}: ${detail}`);
  }
}
