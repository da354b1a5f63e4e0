import type { z } from 'zod';
import type { ObjectInfo, OutputRef, PromptAccepted, QueueSnapshot, ServerFeatures, SystemStats, HistoryEntry } from './comfy-schemas';
import {
  featuresResponse,
  historyResponse,
  objectInfoResponse,
  promptAcceptedResponse,
  queueResponse,
  systemStatsResponse,
} from './comfy-schemas';
import { ComfyHttpError, PromptRejectedError } from './errors';
import type { HttpAnswer, HttpCallOptions } from './http-json';
import { callHttp, callNoContent, DEFAULT_TIMEOUT_MS, parseJsonAnswer, snippet, statusError } from './http-json';
import { parseNodeErrors, promptRejectionSchema, readablePromptErrors, summarizeError } from './prompt-errors';

export type { HistoryEntry, ObjectInfo, OutputRef, PromptAccepted, QueueItem, QueueSnapshot, ServerFeatures, SystemStats } from './comfy-schemas';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Answer-size caps per endpoint: generous for what a healthy server sends, small enough that
 * a hostile one cannot exhaust memory. Queue items and history entries carry whole graphs;
 * /object_info grows with custom nodes (a few MB on busy installs).
 */
export const SIZE_CAPS = {
  queue: 32 * MiB,
  history: 16 * MiB,
  objectInfo: 32 * MiB,
  systemStats: 1 * MiB,
  features: 64 * KiB,
  prompt: 4 * MiB,
  /** The empty answers of POST /queue, /interrupt. */
  noContent: 64 * KiB,
  /** Default for `view` when the caller gives none. */
  view: 64 * MiB,
} as const;

/** Images can be tens of MB: `/view` gets more time than the JSON calls unless the caller says otherwise. */
export const DEFAULT_VIEW_TIMEOUT_MS = 30_000;

