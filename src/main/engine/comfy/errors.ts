/**
 * One error type for every way a ComfyUI HTTP call can go wrong, with a stable code so
 * callers decide by type, never by message text (undici / p-retry style).
 *
 * | code               | meaning                                                        | delivered        |
 * |--------------------|----------------------------------------------------------------|------------------|
 * | `unreachable`      | no connection: refused, DNS, TLS, bad address, blocked port    | `no`             |
 * | `connection_lost`  | connection closed or reset before the answer was complete      | `maybe` / `yes`  |
 * | `timeout`          | no complete answer in time (`phase`: `headers` or `body`)      | `maybe` / `yes`  |
 * | `aborted`          | the caller cancelled                                           | `no`/`maybe`/`yes` |
 * | `http_status`      | a non-2xx answer                                               | `yes`            |
 * | `too_large`        | the answer is over the endpoint's size cap                     | `yes`            |
 * | `bad_content_type` | e.g. an HTML page where JSON was expected                      | `yes`            |
 * | `bad_encoding`     | the body could not be decoded (broken gzip/deflate)            | `yes`            |
 * | `bad_json`         | not valid JSON                                                 | `yes`            |
 * | `bad_shape`        | JSON of an unexpected shape                                    | `yes`            |
 * | `rejected`         | ComfyUI refused the workflow (400 + node_errors, T10)          | `yes`            |
 */
export type ComfyErrorCode =
  | 'unreachable'
  | 'connection_lost'
  | 'timeout'
  | 'aborted'
  | 'http_status'
  | 'too_large'
  | 'bad_content_type'
  | 'bad_encoding'
  | 'bad_json'
  | 'bad_shape'
  | 'rejected';

/**
 * Whether the request may have reached the server (T4, exactly-once submission):
 * - `no`: it certainly did not (nothing was sent): resubmitting is safe;
 * - `maybe`: it was sent, no answer came: reconcile through `/queue` and `/history/{id}` first;
 * - `yes`: the server answered (the answer was bad, refused or cut short): it saw the request.
 */
export type Delivered = 'no' | 'maybe' | 'yes';

/** Where a timeout struck: before the response headers (connect included), or while reading the body. */
export type TimeoutPhase = 'headers' | 'body';

export interface ComfyHttpErrorExtra {
  delivered?: Delivered;
  phase?: TimeoutPhase;
  cause?: unknown;
}

export class ComfyHttpError extends Error {
  override name = 'ComfyHttpError';
  readonly delivered: Delivered;
  /** Only for `timeout`. */
  readonly phase: TimeoutPhase | undefined;

  constructor(
    readonly code: ComfyErrorCode,
    /** Server name as the operator knows it. */
    readonly server: string,
    /** e.g. `GET /queue` */
    readonly call: string,
    detail: string,
    readonly status?: number,
    extra: ComfyHttpErrorExtra = {},
  ) {
    super(`server "${server}" ${call}: ${detail}`, extra.cause === undefined ? undefined : { cause: extra.cause });
    // Conservative default: an answer proves delivery; otherwise only "could not connect" proves the opposite.
    this.delivered = extra.delivered ?? (status !== undefined ? 'yes' : code === 'unreachable' ? 'no' : 'maybe');
    this.phase = extra.phase;
  }

  /** Errors cross IPC / the WS bridge as data (code, message, details), never as instances. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      server: this.server,
      call: this.call,
      status: this.status,
      delivered: this.delivered,
      phase: this.phase,
      message: this.message,
    };
  }
}

/** One input problem of one node, from ComfyUI's `node_errors`. */
export interface PromptInputError {
  type: string;
  message: string;
  details: string;
  inputName?: string;
}

export interface PromptNodeError {
  nodeId: string;
  classType: string | null;
  errors: PromptInputError[];
}

export interface PromptErrorSummary {
  type: string;
  message: string;
  details: string;
}

/**
 * `POST /prompt` answered 400: the workflow is invalid for this server and was not queued.
 * Not retryable (T10); the message is meant for the operator, e.g.
 * `server "gpu-2" refused the workflow: node 4 (KSampler) input "steps": value 0 smaller than min of 1`.
 */
export class PromptRejectedError extends ComfyHttpError {
  override name = 'PromptRejectedError';
  declare readonly code: 'rejected';

  constructor(
    server: string,
    call: string,
    readonly error: PromptErrorSummary,
    readonly nodeErrors: readonly PromptNodeError[],
    readable: string,
    status = 400,
  ) {
    super('rejected', server, call, readable, status, { delivered: 'yes' });
    this.message = `server "${server}" refused the workflow: ${readable}`;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), error: this.error, nodeErrors: this.nodeErrors };
  }
}
