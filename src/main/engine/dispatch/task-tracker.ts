import type { ServerId, ServerView } from '../../../shared/fleet';
import type { ComfyClient } from '../comfy/comfy-client';
import type { KnownFrame } from '../comfy/ws-frames';
import type { Clock, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { messageOf } from '../core/error-message';
import type { Logger } from '../core/logger';
import { MoveTo } from '../tasks/move-to';
import type { AbandonedPrompts } from './abandoned-prompts';
import type { PromptWhereabouts } from './prompt-lookup';
import { lookUpPrompt } from './prompt-lookup';
import type { ServerBook } from './server-book';
import type { LiveTask, TaskTable } from './task-table';

export interface TrackerOptions {
  /** T5: a task on a server that said nothing about it for this long is looked up in /history and /queue. */
  quietMs: number;
  watchdogTickMs: number;
  /** T9: a server unhealthy this long has lost the tasks it held. */
  serverLostAfterMs: number;
  /** Progress is written at most this often per task (the last report always is). */
  progressIntervalMs: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = { quietMs: 10_000, watchdogTickMs: 1_000, serverLostAfterMs: 2_000, progressIntervalMs: 500 };

/** The next stage: what the tracker found out about a task on its server. */
export interface TrackedOutcomes {
  apply(t: LiveTask, seen: PromptWhereabouts, context: string): Promise<void>;
  /** T9: the task's server is gone or has been unhealthy too long. */
  serverLost(t: LiveTask, why: string): Promise<void>;
}

export interface TrackerDeps {
  table: Pick<TaskTable, 'all' | 'get' | 'byPrompt' | 'serial' | 'move' | 'progress'>;
  outcomes: TrackedOutcomes;
  abandoned: Pick<AbandonedPrompts, 'has' | 'drop'>;
  /** Which of our tasks each server holds. */
  book: Pick<ServerBook, 'inFlightOn'>;
  fleet: { get(id: ServerId): ServerView | undefined; clientFor(id: ServerId): Pick<ComfyClient, 'interrupt' | 'history' | 'queue'> };
  clock: Clock;
  log: Logger;
  options?: Partial<TrackerOptions>;
}

/**
 * Follows every task that is on a server (T5): WebSocket events first — only those of the
 * task's own server, matched by prompt_id — and, whenever events stop, after every reconnect
 * and when a server comes back, a look at `/history/{id}` and `/queue`. Nothing waits on a
 * socket once history has answered. A server unhealthy for `serverLostAfterMs` has lost its
 * tasks (T9).
 */
export class TaskTracker implements Disposable {
  private readonly opts: TrackerOptions;
  private timer: TimerHandle | null = null;
  private readonly checking = new Set<string>();
  private readonly lostTimers = new Map<ServerId, TimerHandle>();
  private readonly progressAt = new Map<string, number>();
  /** When the watchdog last looked a task up; events (not lookups) feed `lastEventAt`, which L3 reads. */
  private readonly checkedAt = new Map<string, number>();
  private disposed = false;

  constructor(private readonly deps: TrackerDeps) {
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...deps.options };
    this.tick();
  }

  /** The live task whose current attempt is `promptId` on `serverId`; events of any other server are not its events. */
  private taskOf(serverId: ServerId, promptId: string): LiveTask | null {
    const t = this.deps.table.byPrompt(promptId);
    return t && t.view.serverId === serverId ? t : null;
  }

  onFrame(server: ServerView, frame: KnownFrame): void {
    const promptId = 'prompt_id' in frame.data ? (frame.data.prompt_id as string | undefined) : undefined;
    if (!promptId) return;
    const t = this.taskOf(server.id, promptId);
    if (!t) {
      if (frame.type === 'execution_start' && this.deps.abandoned.has(server.id, promptId)) {
        this.deps.log.info(`server "${server.name}" started prompt ${promptId} of a requeued attempt; interrupting it so it does not run twice`);
        void this.deps.fleet.clientFor(server.id).interrupt(promptId).catch(() => undefined);
      }
      return;
    }
    t.lastEventAt = this.deps.clock.now();
    switch (frame.type) {
      case 'execution_start':
      case 'executing':
        if (frame.type === 'executing' && frame.data.node === null) {
          // The terminal signal: history is written by now (protocol doc §2).
          this.check(t.view.id, 'the terminal executing frame');
        } else if (t.view.status === 'dispatched') {
          void this.deps.table.serial(t.view.id, async (x) => {
            if (x.view.status === 'dispatched' && x.view.promptId === promptId) await this.deps.table.move(x, MoveTo.running());
          }).catch((err: unknown) => this.deps.log.verbose(`task ${t.view.id}: ${messageOf(err)}`));
        }
        return;
      case 'progress': {
        const now = this.deps.clock.now();
        const last = this.progressAt.get(t.view.id) ?? 0;
        const { value, max } = frame.data;
        if (now - last < this.opts.progressIntervalMs && value < max) return;
        this.progressAt.set(t.view.id, now);
        void this.deps.table.serial(t.view.id, async (x) => {
          if (x.view.promptId !== promptId) return;
          if (x.view.status === 'dispatched') await this.deps.table.move(x, MoveTo.running());
          await this.deps.table.progress(x, { value, max, nodeId: frame.data.node ?? null });
        }).catch((err: unknown) => this.deps.log.verbose(`task ${t.view.id}: progress not written: ${messageOf(err)}`));
        return;
      }
      default:
        return;
    }
  }

  /** Looks the task's prompt up on its server and acts on the answer; one look at a time per task. */
  check(id: string, context: string): void {
    if (this.checking.has(id)) return;
    this.checking.add(id);
    void this.deps.table
      .serial(id, async (t) => {
        if ((t.view.status !== 'dispatched' && t.view.status !== 'running') || !t.view.promptId || !t.view.serverId) return;
        const server = this.deps.fleet.get(t.view.serverId);
        if (!server) return this.deps.outcomes.serverLost(t, `server ${t.view.serverId} was removed from the fleet`);
        const seen = await lookUpPrompt(this.deps.fleet.clientFor(server.id), t.view.promptId);
        this.checkedAt.set(id, this.deps.clock.now());
        await this.deps.outcomes.apply(t, seen, context);
      })
      .catch((err: unknown) => this.deps.log.info(`task ${id}: check after ${context} failed: ${messageOf(err)}`))
      .finally(() => {
        this.checking.delete(id);
        if (!this.deps.table.get(id)) {
          this.progressAt.delete(id);
          this.checkedAt.delete(id);
        }
      });
  }

  /** Every task of a server, now: after its socket (re)opened, or when it answers again. */
  checkServer(serverId: ServerId, context: string): void {
    for (const id of this.deps.book.inFlightOn(serverId)) this.check(id, context);
    void this.deps.abandoned.drop(serverId);
  }

  onHealth(server: ServerView): void {
    const pending = this.lostTimers.get(server.id);
    if (server.health.state !== 'unhealthy') {
      if (pending) {
        this.deps.clock.clearTimeout(pending);
        this.lostTimers.delete(server.id);
      }
      if (server.health.state === 'healthy') this.checkServer(server.id, `${server.name} answering again`);
      return;
    }
    if (pending) return;
    this.lostTimers.set(
      server.id,
      this.deps.clock.setTimeout(() => {
        this.lostTimers.delete(server.id);
        const now = this.deps.fleet.get(server.id);
        if (now?.health.state === 'unhealthy') this.serverLost(now);
      }, this.opts.serverLostAfterMs),
    );
  }

  private serverLost(server: ServerView): void {
    const ids = [...this.deps.book.inFlightOn(server.id)];
    if (!ids.length) return;
    this.deps.log.info(`server "${server.name}" lost with ${ids.length} task(s) on it: ${server.health.reason}`);
    for (const id of ids) {
      void this.deps.table
        .serial(id, async (t) => {
          if (t.view.serverId !== server.id || (t.view.status !== 'dispatched' && t.view.status !== 'running')) return;
          await this.deps.outcomes.serverLost(t, `server ${server.name} lost (${server.health.reason})`);
        })
        .catch((err: unknown) => this.deps.log.info(`task ${id}: handling the loss of ${server.name} failed: ${messageOf(err)}`));
    }
  }

  private tick(): void {
    if (this.disposed) return;
    this.timer = this.deps.clock.setTimeout(() => {
      const now = this.deps.clock.now();
      for (const t of this.deps.table.all()) {
        const heard = Math.max(t.lastEventAt, this.checkedAt.get(t.view.id) ?? 0);
        if ((t.view.status === 'dispatched' || t.view.status === 'running') && now - heard > this.opts.quietMs) {
          this.checkedAt.set(t.view.id, now);
          this.check(t.view.id, `${Math.round(this.opts.quietMs / 1000)} s without events`);
        }
      }
      this.tick();
    }, this.opts.watchdogTickMs);
  }

  dispose(): void {
    this.disposed = true;
    this.deps.clock.clearTimeout(this.timer);
    for (const t of this.lostTimers.values()) this.deps.clock.clearTimeout(t);
    this.lostTimers.clear();
  }
}
