import type { ServerId, ServerView } from '../../../shared/fleet';
import type { LockView, TaskId } from '../../../shared/tasks';
import type { Clock, Random, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import type { SessionLocks } from '../locks/session-locks';
import type { BalancerStrategy } from './balancer';
import type { DispatchLimitValues } from './dispatch-options';
import type { LedgerBackoff } from './ledger-backoff';
import { place } from './placement';
import type { ServerBook } from './server-book';
import { sessionTasksOn } from './server-book';
import type { CapabilityReader } from './server-capabilities';
import type { TaskPolicies } from './task-policies';
import type { TaskQueue } from './task-queue';
import type { LiveTask, TaskTable } from './task-table';
import { TokenBucket } from './token-bucket';

/** What became of a task handed to submission: on its server's side now, or back to the queue. */
export type Committed = 'committed' | 'put-back';

/** The next stage: takes a placed task to its server (T4). */
export interface SubmissionPort {
  /** Never rejects; `put-back` when the choice went stale before anything was persisted. */
  commit(id: TaskId, serverId: ServerId, lockFrom: ServerId | null): Promise<Committed>;
}

export interface DispatchPumpDeps {
  queue: TaskQueue;
  table: Pick<TaskTable, 'get' | 'setWaiting'>;
  fleet: { list(): ServerView[] };
  locks: Pick<SessionLocks, 'get'>;
  policies: Pick<TaskPolicies, 'policyOf'>;
  book: Pick<ServerBook, 'load' | 'reserve' | 'inFlightOn'>;
  capabilities: Pick<CapabilityReader, 'request'>;
  balancer: BalancerStrategy;
  submission: SubmissionPort;
  /** Holds dispatch back while the ledger cannot be written (every dispatch starts with a write). */
  ledger: Pick<LedgerBackoff, 'holdMs' | 'reason' | 'startDispatch' | 'probeDone'>;
  limits: DispatchLimitValues;
  clock: Clock;
  random: Random;
}

/**
 * B1–B4: walks our queue whenever something placement reads may have changed, and hands each
 * task that has a server now to submission, at most `submitsPerSecond` (B4).
 *
 * A pass is synchronous: each choice is counted against its server before the next task is
 * looked at, so tasks submitted together spread out (B3). Passes run from a timer, so whatever
 * wakes the pump (a freed slot, a lock, a server, a policy) only arms it.
 */
export class DispatchPump implements Disposable {
  private limits: DispatchLimitValues;
  private bucket: TokenBucket;
  private timer: TimerHandle | null = null;
  private dueAt = 0;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(private readonly deps: DispatchPumpDeps) {
    this.limits = deps.limits;
    this.bucket = new TokenBucket(deps.limits.submitsPerSecond, deps.limits.submitBurst, deps.clock.now());
  }

  /** B4 limits changed (U6): they apply from the next submission on. */
  setLimits(limits: DispatchLimitValues): void {
    this.limits = limits;
    this.bucket = new TokenBucket(limits.submitsPerSecond, limits.submitBurst, this.deps.clock.now());
    this.schedule();
  }

  /** Adds a task that is `queued` in the ledger to our queue; `front` for one that waited already. */
  enqueue(t: LiveTask, front: boolean): void {
    this.deps.queue.add(t.view.id, front);
    this.schedule();
  }

  /** Passes after `delayMs`, or sooner if one is already due sooner (the earliest deadline wins). */
  schedule(delayMs = 0): void {
    if (this.disposed) return;
    const due = this.deps.clock.now() + delayMs;
    if (this.timer !== null) {
      if (this.dueAt <= due) return;
      this.deps.clock.clearTimeout(this.timer);
    }
    this.dueAt = due;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.pass();
    }, delayMs);
  }

  /** One pass over the queue, in order: each task either gets a server now or the reason it waits. */
  private pass(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      this.walk();
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      this.schedule();
    }
  }

  private walk(): void {
    const { queue, table, locks, book } = this.deps;
    const servers = this.deps.fleet.list();
    const now = this.deps.clock.now();
    // Sessions given a server in this pass, before their lock is written: their next tasks follow.
    const placedNow = new Map<string, ServerId>();
    const open = (s: ServerView) => s.enabled && !s.drained && (s.health.state === 'healthy' || s.health.state === 'degraded') && book.load(s.id).inFlight < s.maxInFlight;
    for (const id of queue.inOrder()) {
      const t = table.get(id);
      if (!t || t.view.status !== 'queued') {
        queue.remove(id);
        continue;
      }
      // The ledger first: no placement can go anywhere while a dispatch cannot be persisted.
      const hold = this.deps.ledger.holdMs(now);
      if (hold !== null) {
        table.setWaiting(t, this.deps.ledger.reason);
        if (hold !== Infinity) this.schedule(hold);
        continue;
      }
      // Nothing can be placed while no server has room; the rest keep their reasons.
      if (!servers.some(open)) {
        table.setWaiting(t, servers.length ? 'waiting for a server to free a slot' : 'no server in the fleet');
        continue;
      }
      const sessionServer = placedNow.get(t.view.sessionId);
      const lock = locks.get(t.view.sessionId) ?? (sessionServer ? pendingLock(t.view.sessionId, sessionServer, now) : null);
      const placement = place({
        task: { sessionId: t.view.sessionId, pinServerId: t.view.pinServerId, requirements: t.requirements },
        policy: this.deps.policies.policyOf(t.view.type),
        lock,
        servers,
        load: (sid) => book.load(sid),
        sessionInFlightOn: (sid) => sessionTasksOn(book, table, t.view.sessionId, sid),
        now,
      });
      if (placement.kind === 'wait') {
        table.setWaiting(t, placement.reason);
        for (const sid of placement.needCapabilities) this.deps.capabilities.request(sid);
        continue;
      }
      const wait = this.bucket.waitMs(now);
      if (wait > 0) {
        table.setWaiting(t, `rate limit: ${this.limits.submitsPerSecond} submissions/s`);
        this.schedule(wait);
        break;
      }
      this.bucket.take(now);
      const chosen = this.deps.balancer.choose(placement.candidates, { now, random: this.deps.random });
      queue.remove(id);
      book.reserve(chosen.id, id, now);
      placedNow.set(t.view.sessionId, chosen.id);
      const probe = this.deps.ledger.startDispatch();
      void this.deps.submission.commit(id, chosen.id, placement.lockFrom).then((r) => {
        if (probe) {
          this.deps.ledger.probeDone();
          // The tasks held back while it tried wait for nothing now, or wait again with the next delay.
          this.schedule();
        }
        if (r === 'put-back') this.putBack(id);
      });
    }
    // Tasks held back by a server's cool-down are looked at again when it ends.
    const cooling = servers.map((s) => book.load(s.id).coolUntil).filter((until) => until > now);
    if (cooling.length && queue.size > 0) this.schedule(Math.min(...cooling) - now);
  }

  /** A choice that went stale: the task waits again, ahead of new ones, if it still waits at all. */
  private putBack(id: TaskId): void {
    const t = this.deps.table.get(id);
    if (t && t.view.status === 'queued') this.enqueue(t, true);
  }

  dispose(): void {
    this.disposed = true;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The lock a session is about to take, as placement should see it within one pass. */
function pendingLock(sessionId: string, serverId: ServerId, now: number): LockView {
  return { sessionId, serverId, acquiredAt: now, renewedAt: now, state: 'held', stuckReason: null, stuckSince: null, unfinishedTasks: 1 };
}
