import { Aborted, type Life } from './life';
import type { PromptExecutor } from './executor';
import type { PromptQueue } from './prompt-queue';
import { pyTruthy } from './py-json';
import type { WsHub } from './ws-hub';

/**
 * `main.prompt_worker`: one job at a time. Pop (status), execute, `task_done` (history,
 * status), then the terminal `executing {node: null}` for jobs with a client, then the
 * `/free` flags. Pausing stops popping; a running job always finishes.
 */

export interface ExecutionRecord {
  promptId: string;
  number: number;
  clientId: string | null;
  startedAt: number;
  endedAt: number;
  outcome: 'success' | 'error' | 'interrupted';
  /**
   * Simulated work the job scheduled, in ms: `durations[class] * units / speed` summed over
   * the nodes that ran (cached nodes schedule none). Exact, whatever the machine's load.
   */
  workMs: number;
}

export interface WorkerDeps {
  queue: PromptQueue;
  executor: PromptExecutor;
  hub: WsHub;
  life: Life;
  record(rec: ExecutionRecord): void;
  unloadModels(): void;
  freeMemory(): void;
}

export class PromptWorker {
  private busy = false;
  private paused = false;
  private scheduled = false;
  /** From pop until the terminal frame: the span the `stall` fault silences. */
  private active = false;

  constructor(private readonly deps: WorkerDeps) {}

  get jobActive(): boolean {
    return this.active;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  /** Wakes the worker, like `not_empty.notify()` on the real queue's condition. */
  kick(): void {
    if (this.busy || this.scheduled || this.deps.life.aborted) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.loop();
    });
  }

  private async loop(): Promise<void> {
    if (this.busy || this.deps.life.aborted) return;
    this.busy = true;
    try {
      // Flags set while idle wake the worker on their own (upstream `get` returns None).
      this.applyFlags();
      while (!this.paused && !this.deps.life.aborted && this.deps.queue.pendingCount() > 0) {
        await this.runOne();
        this.applyFlags();
      }
      this.applyFlags();
    } catch (err) {
      if (!(err instanceof Aborted)) throw err;
    } finally {
      this.busy = false;
    }
  }

  private async runOne(): Promise<void> {
    const { queue, executor, hub } = this.deps;
    this.active = true;
    const next = queue.get();
    if (!next) {
      this.active = false;
      return;
    }
    const [number, promptId, prompt, extraData, outputs] = next.item;
    const startedAt = Date.now();
    const clientId = typeof extraData['client_id'] === 'string' ? extraData['client_id'] : null;
    let result;
    try {
      result = await executor.execute(prompt, promptId, extraData, outputs);
    } catch (err) {
      this.active = false;
      if (err instanceof Aborted) {
        this.deps.record({ promptId, number, clientId, startedAt, endedAt: Date.now(), outcome: 'error', workMs: executor.scheduledMs });
      }
      throw err;
    }
    queue.taskDone(
      next.id,
      { outputs: result.outputs, meta: result.meta },
      { status_str: result.success ? 'success' : 'error', completed: result.success, messages: result.messages },
    );
    if (executor.clientId !== null) hub.send('executing', { node: null, prompt_id: promptId }, executor.clientId);
    this.active = false;
    const outcome = result.success ? 'success' : result.interrupted ? 'interrupted' : 'error';
    this.deps.record({ promptId, number, clientId, startedAt, endedAt: Date.now(), outcome, workMs: executor.scheduledMs });
  }

  private applyFlags(): void {
    if (!this.deps.queue.hasFlags()) return;
    const flags = this.deps.queue.takeFlags();
    const freeMemory = pyTruthy(flags['free_memory'] ?? false);
    if (pyTruthy(flags['unload_models'] ?? freeMemory)) this.deps.unloadModels();
    if (freeMemory) this.deps.freeMemory();
  }
}
