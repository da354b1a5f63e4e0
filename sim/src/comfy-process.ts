import { InterruptFlag, PromptExecutor, type WorkSite } from './executor';
import type { Folders } from './folder-paths';
import { Life } from './life';
import type { NodeDef } from './nodes';
import { OutputCache } from './output-cache';
import { pixelPool } from './pixel-pool';
import { PromptQueue } from './prompt-queue';
import { SimulatedGpu } from './system-stats';
import { PromptWorker, type ExecutionRecord } from './worker';
import { WsHub } from './ws-hub';

/**
 * Everything a ComfyUI process keeps in memory: queue, history, caches, WS sessions, the
 * `number` counter. A crash throws the whole object away; lifting it starts a fresh one,
 * which is exactly what a restart of the real server loses.
 */

export interface ProcessConfig {
  catalogue: Record<string, NodeDef>;
  folders: Folders;
  latentPreviews: boolean;
  /** ms of simulated work for `units` of `nodeClass`, speed already applied. */
  workMs(nodeClass: string, units: number): number;
  record(rec: ExecutionRecord): void;
  /** True while the `stall` fault is active. */
  stalled(): boolean;
  /** Test hook: each simulated wait also waits for the promise this returns (see SimOptions). */
  workGate?: ((at: WorkSite) => Promise<void> | void) | undefined;
}

export class ComfyProcess {
  readonly life = new Life();
  readonly interrupt = new InterruptFlag();
  readonly cache = new OutputCache();
  readonly gpu = new SimulatedGpu();
  readonly hub: WsHub;
  readonly queue: PromptQueue;
  readonly executor: PromptExecutor;
  readonly worker: PromptWorker;
  /** `PromptServer.number`: the next automatic priority. */
  number = 0;

  constructor(readonly config: ProcessConfig) {
    this.hub = new WsHub({
      queueInfo: () => this.queueInfo(),
      currentClient: () => ({ clientId: this.executor.clientId, lastNodeId: this.executor.lastNodeId }),
      muted: () => config.stalled() && this.worker.jobActive,
    });
    this.queue = new PromptQueue(
      () => this.hub.send('status', { status: this.queueInfo() }, null),
      () => this.worker.kick(),
    );
    this.executor = new PromptExecutor({
      hub: this.hub,
      catalogue: config.catalogue,
      cache: this.cache,
      interrupt: this.interrupt,
      folders: config.folders,
      latentPreviews: config.latentPreviews,
      workMs: config.workMs,
      sleep: async (ms, at) => {
        await this.life.sleep(ms);
        const gate = config.workGate?.(at);
        if (gate) await this.life.guard(gate);
      },
      // A crash drops the pixel job with the process: the pool stops it, nothing is delivered.
      compute: (job) => this.life.guard(pixelPool().run(job, this.life.signal)),
      loadModel: (ckpt) => this.gpu.load(ckpt),
      checkAlive: () => this.life.check(),
    });
    this.worker = new PromptWorker({
      queue: this.queue,
      executor: this.executor,
      hub: this.hub,
      life: this.life,
      record: config.record,
      unloadModels: () => this.gpu.unloadAll(),
      freeMemory: () => this.cache.clear(),
    });
  }

  /** `get_queue_info()`. */
  queueInfo(): { exec_info: { queue_remaining: number } } {
    return { exec_info: { queue_remaining: this.queue.tasksRemaining() } };
  }

  /** The process dies: sockets are the HTTP layer's business, the work just stops. */
  kill(): void {
    if (this.life.aborted) return;
    this.life.abort();
    this.hub.close();
  }
}
