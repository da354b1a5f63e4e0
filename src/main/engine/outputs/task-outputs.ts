import type { TaskId, TaskOutput } from '../../../shared/tasks';
import type { ComfyClient } from '../comfy/comfy-client';
import type { OutputRef } from '../comfy/comfy-schemas';
import type { Clock } from '../core/clock';
import type { Disposable } from '../core/disposable';
import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import type { OutputStore } from './output-store';
import type { OutputErrorCode, OutputSource, StoredOutput } from './stored-output';
import { outputSourceOf } from './stored-output';

/** T6: waits before each new fetch of a succeeded task's outputs that failed for a reason that may pass. */
export const DEFAULT_OUTPUT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];

/** Output errors that another fetch cannot cure (see `OutputErrorCode`). */
const PERMANENT_OUTPUT_ERRORS: ReadonlySet<OutputErrorCode> = new Set<OutputErrorCode>(['too_many_outputs', 'task_too_large', 'too_large', 'store_failed']);

export interface TaskOutputsDeps {
  files: Pick<OutputStore, 'fetchAll'>;
  /** Where "trying again" goes on the task's timeline. */
  notes: Pick<Store, 'appendMessage'>;
  clock: Clock;
  log: Logger;
  retryDelaysMs?: readonly number[];
}

/**
 * T6: a finished job's outputs, from its own server, stored under the data folder. The job
 * already succeeded, so an output that could not be fetched for a reason that may pass (the
 * server crashed after the job and restarts with its files, a proxy answered garbage for a
 * while) is fetched again a few times before the task ends without it; one that can never be
 * stored (too large, too many) is not.
 */
export class TaskOutputs implements Disposable {
  private readonly retryDelaysMs: readonly number[];
  private disposed = false;

  constructor(private readonly deps: TaskOutputsDeps) {
    this.retryDelaysMs = deps.retryDelaysMs ?? DEFAULT_OUTPUT_RETRY_DELAYS_MS;
  }

  /** `client` is the one of the server that ran the task, as it was when the task ended. */
  async fetch(taskId: TaskId, client: Pick<ComfyClient, 'server' | 'view'>, refs: OutputRef[]): Promise<TaskOutput[]> {
    const source = outputSourceOf(client);
    let stored = await this.fetchOnce(taskId, source, refs);
    for (const delayMs of this.retryDelaysMs) {
      // Decided on the store's records, which carry `errorCode`; the row's TaskOutput does not
      // (issue 21: mapping first lost the code, and permanent failures were fetched five times).
      const failed = stored.filter((s) => !s.file && !(s.errorCode !== null && PERMANENT_OUTPUT_ERRORS.has(s.errorCode)));
      if (!failed.length || this.disposed) break;
      await this.deps.notes.appendMessage(taskId, 'warning', `${failed.length} output(s) not fetched yet (${failed[0]?.error ?? 'no reason given'}); trying again in ${delayMs} ms`);
      await new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, delayMs));
      stored = await this.fetchOnce(taskId, source, refs);
    }
    return stored.map(toTaskOutput);
  }

  private async fetchOnce(taskId: TaskId, source: OutputSource, refs: OutputRef[]): Promise<StoredOutput[]> {
    const stored = await this.deps.files.fetchAll(taskId, source, refs);
    const failed = stored.filter((s) => s.error);
    if (failed.length) this.deps.log.info(`task ${taskId}: ${failed.length} output(s) not stored: ${failed.map((f) => f.error).join('; ')}`);
    return stored;
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** The row's record of a stored output. */
function toTaskOutput(s: StoredOutput): TaskOutput {
  return { nodeId: s.nodeId, filename: s.filename, subfolder: s.subfolder, type: s.type, file: s.file, thumb: s.thumb, contentType: s.contentType, bytes: s.bytes, error: s.error };
}
