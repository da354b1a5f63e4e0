import type { ComfyClient } from '../comfy/comfy-client';
import type { ComfyErrorCode } from '../comfy/errors';
import type { ThumbnailOptions } from './thumbnail';

/**
 * Why one output was not stored. The ComfyUI client's codes (`http_status`, `too_large`,
 * `timeout`, `bad_content_type`, `connection_lost`, …) pass through unchanged; the store adds:
 * - `too_many_outputs`: the task has more outputs than `maxRefs`; this one was not fetched;
 * - `task_too_large`: storing it would take the task over `maxTaskBytes`;
 * - `store_failed`: the file could not be written locally (disk full, permissions);
 * - `bad_answer`: the source returned something that is not a file.
 */
export type OutputErrorCode = ComfyErrorCode | 'too_many_outputs' | 'task_too_large' | 'store_failed' | 'bad_answer';

/** One record per output ref given to `fetchAll`, in the same order. */
export interface StoredOutput {
  /** The ref as the server's `/history` named it (server words, for display and matching). */
  nodeId: string;
  kind: string;
  filename: string;
  subfolder: string;
  type: string;
  /** The ref looked forged (see `isSuspiciousRef`); it was still fetched, under a sanitised name. */
  suspicious: boolean;
  /** Path relative to the store root, `/`-separated, e.g. `<task>/0-ComfyUI_00001_.png`; null on error. */
  file: string | null;
  /** The thumbnail's path relative to the root, or null (see `thumbReason`). */
  thumb: string | null;
  /** Why there is no thumbnail (`image/jpeg is not decoded…`, `PNG not decoded: …`), else null. */
  thumbReason: string | null;
  /** Size of the stored file; 0 on error. */
  bytes: number;
  /** From the file's first bytes, not the server's header; `application/octet-stream` when unknown or on error. */
  contentType: string;
  /** Names the server, the file and what happened; null when stored. */
  error: string | null;
  errorCode: OutputErrorCode | null;
}

/**
 * Where a task's outputs come from: the task's own server (T6). `view` is called as a plain
 * function, so pass a bound method or use {@link outputSourceOf}.
 */
export interface OutputSource {
  /** The server's name as the operator knows it, for messages. */
  serverName: string;
  view: ComfyClient['view'];
}

export function outputSourceOf(client: Pick<ComfyClient, 'server' | 'view'>): OutputSource {
  return { serverName: client.server, view: (ref, opts) => client.view(ref, opts) };
}

export interface FetchOptions {
  /** Per output file (default 64 MiB). */
  maxFileBytes?: number;
  /** All stored outputs of one task together (default 1 GiB). */
  maxTaskBytes?: number;
  /** Refs past this many are not fetched (default 100). */
  maxRefs?: number;
  /** Per file, connect to last byte (default 30 s). */
  timeoutMs?: number;
  /** The whole `fetchAll` (default 5 min); refs not done by then fail with `timeout`. */
  totalTimeoutMs?: number;
  /** Downloads at once (default 2): a task's outputs should not crowd out the server's other calls. */
  concurrency?: number;
  /** Thumbnail settings, or false for none (default: 256 px longest side). */
  thumbnail?: ThumbnailOptions | false;
  /** Stops the fetch; refs not done fail with `aborted`. */
  signal?: AbortSignal;
}

const MiB = 1024 * 1024;

export const FETCH_DEFAULTS = {
  maxFileBytes: 64 * MiB,
  maxTaskBytes: 1024 * MiB,
  maxRefs: 100,
  timeoutMs: 30_000,
  totalTimeoutMs: 5 * 60_000,
  concurrency: 2,
} as const;
