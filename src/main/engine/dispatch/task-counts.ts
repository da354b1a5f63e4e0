import type { TaskCounts } from '../../../shared/tasks';
import type { Clock, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';
import type { Store } from '../store/store';

/** Counts of tasks per status for the UI, re-read at most once a second while tasks move (S4: a count query, not a scan in memory). */
export class TaskCountsFeed implements Disposable {
  private counts: TaskCounts | null = null;
  private due = false;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly store: Pick<Store, 'countByStatus'>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly publish: (counts: TaskCounts) => void,
  ) {}

  get current(): TaskCounts | null {
    return this.counts;
  }

  async load(): Promise<void> {
    this.counts = await this.store.countByStatus();
  }

  changed(): void {
    this.due = true;
    if (this.timer) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (!this.due) return;
      this.due = false;
      this.store.countByStatus().then(
        (counts) => {
          this.counts = counts;
          this.publish(counts);
        },
        (err: unknown) => this.log.verbose(`task counts not refreshed: ${messageOf(err)}`),
      );
    }, 1_000);
  }

  dispose(): void {
    this.clock.clearTimeout(this.timer);
  }
}
