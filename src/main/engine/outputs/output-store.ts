import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { OutputRef } from '../comfy/comfy-schemas';
import { EngineError } from '../core/engine-error';
import { baseRecord, failedRecord, fetchOutput, type FetchRun } from './fetch-output';
import { classifyName, MAX_OUTPUT_INDEX, outputFileName, thumbFileName } from './output-names';
import { ensurePlainDir, isPlainDir, readPlainFile } from './safe-files';
import { taskDirName } from './sanitise';
import { sniffContentType } from './sniff-type';
import type { FetchOptions, OutputSource, StoredOutput } from './stored-output';
import { FETCH_DEFAULTS } from './stored-output';

export type { FetchOptions, OutputErrorCode, OutputSource, StoredOutput } from './stored-output';
export { outputSourceOf } from './stored-output';

export interface ReadOptions {
  /** The output's thumbnail instead of the output. */
  thumbnail?: boolean;
  /** Refuse (code `too_large`) files bigger than this; default 64 MiB. */
  maxBytes?: number;
}

export interface ReadOutput {
  bytes: Buffer;
  /** From the first bytes of the file. */
  contentType: string;
  /** Path relative to the root, as in {@link StoredOutput.file}. */
  file: string;
}

/**
 * The outputs of finished tasks on local disk (T6): `<root>/<task folder>/<index>-<name>` plus
 * `<index>.thumb.png`, one folder per task. Everything a server says is untrusted (E3): names
 * are sanitised, sizes and counts capped, content types sniffed, and reads never leave the
 * root. Fetches and purges of one task run one after another, so they cannot interleave.
 */
export class OutputStore {
  readonly root: string;
  private readonly defaults: FetchOptions;
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `root`: the console's data folder + `/outputs`; created on the first fetch. */
  constructor(root: string, defaults: FetchOptions = {}) {
    this.root = resolve(root);
    this.defaults = defaults;
  }

  /**
   * Fetches every output of a task from the task's own server and stores it. Returns one record
   * per ref, in order; a ref that fails gets `error` and `file: null` and the others still
   * succeed. Fetching the same task again rewrites the same names and drops files the new refs
   * do not name (and leftovers of an interrupted write); a ref that fails this time keeps an
   * earlier stored copy on disk. Never rejects for server or disk trouble.
   */
  async fetchAll(taskId: string, source: OutputSource, refs: readonly OutputRef[], options: FetchOptions = {}): Promise<StoredOutput[]> {
    if (typeof taskId !== 'string') throw new TypeError('fetchAll: taskId must be a string');
    if (!Array.isArray(refs)) throw new TypeError('fetchAll: refs must be an array');
    const o = { ...FETCH_DEFAULTS, ...defined(this.defaults), ...defined(options) };
    const maxRefs = Math.min(Math.max(0, Math.floor(o.maxRefs)), MAX_OUTPUT_INDEX + 1);
    const dirName = taskDirName(taskId);

    return this.serialised(dirName, async () => {
      const records: StoredOutput[] = refs.map((ref, i) =>
        i < maxRefs ? baseRecord(ref) : failedRecord(ref, source.serverName, 'too_many_outputs', `not fetched: a task may store at most ${maxRefs} outputs`),
      );
      const wanted = refs.slice(0, maxRefs);
      if (wanted.length === 0) return records;

      let dir: string;
      try {
        await mkdir(this.root, { recursive: true });
        dir = await ensurePlainDir(this.root, dirName);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return records.map((r, i) => (i < maxRefs ? failedRecord(refs[i] as OutputRef, source.serverName, 'store_failed', `the task folder is unusable (${why})`) : r));
      }

      const deadline = AbortSignal.timeout(o.totalTimeoutMs);
      const run: FetchRun = {
        dir,
        dirName,
        source,
        signal: options.signal ? AbortSignal.any([options.signal, deadline]) : deadline,
        deadline,
        maxFileBytes: o.maxFileBytes,
        maxTaskBytes: o.maxTaskBytes,
        timeoutMs: o.timeoutMs,
        thumbnail: o.thumbnail ?? {},
        used: 0,
      };
      await eachLimited(wanted.length, Math.max(1, Math.floor(o.concurrency)), async (i) => {
        records[i] = await fetchOutput(run, wanted[i] as OutputRef, i);
      });
      await this.prune(dir, new Set(wanted.flatMap((ref, i) => [outputFileName(i, ref.filename), thumbFileName(i)])));
      return records;
    });
  }

