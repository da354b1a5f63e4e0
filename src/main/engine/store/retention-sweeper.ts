import type { TaskId } from '../../../shared/tasks';
import type { Clock, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';
import type { Store } from './store';

/** The first sweep waits for start-up to settle; then one an hour is plenty for a days-long setting. */
const FIRST_SWEEP_MS = 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;

export interface RetentionSweeperDeps {
  store: Pick<Store, 'getRetentionDays' | 'purgeTerminalTasks'>;
  /** Deletes a purged task's output files. */
  outputs: { remove(taskId: TaskId): Promise<void> };
  clock: Clock;
  log: Logger;
}

/** S4: terminal tasks older than the retention setting are purged, hourly (none when unset). */
export class RetentionSweeper implements Disposable {
  private timer: TimerHandle | null = null;
  private disposed = false;

  constructor(private readonly deps: RetentionSweeperDeps) {}

  start(): void {
    this.schedule(FIRST_SWEEP_MS);
  }

  private schedule(delayMs: number): void {
    if (this.disposed) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.sweep()
        .catch((err: unknown) => this.deps.log.info(`retention purge failed: ${messageOf(err)}`))
        .finally(() => this.schedule(SWEEP_EVERY_MS));
    }, delayMs);
  }

  private async sweep(): Promise<void> {
    const { store, outputs, log } = this.deps;
    const days = await store.getRetentionDays();
    if (days === null) return;
    // Files after rows: a crash in between leaves orphan files, never rows without their outputs.
    const purged = await store.purgeTerminalTasks({
      olderThanDays: days,
      onPurged: async (ids) => {
        for (const id of ids) await outputs.remove(id);
      },
    });
    if (purged) log.info(`retention: purged ${purged} task(s) that ended more than ${days} day(s) ago`);
  }

  dispose(): void {
    this.disposed = true;
    this.deps.clock.clearTimeout(this.timer);
  }
}
