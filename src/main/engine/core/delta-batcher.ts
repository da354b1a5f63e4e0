import type { DeltaBatch, FleetDelta } from '../../../shared/fleet';
import type { Clock, TimerHandle } from './clock';
import type { Disposable } from './disposable';
import { Emitter } from './emitter';

/**
 * Coalesces fleet deltas so the renderer gets at most one batch per interval, with only the
 * latest state of each server in it (50 servers updating twice a second stay cheap, P5).
 */
export class DeltaBatcher implements Disposable {
  private pending = new Map<string, FleetDelta>();
  private timer: TimerHandle | null = null;
  private seqValue = 0;
  private readonly onBatchEmitter = new Emitter<DeltaBatch>();
  readonly onBatch = this.onBatchEmitter.event;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 50,
  ) {}

  /** Seq of the last batch sent. */
  get seq(): number {
    return this.seqValue;
  }

  push(delta: FleetDelta): void {
    const key = deltaKey(delta);
    // Re-insert so the batch keeps the order in which servers last changed.
    this.pending.delete(key);
    this.pending.set(key, delta);
    this.timer ??= this.clock.setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const deltas = [...this.pending.values()];
    this.pending.clear();
    this.seqValue++;
    this.onBatchEmitter.fire({ seq: this.seqValue, at: this.clock.now(), deltas });
  }

  dispose(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.onBatchEmitter.dispose();
  }
}

/** Deltas with the same key replace each other within a batch: only the latest state matters. */
function deltaKey(delta: FleetDelta): string {
  switch (delta.type) {
    case 'server.upsert':
      return `server:${delta.server.id}`;
    case 'server.removed':
      return `server:${delta.id}`;
    case 'task.upsert':
      return `task:${delta.task.id}`;
    case 'lock.upsert':
      return `lock:${delta.lock.sessionId}`;
    case 'lock.removed':
      return `lock:${delta.sessionId}`;
    case 'tasks.counts':
      return 'counts';
    case 'log.line':
      return `log:${delta.line.seq}`;
  }
}
