import type { TaskId } from '../../../shared/tasks';
import { EngineError } from '../core/engine-error';

/**
 * B1, B4: the console's own queue of tasks waiting for a server, in order: requeued ones
 * first (they waited already), then new ones, each FIFO. Bounded: beyond `maxQueued()` a new
 * task is refused.
 */
export class TaskQueue {
  private readonly retry = new Set<TaskId>();
  private readonly fresh = new Set<TaskId>();

  constructor(private readonly maxQueued: () => number) {}

  get size(): number {
    return this.fresh.size + this.retry.size;
  }

  /** Throws `queue_full` when a new task would not fit. */
  admit(): void {
    const limit = this.maxQueued();
    if (this.size >= limit) {
      throw new EngineError('queue_full', `queue full: ${this.size} tasks are waiting (limit ${limit}); retry later or raise the limit in Settings`, { queued: this.size, limit });
    }
  }

  add(id: TaskId, front: boolean): void {
    (front ? this.retry : this.fresh).add(id);
  }

  remove(id: TaskId): void {
    this.fresh.delete(id);
    this.retry.delete(id);
  }

  /** A copy, in dispatch order: the pump removes tasks while it walks it. */
  inOrder(): TaskId[] {
    return [...this.retry, ...this.fresh];
  }
}
