/**
 * The operator of a chaos run: every second looks at the locks (L5) and force-unlocks the
 * `stuck` ones with a reason, requeueing their sessions' unfinished tasks elsewhere (L3, L4):
 * what a person at the console does when a server stays down under `failover: wait` tasks.
 */
import type { UnlockResult } from '../src/shared/api';
import type { LockView } from '../src/shared/tasks';
import type { EngineLives } from './engine-life';
import { sleep } from './order-service';

export interface OperatorStats {
  unlocks: number;
  /** What the unlocks did to the sessions' unfinished tasks. */
  tasks: Record<UnlockResult['tasks'][number]['outcome'], number>;
  /** Unlock calls that failed (the lock went meanwhile, the engine died). */
  failed: number;
}

const LOOK_EVERY_MS = 1_000;

export class Operator {
  readonly stats: OperatorStats = { unlocks: 0, tasks: { requeued: 0, cancelled: 0, left: 0, refused: 0 }, failed: 0 };
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly engine: EngineLives) {}

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopped) {
        await this.round().catch(() => undefined);
        await sleep(LOOK_EVERY_MS);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async round(): Promise<void> {
    if (!this.engine.alive) return;
    const locks = await this.engine.call<LockView[]>('locks.list', {});
    for (const lock of locks) {
      if (lock.state !== 'stuck' || this.stopped) continue;
      try {
        const r = await this.engine.call<UnlockResult>('locks.unlock', {
          sessionId: lock.sessionId,
          reason: `chaos operator: ${lock.stuckReason ?? 'stuck'}`,
          unfinished: 'requeue',
        });
        this.stats.unlocks++;
        for (const t of r.tasks) this.stats.tasks[t.outcome]++;
      } catch {
        this.stats.failed++;
      }
    }
  }
}
