import type { ServerId, ServerView } from '../../../shared/fleet';
import type { LockView, SessionId } from '../../../shared/tasks';
import type { Clock, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { Emitter } from '../core/emitter';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import type { TaskTable } from '../dispatch/task-table';

export interface LockOptions {
  /** L3: the safety-net sweep runs this often. */
  sweepMs: number;
  /** L3: a lock whose server has been unhealthy this long is `stuck`. */
  unhealthyGraceMs: number;
  /** L3: a lock whose running task sent no event this long is `stuck`. */
  stallMs: number;
}

const SWEEP_FAILURE_RELOG_MS = 10 * 60_000;

export const DEFAULT_LOCK_OPTIONS: LockOptions = { sweepMs: 30_000, unhealthyGraceMs: 60_000, stallMs: 10 * 60_000 };

export interface SessionLocksDeps {
  store: Store;
  /** The live tasks, to tell a stalled running task (L3). */
  table: Pick<TaskTable, 'all'>;
  servers: () => readonly ServerView[];
  clock: Clock;
  log: Logger;
  options?: Partial<LockOptions>;
}

export interface LockChange {
  sessionId: SessionId;
  /** Null when released. */
  lock: LockView | null;
}

/**
 * Session affinity (L1–L6), as policy over the ledger's atomic lock primitives: a session's
 * first unfinished task takes the lock for the server it is dispatched to, every later one
 * renews it, and the lock goes the moment the session's last task ends. There is no timeout;
 * a sweep releases what an interrupted console left behind and marks locks `stuck` when their
 * server stays unhealthy or their running task goes silent. Two consoles on one database agree
 * because the ledger, not this cache, decides who holds a lock.
 */
export class SessionLocks implements Disposable {
  private readonly cache = new Map<SessionId, LockView>();
  private readonly opts: LockOptions;
  private timer: TimerHandle | null = null;
  private readonly onChangeEmitter = new Emitter<LockChange>();
  readonly onChange = this.onChangeEmitter.event;
  private disposed = false;
  /** The last sweep failure logged, and when. */
  private sweepFailure: { why: string; at: number } | null = null;

  constructor(private readonly deps: SessionLocksDeps) {
    this.opts = { ...DEFAULT_LOCK_OPTIONS, ...deps.options };
  }

  async load(): Promise<void> {
    for (const lock of await this.deps.store.listLocks()) this.set(lock);
    this.scheduleSweep();
  }

  get(sessionId: SessionId): LockView | null {
    return this.cache.get(sessionId) ?? null;
  }

  list(): LockView[] {
    return [...this.cache.values()];
  }

  /**
   * L2: takes the lock for `serverId`, or renews it if held there already; when `from` is given
   * (failover L6, or a drained/removed server) the lock held there moves, audited. Returns the
   * server that holds the lock now — another console may have been first.
   */
  async claim(sessionId: SessionId, serverId: ServerId, from: ServerId | null): Promise<ServerId> {
    const { store } = this.deps;
    if (from !== null) {
      const current = await store.getLock(sessionId);
      if (current && current.serverId === from) {
        await store.forceReleaseLock(sessionId, {
          actor: 'dispatcher',
          reason: `lock moved from server ${this.nameOf(from)} to ${this.nameOf(serverId)}: ${this.whyUnavailable(from)}`,
          details: { from, to: serverId },
        });
        this.deps.log.info(`session ${sessionId}: lock moved from ${this.nameOf(from)} to ${this.nameOf(serverId)}`);
      }
    }
    const { lock, acquired } = await store.acquireLock(sessionId, serverId);
    if (acquired || lock.serverId !== serverId) {
      this.set(lock);
      return lock.serverId;
    }
    this.set((await store.renewLock(sessionId, serverId)) ?? lock);
    return serverId;
  }

  /**
   * The dispatch that took or renewed the lock never reached its server, and nothing else of
   * the session is there: the affinity never came to be, so the lock goes (audited) instead of
   * holding the session to a server that may be down (L6 would make it wait for nothing).
   */
  async releaseUnused(sessionId: SessionId, serverId: ServerId, why: string): Promise<void> {
    const lock = await this.deps.store.getLock(sessionId);
    if (!lock || lock.serverId !== serverId) return;
    await this.deps.store.forceReleaseLock(sessionId, { actor: 'dispatcher', reason: `lock on ${this.nameOf(serverId)} released: ${why}`, details: { serverId } });
    this.remove(sessionId);
  }

  /** L2: one of the session's tasks ended; the lock goes if it was the last unfinished one. */
  async taskEnded(sessionId: SessionId): Promise<void> {
    if (await this.deps.store.releaseLockIfIdle(sessionId)) this.remove(sessionId);
    else if (this.cache.has(sessionId)) {
      const lock = await this.deps.store.getLock(sessionId);
      if (lock) this.set(lock);
      else this.remove(sessionId);
    }
  }

  /** L4: removes the lock and writes the audit entry in one transaction. */
  async forceRelease(sessionId: SessionId, audit: { actor: string; reason: string; details?: unknown }): Promise<LockView> {
    const lock = await this.deps.store.forceReleaseLock(sessionId, audit);
    this.remove(sessionId);
    return lock;
  }

  /**
   * L3: releases locks of sessions without unfinished tasks (a safety net: a crash between a
   * task's end and its release), and marks locks stuck or held again.
   */
  async sweep(): Promise<void> {
    const { store, clock } = this.deps;
    for (const sessionId of await store.releaseIdleLocks()) {
      this.deps.log.info(`session ${sessionId}: lock released by the sweep (no unfinished task)`);
      this.remove(sessionId);
    }
    const now = clock.now();
    for (const lock of await store.listLocks()) {
      const why = this.stuckReason(lock, now);
      if (why && lock.state !== 'stuck') {
        this.deps.log.info(`session ${lock.sessionId}: lock on ${this.nameOf(lock.serverId)} is stuck: ${why}`);
        this.set((await store.markLockStuck(lock.sessionId, why)) ?? lock);
      } else if (!why && lock.state === 'stuck') {
        this.set((await store.markLockHeld(lock.sessionId)) ?? lock);
      } else {
        this.set(lock);
      }
    }
  }

  private stuckReason(lock: LockView, now: number): string | null {
    const server = this.deps.servers().find((s) => s.id === lock.serverId);
    if (!server) return `server ${lock.serverId} is no longer in the fleet`;
    if (server.health.state === 'unhealthy' && now - server.health.since > this.opts.unhealthyGraceMs) {
      return `server ${server.name} unhealthy for ${Math.round((now - server.health.since) / 1000)} s: ${server.health.reason}`;
    }
    for (const t of this.deps.table.all()) {
      if (t.view.sessionId === lock.sessionId && t.view.status === 'running' && now - t.lastEventAt > this.opts.stallMs) {
        return `task ${t.view.id} running on ${server.name} sent no event for ${Math.round((now - t.lastEventAt) / 1000)} s`;
      }
    }
    return null;
  }

  private whyUnavailable(id: ServerId): string {
    const s = this.deps.servers().find((x) => x.id === id);
    if (!s) return 'it was removed from the fleet';
    if (!s.enabled) return 'it is disabled';
    if (s.drained) return 'it is drained';
    return `it is ${s.health.state} (failover: move)`;
  }

  private nameOf(id: ServerId): string {
    return this.deps.servers().find((s) => s.id === id)?.name ?? id;
  }

  private set(lock: LockView): void {
    const prev = this.cache.get(lock.sessionId);
    this.cache.set(lock.sessionId, lock);
    if (!prev || JSON.stringify(prev) !== JSON.stringify(lock)) this.onChangeEmitter.fire({ sessionId: lock.sessionId, lock });
  }

  private remove(sessionId: SessionId): void {
    if (this.cache.delete(sessionId)) this.onChangeEmitter.fire({ sessionId, lock: null });
  }

  private scheduleSweep(): void {
    if (this.disposed) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.sweep()
        .catch((err: unknown) => {
          // A lasting cause (an unwritable ledger) is logged once per ten minutes, not once per sweep.
          const why = messageOf(err);
          const now = this.deps.clock.now();
          if (why !== this.sweepFailure?.why || now - this.sweepFailure.at >= SWEEP_FAILURE_RELOG_MS) {
            this.deps.log.info(`lock sweep failed: ${why}`);
            this.sweepFailure = { why, at: now };
          }
        })
        .finally(() => this.scheduleSweep());
    }, this.opts.sweepMs);
  }

  dispose(): void {
    this.disposed = true;
    this.deps.clock.clearTimeout(this.timer);
    this.onChangeEmitter.dispose();
  }
}
