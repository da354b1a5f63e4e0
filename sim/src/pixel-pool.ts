import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromJobError, pixelJobCost, runPixelJob, type PixelJob, type PixelResult } from './pixel-jobs';
import type { JobRequest, WorkerMessage } from './pixel-worker';

/**
 * A small process-wide pool of worker threads for pixel work. ComfyUI computes prompts on a
 * worker thread and keeps its aiohttp loop free; doing blurs and PNG encoding on our event
 * loop made `GET /queue` take seconds (issue 12). Workers are created on first use and
 * `unref()`ed, so an idle pool never keeps a process alive.
 *
 * Where the worker entry lives depends on how the simulator was loaded:
 * - from sources (Vitest, `tsx`): `pixel-worker.ts` next to this file, started with tsx's
 *   loader, because a worker thread inherits neither Vitest's transform nor tsx's hooks;
 * - from the Electron main bundle: `pixel-worker.js`, an entry of its own in `out/main`
 *   (electron.vite.config.ts), next to this chunk or one directory up;
 * - neither found (or the worker fails to start): the work runs on the calling thread, as
 *   before, after a one-line warning.
 */

/** Below this many pixel passes a worker round trip costs more than the work (~1 ms). */
export const INLINE_BELOW = 64 * 1024;

export interface PoolOptions {
  size?: number;
  /** Jobs cheaper than this run on the calling thread; 0 sends everything to a worker. */
  inlineBelow?: number;
  /** Overrides the located worker entry (tests); `null` forces the calling thread. */
  entry?: WorkerEntry | null;
}

export interface WorkerEntry {
  file: string;
  execArgv: string[];
}

interface Task {
  id: number;
  job: PixelJob;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  detach(): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
}

export function locateWorkerEntry(dir: string = __dirname): WorkerEntry | null {
  const ts = join(dir, 'pixel-worker.ts');
  if (existsSync(ts)) {
    try {
      const tsx = createRequire(join(dir, 'pixel-pool.ts')).resolve('tsx');
      return { file: ts, execArgv: ['--import', pathToFileURL(tsx).href] };
    } catch {
      return null;
    }
  }
  for (const candidate of [join(dir, 'pixel-worker.js'), join(dir, '..', 'pixel-worker.js')]) {
    if (existsSync(candidate)) return { file: candidate, execArgv: [] };
  }
  return null;
}

export class PixelPool {
  private readonly size: number;
  private readonly inlineBelow: number;
  private entry: WorkerEntry | null | undefined;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private warned = false;

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(2, availableParallelism()));
    this.inlineBelow = options.inlineBelow ?? INLINE_BELOW;
    this.entry = options.entry;
  }

  /**
   * Runs `job` off the event loop. When `signal` aborts (the simulated process crashed or
   * closed), a queued job is dropped and a running one is stopped with its worker: nothing
   * of it is delivered. Errors come back as the same PyError (type and message).
   */
  run<J extends PixelJob>(job: J, signal?: AbortSignal): Promise<PixelResult<J>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (pixelJobCost(job) < this.inlineBelow || this.workerEntry() === null) return inline(job);
    return new Promise<PixelResult<J>>((resolve, reject) => {
      const onAbort = (): void => this.cancel(task, signal?.reason);
      const task: Task = {
        id: this.nextId++,
        job,
        resolve: resolve as (value: unknown) => void,
        reject: (err) => reject(fromJobError(err)),
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(task);
      this.pump();
    });
  }

  /** Stops every worker (tests); pending jobs fail. The pool stays usable. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const task of this.queue.splice(0)) this.settle(task, false, new Error('pixel pool closed'));
    for (const slot of slots) if (slot.task) this.settle(slot.task, false, new Error('pixel pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Workers currently alive (tests). */
  get threads(): number {
    return this.slots.length;
  }

  /** Workers currently computing a job (tests). */
  get busy(): number {
    return this.slots.filter((s) => s.task !== null).length;
  }

  private workerEntry(): WorkerEntry | null {
    if (this.entry === undefined) {
      this.entry = locateWorkerEntry();
      if (this.entry === null) this.fallBack('no pixel-worker entry next to the simulator');
    }
    return this.entry;
  }

  private fallBack(why: string): void {
    this.entry = null;
    if (!this.warned) console.warn(`comfy-sim: ${why}; computing pixels on the calling thread`);
    this.warned = true;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const entry = this.workerEntry();
      if (entry === null) {
        for (const task of this.queue.splice(0)) this.runInline(task);
        return;
      }
      let slot = this.slots.find((s) => s.task === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        try {
          slot = this.spawn(entry);
        } catch (err) {
          this.fallBack(`the pixel worker did not start (${(err as Error).message})`);
          continue;
        }
      }
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, job: task.job } satisfies JobRequest);
    }
  }

  private spawn(entry: WorkerEntry): Slot {
    const worker = new Worker(entry.file, { execArgv: entry.execArgv, name: 'comfy-sim-pixels' });
    worker.unref();
    const slot: Slot = { worker, ready: false, task: null };
    this.slots.push(slot);
    worker.on('message', (msg: WorkerMessage) => {
      if ('ready' in msg) {
        slot.ready = true;
        return;
      }
      const task = slot.task;
      if (!task || task.id !== msg.id) return;
      slot.task = null;
      if (msg.ok) this.settle(task, true, msg.value);
      else this.settle(task, false, msg.error);
      this.pump();
    });
    worker.on('error', (err) => this.lose(slot, err));
    worker.on('exit', (code) => this.lose(slot, new Error(`pixel worker exited with code ${code}`)));
    return slot;
  }

  /** A worker died. If it never started, workers cannot run here: compute inline from now on. */
  private lose(slot: Slot, err: Error): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    const task = slot.task;
    slot.task = null;
    if (!slot.ready) {
      this.fallBack(`the pixel worker did not start (${err.message.split('\n')[0]})`);
      if (task) this.queue.unshift(task);
    } else if (task) this.settle(task, false, err);
    this.pump();
  }

  private cancel(task: Task, reason: unknown): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = this.slots.find((s) => s.task === task);
    if (slot) {
      // The only way to stop a computing thread; a fresh one is started when needed.
      this.slots.splice(this.slots.indexOf(slot), 1);
      slot.task = null;
      void slot.worker.terminate();
    }
    this.settle(task, false, reason);
    this.pump();
  }

  private settle(task: Task, ok: boolean, value: unknown): void {
    task.detach();
    if (ok) task.resolve(value);
    else task.reject(value);
  }

  private runInline(task: Task): void {
    inline(task.job).then(
      (value) => this.settle(task, true, value),
      (err: unknown) => this.settle(task, false, err),
    );
  }
}

function inline<J extends PixelJob>(job: J): Promise<PixelResult<J>> {
  try {
    return Promise.resolve(runPixelJob(job));
  } catch (err) {
    return Promise.reject(fromJobError(err));
  }
}

const POOL = Symbol.for('comfy-sim.pixel-pool');

/** The process-wide pool (shared even if these modules are evaluated more than once). */
export function pixelPool(): PixelPool {
  const holder = globalThis as { [POOL]?: PixelPool };
  return (holder[POOL] ??= new PixelPool());
}
