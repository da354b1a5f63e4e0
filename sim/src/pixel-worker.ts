import { parentPort } from 'node:worker_threads';
import { runPixelJob, toJobError, type PixelJob } from './pixel-jobs';

/**
 * Entry point of a pixel worker thread (started by pixel-pool.ts). Runs one job per message
 * and always answers, so an exception in the pixel code is a job result, never a dead thread.
 */

export interface JobRequest {
  id: number;
  job: PixelJob;
}

export type WorkerMessage = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ReturnType<typeof toJobError> };

const port = parentPort;
if (port) {
  port.on('message', ({ id, job }: JobRequest) => {
    let reply: WorkerMessage;
    try {
      reply = { id, ok: true, value: runPixelJob(job) };
    } catch (err) {
      port.postMessage({ id, ok: false, error: toJobError(err) } satisfies WorkerMessage);
      return;
    }
    // PNG bytes move instead of being copied; a Buffer may be a view into Node's shared
    // allocation pool (not transferable), so it gets a buffer of its own first.
    if (reply.ok && reply.value instanceof Uint8Array) {
      const own = new Uint8Array(reply.value);
      port.postMessage({ id, ok: true, value: own } satisfies WorkerMessage, [own.buffer]);
    } else port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies WorkerMessage);
}