  /**
   * A stored output (or its thumbnail) by its index in the refs given to `fetchAll`, or by its
   * `file` path from a {@link StoredOutput}. Only names the store writes, inside this task's
   * folder, that are plain files (no symlinks, no hard links) are read: anything else, `..`
   * and absolute paths included, is `not_found`.
   */
  async read(taskId: string, which: number | string, options: ReadOptions = {}): Promise<ReadOutput> {
    const dirName = taskDirName(taskId);
    const maxBytes = options.maxBytes ?? FETCH_DEFAULTS.maxFileBytes;
    const missing = () => new EngineError('not_found', `task ${taskId} has no stored ${options.thumbnail ? 'thumbnail' : 'output'} ${JSON.stringify(which)}`, { taskId });

    // Not queued behind a running fetch of the task: files appear by rename, so a read sees a
    // whole old file, a whole new one, or none.
    const dir = join(this.root, dirName);
    if (!(await isPlainDir(dir))) throw missing();
    const name = await this.nameOf(dir, dirName, which, options.thumbnail === true);
    if (name === null) throw missing();
    const found = await readPlainFile(dir, name, maxBytes);
    if (found === null) throw missing();
    if ('tooLarge' in found) {
      throw new EngineError('too_large', `stored output ${name} of task ${taskId} is ${found.tooLarge} bytes, over the ${maxBytes}-byte limit of this read`, { taskId });
    }
    return { bytes: found.bytes, contentType: sniffContentType(found.bytes), file: `${dirName}/${name}` };
  }

  /** Deletes every stored output of a task (retention purge). Missing tasks are fine. */
  async remove(taskId: string): Promise<void> {
    const dirName = taskDirName(taskId);
    // rm removes a link planted in place of the folder, never what it points to.
    await this.serialised(dirName, () => rm(join(this.root, dirName), { recursive: true, force: true }));
  }

  /** The name in the task folder `which` designates, if it is one the store writes. */
  private async nameOf(dir: string, dirName: string, which: number | string, thumbnail: boolean): Promise<string | null> {
    let index: number;
    if (typeof which === 'number') {
      if (!Number.isSafeInteger(which) || which < 0 || which > MAX_OUTPUT_INDEX) return null;
      index = which;
    } else {
      if (typeof which !== 'string') return null;
      const parts = which.split('/');
      if (parts.length !== 2 || parts[0] !== dirName) return null;
      const name = parts[1] as string;
      const kind = classifyName(name);
      if (kind === null || kind.kind === 'temp') return null;
      if (!thumbnail) return kind.kind === 'output' ? name : null;
      index = kind.index;
    }
    if (thumbnail) return thumbFileName(index);
    const names = await readdir(dir).catch(() => [] as string[]);
    const matches = names.filter((n) => {
      const kind = classifyName(n);
      return kind?.kind === 'output' && kind.index === index;
    });
    return matches.sort()[0] ?? null;
  }

  /** Removes what this fetch did not write: other indexes and names, and `.tmp-` leftovers of a crash. */
  private async prune(dir: string, keep: ReadonlySet<string>): Promise<void> {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (keep.has(name) || classifyName(name) === null) continue;
      await unlink(join(dir, name)).catch(() => undefined);
    }
  }

  /** Runs `fn` after every earlier operation on the same task folder has settled. */
  private serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(key) ?? Promise.resolve();
    const result = before.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return result;
  }
}

/** Options without their `undefined` values, so an explicit `undefined` keeps the default. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Runs `task(0…count-1)` with at most `limit` running at once. `task` must not reject. */
async function eachLimited(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