export interface ComfyClientOptions {
  /** Server name as the operator knows it, for messages. */
  server: string;
  /** `http(s)://host:port[/prefix]`. */
  baseUrl: string;
  /** Per-call deadline for the JSON endpoints (default 5 s, F2). */
  timeoutMs?: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface SubmitPromptArgs {
  /** API-format graph. */
  prompt: Record<string, unknown>;
  /** Ours, stored before the POST (T4). */
  promptId: string;
  /** The console's WebSocket clientId, so the job's events reach our socket. */
  clientId: string;
  extraData?: Record<string, unknown>;
}

export interface ViewOptions extends CallOptions {
  maxBytes?: number;
}

export interface ViewedFile {
  bytes: Buffer;
  contentType: string;
}

/** Media types a browser would render as a page: never an honest /view answer (ComfyUI forces those to octet-stream). */
const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * HTTP client for one ComfyUI server (protocol doc §1). Every call has a deadline, a size cap,
 * a content-type check and a schema; every failure is a {@link ComfyHttpError} that names the
 * server and call and says whether the request may have been delivered. Results are clean
 * domain shapes, never raw JSON.
 */
export class ComfyClient {
  readonly server: string;
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(options: ComfyClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`server "${options.server}": "${options.baseUrl}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`server "${options.server}": only http and https URLs are supported, not ${url.protocol}`);
    }
    this.server = options.server;
    this.baseUrl = (url.origin + url.pathname).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch;
  }

  /** `GET /queue`: running and pending jobs, pending in execution order, graphs dropped. */
  queue(opts?: CallOptions): Promise<QueueSnapshot> {
    return this.json('/queue', queueResponse, SIZE_CAPS.queue, opts);
  }

  /** `GET /system_stats`: cheap; fields missing on older servers come back null. */
  systemStats(opts?: CallOptions): Promise<SystemStats> {
    return this.json('/system_stats', systemStatsResponse, SIZE_CAPS.systemStats, opts);
  }

  /** `GET /object_info`: the node classes and model files this server offers (B5). */
  objectInfo(opts?: CallOptions): Promise<ObjectInfo> {
    return this.json('/object_info', objectInfoResponse, SIZE_CAPS.objectInfo, opts);
  }

  /**
   * `POST /prompt` with our own `prompt_id` and `client_id`. A 200 means the job is queued.
   * A 400 throws {@link PromptRejectedError} (code `rejected`, not retryable, T10). Compare the
   * returned `promptId` with ours: servers older than client-chosen ids ignore it.
   */
  async submitPrompt(args: SubmitPromptArgs, opts?: CallOptions): Promise<PromptAccepted> {
    const body: Record<string, unknown> = { prompt: args.prompt, prompt_id: args.promptId, client_id: args.clientId };
    if (args.extraData !== undefined) body['extra_data'] = args.extraData;
    const answer = await callHttp(this.baseUrl, '/prompt', this.http(SIZE_CAPS.prompt, opts, 'POST', body));
    if (answer.status === 400) throw this.rejection(answer);
    if (answer.status < 200 || answer.status > 299) throw statusError(answer);
    return parseJsonAnswer(answer, promptAcceptedResponse);
  }

  /** `GET /history/{id}`: null while the job is unknown or unfinished (the server answers `{}`). */
  history(promptId: string, opts?: CallOptions): Promise<HistoryEntry | null> {
    return this.json(`/history/${encodeURIComponent(promptId)}`, historyResponse(promptId), SIZE_CAPS.history, opts);
  }

  /** `POST /queue {delete}`: removes pending jobs; a running one is not affected (use {@link interrupt}). */
  async deleteQueued(promptIds: readonly string[], opts?: CallOptions): Promise<void> {
    if (promptIds.length === 0) return;
    await callNoContent(this.baseUrl, '/queue', this.http(SIZE_CAPS.noContent, opts, 'POST', { delete: promptIds }));
  }

  /**
   * `POST /interrupt {prompt_id}`: stops that job only if it is the running one (since 2025-09).
   * Older servers ignore the body and interrupt whatever runs: check the queue first.
   */
  async interrupt(promptId: string, opts?: CallOptions): Promise<void> {
    await callNoContent(this.baseUrl, '/interrupt', this.http(SIZE_CAPS.noContent, opts, 'POST', { prompt_id: promptId }));
  }

  /** `GET /features`; null for servers older than feature flags (2025-07), which answer 404. */
  async features(opts?: CallOptions): Promise<ServerFeatures | null> {
    const answer = await callHttp(this.baseUrl, '/features', this.http(SIZE_CAPS.features, opts));
    if (answer.status === 404) return null;
    if (answer.status < 200 || answer.status > 299) throw statusError(answer);
    return parseJsonAnswer(answer, featuresResponse);
  }

  /**
   * `GET /view` for one output file, sent verbatim (the server applies its own path checks;
   * local file names are the caller's to sanitise, see {@link OutputRef}).
   */
  async view(ref: Pick<OutputRef, 'filename' | 'subfolder' | 'type'>, opts: ViewOptions = {}): Promise<ViewedFile> {
    const query = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
    const answer = await callHttp(
      this.baseUrl,
      `/view?${query.toString()}`,
      {
        ...this.http(opts.maxBytes ?? SIZE_CAPS.view, opts),
        timeoutMs: opts.timeoutMs ?? DEFAULT_VIEW_TIMEOUT_MS,
      },
      'GET /view',
    );
    if (answer.status < 200 || answer.status > 299) throw statusError(answer);
    if (PAGE_TYPES.has(answer.mediaType)) {
      throw new ComfyHttpError(
        'bad_content_type',
        this.server,
        answer.call,
        `answered a web page (${answer.contentType}) instead of the file "${snippet(ref.filename, 80)}": ${snippet(answer.body.toString('utf8'))}`,
        answer.status,
      );
    }
    return { bytes: answer.body, contentType: answer.contentType || 'application/octet-stream' };
  }

  private json<S extends z.ZodType>(path: string, schema: S, maxBytes: number, opts?: CallOptions): Promise<z.infer<S>> {
    return callHttp(this.baseUrl, path, this.http(maxBytes, opts)).then((answer) => {
      if (answer.status < 200 || answer.status > 299) throw statusError(answer);
      return parseJsonAnswer(answer, schema);
    });
  }

  private http(maxBytes: number, opts: CallOptions = {}, method: 'GET' | 'POST' = 'GET', body?: unknown): HttpCallOptions {
    return {
      server: this.server,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      maxBytes,
      method,
      ...(body !== undefined ? { body } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
    };
  }

  /**
   * A 400 of ComfyUI's validation shape is a verdict on the workflow; any other 400 (a proxy,
   * a server bug) is just an HTTP error, because we cannot tell what was refused.
   */
  private rejection(answer: HttpAnswer): ComfyHttpError {
    let json: unknown;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return statusError(answer);
    }
    const body = promptRejectionSchema.safeParse(json);
    if (!body.success) return statusError(answer);
    const error = summarizeError(body.data.error);
    const nodeErrors = parseNodeErrors(body.data.node_errors);
    return new PromptRejectedError(this.server, answer.call, error, nodeErrors, readablePromptErrors(error, nodeErrors), answer.status);
  }
}
