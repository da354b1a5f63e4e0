import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputRef } from '../comfy/comfy-schemas';
import { ComfyHttpError } from '../comfy/errors';
import { outputFileName, thumbFileName } from './output-names';
import { writeFileAtomic } from './safe-files';
import { OCTET_STREAM, sniffContentType } from './sniff-type';
import type { OutputErrorCode, OutputSource, StoredOutput } from './stored-output';
import type { ThumbnailOptions } from './thumbnail';
import { makeThumbnail } from './thumbnail';

/** What one `fetchAll` shares between its downloads. */
export interface FetchRun {
  /** Absolute path of the task folder, and its name (the first segment of every `file`). */
  dir: string;
  dirName: string;
  source: OutputSource;
  /** Fires on the caller's abort or the run's deadline. */
  signal: AbortSignal;
  /** The run's own deadline, to tell a timeout from a cancel. */
  deadline: AbortSignal;
  maxFileBytes: number;
  maxTaskBytes: number;
  timeoutMs: number;
  thumbnail: ThumbnailOptions | false;
  /** Bytes stored so far by this run; updated synchronously after each download, before writing. */
  used: number;
}

/** Fetches one output from the run's server and stores it; never rejects. */
export async function fetchOutput(run: FetchRun, ref: OutputRef, index: number): Promise<StoredOutput> {
  const base = baseRecord(ref);
  const fail = (code: OutputErrorCode, detail: string): StoredOutput => failedRecord(ref, run.source.serverName, code, detail);

  if (run.signal.aborted) return stopped(run, fail);
  const room = run.maxTaskBytes - run.used;
  if (room <= 0) return fail('task_too_large', `the task's outputs already take the ${run.maxTaskBytes}-byte limit`);

  let bytes: Buffer;
  try {
    const viewed = await untilAborted(
      run.source.view({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type }, { maxBytes: Math.min(run.maxFileBytes, room), timeoutMs: run.timeoutMs, signal: run.signal }),
      // A source that ignores its signal must not hold the run forever.
      AbortSignal.any([run.signal, AbortSignal.timeout(run.timeoutMs + 1_000)]),
    );
    if (viewed === null || typeof viewed !== 'object' || !(viewed.bytes instanceof Uint8Array)) return fail('bad_answer', 'the server call returned no file');
    bytes = Buffer.from(viewed.bytes.buffer, viewed.bytes.byteOffset, viewed.bytes.byteLength);
  } catch (err) {
    // Over the task's remaining room rather than the per-file cap: say which limit it was.
    if (err instanceof ComfyHttpError && err.code === 'too_large' && room < run.maxFileBytes) {
      return fail('task_too_large', `it does not fit in what is left of the task's ${run.maxTaskBytes}-byte limit (${withoutServer(err)})`);
    }
    if (err instanceof ComfyHttpError && err.code !== 'aborted') return fail(err.code, withoutServer(err));
    // The client reports our cancel and our run deadline alike as `aborted`: say which it was.
    if (run.signal.aborted) return stopped(run, fail);
    if (err instanceof ComfyHttpError) return fail(err.code, withoutServer(err));
    if (err instanceof DeadlineError) return fail('timeout', `no file within ${run.timeoutMs} ms`);
    return fail('bad_answer', `the server call failed (${errorText(err)})`);
  }
  // The limits are ours to keep whatever the source does with `maxBytes`.
  if (bytes.length > run.maxFileBytes) return fail('too_large', `the file of ${bytes.length} bytes exceeds the ${run.maxFileBytes}-byte limit`);
  if (run.used + bytes.length > run.maxTaskBytes) return fail('task_too_large', `storing ${bytes.length} more bytes would take the task over its ${run.maxTaskBytes}-byte limit`);
  run.used += bytes.length;

  const name = outputFileName(index, ref.filename);
  try {
    await writeFileAtomic(run.dir, name, bytes);
  } catch (err) {
    run.used -= bytes.length;
    return fail('store_failed', `writing ${name} failed (${errorText(err)})`);
  }
  const thumb = await storeThumbnail(run, index, bytes);
  return { ...base, file: `${run.dirName}/${name}`, bytes: bytes.length, contentType: sniffContentType(bytes), ...thumb };
}

async function storeThumbnail(run: FetchRun, index: number, bytes: Buffer): Promise<Pick<StoredOutput, 'thumb' | 'thumbReason'>> {
  const name = thumbFileName(index);
  const none = async (reason: string) => {
    // A thumbnail from an earlier fetch would now describe nothing.
    await unlink(join(run.dir, name)).catch(() => undefined);
    return { thumb: null, thumbReason: reason };
  };
  if (run.thumbnail === false) return none('thumbnails are off');
  const made = await makeThumbnail(bytes, run.thumbnail);
  if (!made.ok) return none(made.reason);
  try {
    await writeFileAtomic(run.dir, name, made.png);
  } catch (err) {
    return none(`writing the thumbnail failed (${errorText(err)})`);
  }
  return { thumb: `${run.dirName}/${name}`, thumbReason: null };
}

export function baseRecord(ref: OutputRef): StoredOutput {
  return {
    nodeId: ref.nodeId,
    kind: ref.kind,
    filename: ref.filename,
    subfolder: ref.subfolder,
    type: ref.type,
    suspicious: ref.suspicious,
    file: null,
    thumb: null,
    thumbReason: null,
    bytes: 0,
    contentType: OCTET_STREAM,
    error: null,
    errorCode: null,
  };
}

/** The record of an output that was not stored; the message names the file, its node and the server. */
export function failedRecord(ref: OutputRef, serverName: string, code: OutputErrorCode, detail: string): StoredOutput {
  return {
    ...baseRecord(ref),
    error: `could not store output ${quote(ref.filename)} (node ${quote(ref.nodeId)}) from server "${serverName}": ${detail}`,
    errorCode: code,
  };
}

function stopped(run: FetchRun, fail: (code: OutputErrorCode, detail: string) => StoredOutput): StoredOutput {
  return run.deadline.aborted ? fail('timeout', 'the fetch of the task outputs ran out of time') : fail('aborted', 'the fetch was cancelled');
}

class DeadlineError extends Error {}

/** Settles like `p`, or rejects once `signal` fires; `p` settling later is absorbed, never unhandled. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeadlineError('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The client's message already starts with `server "x" `; the record's message names the server once. */
function withoutServer(err: ComfyHttpError): string {
  const prefix = `server "${err.server}" `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

/** Server words in a message: quoted, escaped (no raw newlines or NULs), cut short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return (err as { code?: unknown }).code ? `${String((err as { code?: unknown }).code)}: ${err.message}` : err.message;
  return String(err);
}
