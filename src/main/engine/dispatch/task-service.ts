import { z } from 'zod';
import type { CancelResult, OutputFile, SettingsPatch, SubmitArgs, TaskDetail, UnlockChoice, UnlockResult } from '../../../shared/api';
import type { FleetDelta, ServerId, ServerView } from '../../../shared/fleet';
import type { SessionId, SubmitOutcome, TaskCounts, TaskId, TaskPolicy, TaskView } from '../../../shared/tasks';
import { ComfyClient } from '../comfy/comfy-client';
import type { Clock, Random, TimerHandle } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { DisposableStore } from '../core/disposable';
import { Emitter } from '../core/emitter';
import { EngineError } from '../core/engine-error';
import type { Logger } from '../core/logger';
import type { FleetMonitor } from '../fleet/fleet-monitor';
import type { OutputStore } from '../outputs/output-store';
import type { Store } from '../store/store';
import { afterServerLost } from '../tasks/task-policy';
import type { BalancerStrategy } from './balancer';
import { expectedFinishTime } from './balancer';
import type { DispatchOptions } from './dispatcher';
import { Dispatcher, messageOf } from './dispatcher';
import type { LockOptions } from './session-locks';
import { SessionLocks } from './session-locks';
import type { LiveTask } from './task-table';
import { TaskTable } from './task-table';
import type { TrackerOptions } from './task-tracker';
import { TaskTracker } from './task-tracker';

const LIMITS_SETTING = 'dispatch.limits';
const dispatchLimitsSchema = z.object({ maxQueued: z.number().int().positive(), submitsPerSecond: z.number().positive(), submitBurst: z.number().int().positive() });

export interface TaskServiceDeps {
  store: Store;
  fleet: FleetMonitor;
  outputs: OutputStore;
  clock: Clock;
  random: Random;
  newPromptId: () => string;
  clientId: string;
  log: Logger;
  balancer?: BalancerStrategy;
  dispatch?: Partial<DispatchOptions>;
  tracker?: Partial<TrackerOptions>;
  locks?: Partial<LockOptions>;
}

/**
 * The task side of the engine, behind the commands of the contract: the ledger, the
 * dispatcher, the tracker and the session locks wired together, and their changes turned into
 * deltas for the UI.
 */
export class TaskService implements Disposable {
  private readonly disposables = new DisposableStore();
  readonly store: Store;
  readonly table: TaskTable;
  readonly locks: SessionLocks;
  readonly dispatcher: Dispatcher;
  readonly tracker: TaskTracker;
  private readonly clients = new Map<ServerId, { url: string; name: string; client: ComfyClient }>();
  private readonly onDeltaEmitter = new Emitter<FleetDelta>();
  readonly onDelta = this.onDeltaEmitter.event;
  private counts: TaskCounts | null = null;
  private countsDue = false;
  private countsTimer: TimerHandle | null = null;
  private readonly seen = new Map<ServerId, string>();
  private retentionTimer: TimerHandle | null = null;
  private disposed = false;

  constructor(private readonly deps: TaskServiceDeps) {
    const { store, fleet, clock, log } = deps;
    this.store = store;
    this.table = this.disposables.add(new TaskTable(store, clock));
    this.locks = this.disposables.add(new SessionLocks({ store, table: this.table, servers: () => fleet.list(), clock, log, options: deps.locks }));
    const clientFor = (server: ServerView) => this.clientFor(server);
    this.dispatcher = this.disposables.add(
      new Dispatcher({
        store,
        table: this.table,
        locks: this.locks,
        fleet,
        clientFor,
        outputs: {
          fetchAll: async (taskId, source, refs) => {
            const stored = await deps.outputs.fetchAll(taskId, source, refs);
            const failed = stored.filter((s) => s.error);
            if (failed.length) log.info(`task ${taskId}: ${failed.length} output(s) not stored: ${failed.map((f) => f.error).join('; ')}`);
            return stored.map((s) => ({ nodeId: s.nodeId, filename: s.filename, subfolder: s.subfolder, type: s.type, file: s.file, thumb: s.thumb, contentType: s.contentType, bytes: s.bytes, error: s.error }));
          },
        },
        balancer: deps.balancer ?? expectedFinishTime,
        clock,
        random: deps.random,
        newPromptId: deps.newPromptId,
        clientId: deps.clientId,
        log,
        options: deps.dispatch,
      }),
    );
    this.tracker = this.disposables.add(new TaskTracker({ table: this.table, dispatcher: this.dispatcher, fleet, clientFor, clock, log, options: deps.tracker }));

    this.disposables.add(this.table.onChange((task) => this.push({ type: 'task.upsert', task })));
    this.disposables.add(this.table.onMoved(() => this.countsChanged()));
    this.disposables.add(
      this.locks.onChange(({ sessionId, lock }) => {
        this.push(lock ? { type: 'lock.upsert', lock } : { type: 'lock.removed', sessionId });
        this.dispatcher.schedulePump();
      }),
    );
    this.disposables.add(fleet.onServerFrame(({ server, frame }) => this.tracker.onFrame(server, frame)));
    this.disposables.add(
      fleet.onHealthChange(({ server }) => {
        this.tracker.onHealth(server);
        this.dispatcher.schedulePump();
      }),
    );
    this.disposables.add(fleet.onDelta((d) => this.serverChanged(d)));
  }

  /** Loads policies, limits and locks, and takes every unfinished task back (T4 reconciliation). */
  async start(): Promise<void> {
    await this.dispatcher.loadPolicies();
    const saved = dispatchLimitsSchema.safeParse(await this.deps.store.getSetting(LIMITS_SETTING));
    if (saved.success) this.dispatcher.setLimits(saved.data);
    await this.locks.load();
    let cursor: string | null = null;
    let adopted = 0;
    do {
      const page = await this.deps.store.listUnfinished({ cursor, limit: 500 });
      for (const view of page.items) {
        adopted++;
        const t = this.table.adopt(view, view.requirements ?? null);
        if (view.status === 'queued') this.dispatcher.enqueue(t, false);
        else if (view.serverId) {
          this.dispatcher.book.hold(view.serverId, view.id);
          this.dispatcher.publishInFlight(view.serverId);
          this.tracker.check(view.id, 'start-up reconciliation');
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    if (adopted) this.deps.log.info(`took back ${adopted} unfinished task(s) from the ledger`);
    this.counts = await this.deps.store.countByStatus();
    this.scheduleRetention(60_000);
  }

  /** S4: terminal tasks older than the retention setting are purged, hourly (none when unset). */
  private scheduleRetention(delayMs: number): void {
    if (this.disposed) return;
    this.retentionTimer = this.deps.clock.setTimeout(() => {
      this.deps.store
        .getRetentionDays()
        .then(async (days) => {
          if (days === null) return;
          // Files after rows: a crash in between leaves orphan files, never rows without their outputs.
          const purged = await this.deps.store.purgeTerminalTasks({
            olderThanDays: days,
            onPurged: async (ids) => {
              for (const id of ids) await this.deps.outputs.remove(id);
            },
          });
          if (purged) this.deps.log.info(`retention: purged ${purged} task(s) that ended more than ${days} day(s) ago`);
        })
        .catch((err: unknown) => this.deps.log.info(`retention purge failed: ${messageOf(err)}`))
        .finally(() => this.scheduleRetention(60 * 60_000));
    }, delayMs);
  }

  get snapshotCounts(): TaskCounts | null {
    return this.counts;
  }

  /** A server came, went, or changed in a way that matters to placement: look at the queue again. */
  private serverChanged(d: FleetDelta): void {
    if (d.type === 'server.removed') {
      this.seen.delete(d.id);
      this.clients.delete(d.id);
      this.dispatcher.schedulePump();
      return;
    }
    if (d.type !== 'server.upsert') return;
    const s = d.server;
    const key = `${s.enabled}|${s.drained}|${s.maxInFlight}|${s.health.state}|${s.url}|${s.name}`;
    const prev = this.seen.get(s.id);
    if (prev === key) return;
    this.seen.set(s.id, key);
    this.dispatcher.schedulePump();
    // A socket that came back may have missed events: ask the server about its tasks (T5).
    if (prev !== undefined && s.socket.state === 'open') this.tracker.checkServer(s.id, `${s.name} changed`);
  }

  private clientFor(server: ServerView): ComfyClient {
    const known = this.clients.get(server.id);
    if (known && known.url === server.url && known.name === server.name) return known.client;
    const client = new ComfyClient({ server: server.name, baseUrl: server.url });
    this.clients.set(server.id, { url: server.url, name: server.name, client });
    return client;
  }

  // ── commands ───────────────────────────────────────────────────────────────────────

  submit(args: SubmitArgs, actor: string): Promise<SubmitOutcome> {
    const requirements = args.requirements && (args.requirements.nodes?.length || args.requirements.models?.length) ? args.requirements : null;
    return this.dispatcher.submit(
      { type: args.type, sessionId: args.sessionId ?? actor, key: args.key ?? null, workflow: args.workflow, pinServerId: this.pinOf(args.pinServerId), requirements },
      requirements,
    );
  }

  private pinOf(pin: ServerId | null | undefined): ServerId | null {
    if (!pin) return null;
    const server = this.deps.fleet.get(pin) ?? this.deps.fleet.list().find((s) => s.name === pin);
    if (!server) throw new EngineError('not_found', `cannot pin to server "${pin}": no server with that id or name in the fleet`);
    return server.id;
  }

  async get(id: TaskId): Promise<TaskDetail> {
    const task = await this.deps.store.getTask(id);
    if (!task) throw new EngineError('not_found', `task ${id} does not exist (it may have been purged by retention)`);
    const [attempts, events] = await Promise.all([this.deps.store.listAttempts(id), this.deps.store.listEvents(id, { limit: 1_000 })]);
    return { task: this.live(task), attempts, events };
  }

  private live(task: TaskView): TaskView & { waiting: string | null } {
    return { ...task, waiting: this.table.get(task.id)?.waiting ?? null };
  }

  async cancel(id: TaskId, reason: string | undefined, actor: string): Promise<CancelResult> {
    const why = reason ?? `cancelled by ${actor}`;
    const result = await this.dispatcher.cancel(id, why);
    if (!result) {
      const task = await this.deps.store.getTask(id);
      if (!task) throw new EngineError('not_found', `task ${id} does not exist`);
      throw new EngineError('terminal', `task ${id} is already ${task.status}; there is nothing to cancel`, { status: task.status });
    }
    await this.deps.store.appendAudit({ actor, action: 'task.cancel', target: id, reason: why, details: { state: result.state } });
    return result;
  }

  async rerun(args: { id: TaskId; workflow?: unknown; force?: boolean; reason?: string }, actor: string): Promise<SubmitOutcome> {
    const parent = await this.deps.store.getTask(args.id);
    const outcome = await this.deps.store.rerun({ parentId: args.id, workflow: args.workflow, actor, reason: args.reason ?? null, force: args.force });
    if (outcome.outcome === 'created') this.dispatcher.enqueue(this.table.adopt(outcome.task, parent?.requirements ?? null), false);
    return outcome;
  }

  async output(id: TaskId, index: number, thumbnail: boolean): Promise<OutputFile> {
    const read = await this.deps.outputs.read(id, index, { thumbnail });
    return { contentType: read.contentType, base64: read.bytes.toString('base64') };
  }

  /**
   * L4: breaks the lock (audited with the reason) and does the operator's choice to each
   * unfinished task of the session: requeue (only where its policy still allows a requeue),
   * cancel, or leave it where it is.
   */
  async unlock(sessionId: SessionId, reason: string, choice: UnlockChoice, actor: string): Promise<UnlockResult> {
    const lock = await this.locks.forceRelease(sessionId, { actor, reason, details: { unfinished: choice } });
    const page = await this.deps.store.listTasks({ sessionId, status: ['queued', 'dispatched', 'running'], limit: 1_000 });
    const tasks: UnlockResult['tasks'] = [];
    for (const task of page.items) {
      if (choice === 'leave') {
        tasks.push({ id: task.id, outcome: 'left', note: `left ${task.status}` });
      } else if (choice === 'cancel') {
        const r = await this.dispatcher.cancel(task.id, `force-unlock by ${actor}: ${reason}`).catch((err: unknown) => err as Error);
        tasks.push(r instanceof Error || r === null ? { id: task.id, outcome: 'refused', note: r instanceof Error ? r.message : 'not live in this console' } : { id: task.id, outcome: 'cancelled', note: r.state === 'done' ? 'cancelled' : 'cancel requested from its server' });
      } else {
        tasks.push(await this.requeueForUnlock(task.id, `force-unlock by ${actor}: ${reason}`));
      }
    }
    this.dispatcher.schedulePump();
    return { lock, tasks };
  }

  private async requeueForUnlock(id: TaskId, reason: string): Promise<UnlockResult['tasks'][number]> {
    const r = await this.table.serial(id, async (t: LiveTask): Promise<UnlockResult['tasks'][number]> => {
      if (t.view.status === 'queued') return { id, outcome: 'requeued', note: 'was waiting in the queue; it may now go to any server' };
      const policy = this.dispatcher.policyOf(t.view.type);
      if (afterServerLost(policy, t.view) !== 'requeue') {
        return { id, outcome: 'refused', note: `policy "${policy.type}" allows ${policy.retryLimit} requeue(s) and ${t.view.requeues} happened; left ${t.view.status}` };
      }
      // Stop it where it is first, so the new attempt is the only one; if its server does not
      // answer, the requeue carries the may-run-twice warning.
      const stopped = await this.stopOnServer(t);
      await this.dispatcher.requeue(t, reason, !stopped);
      return { id, outcome: 'requeued', note: stopped ? 'stopped on its server and requeued' : 'its server did not answer; requeued, it may run twice' };
    });
    return r ?? { id, outcome: 'refused', note: 'not live in this console (another console holds it, or it just ended)' };
  }

  private async stopOnServer(t: LiveTask): Promise<boolean> {
    const server = t.view.serverId ? this.deps.fleet.get(t.view.serverId) : undefined;
    const promptId = t.view.promptId;
    if (!server || !promptId) return false;
    const client = this.clientFor(server);
    try {
      await client.deleteQueued([promptId]);
      await client.interrupt(promptId);
      return true;
    } catch (err) {
      this.deps.log.verbose(`task ${t.view.id}: could not stop prompt ${promptId} on ${server.name}: ${messageOf(err)}`);
      return false;
    }
  }

  setPolicy(policy: TaskPolicy): Promise<TaskPolicy> {
    return this.dispatcher.setPolicy(policy);
  }

  /** U6: retention (S4) and the dispatcher's limits (B4), saved in the ledger and applied at once. */
  async applySettings(patch: SettingsPatch): Promise<void> {
    if (patch.retentionDays !== undefined) await this.deps.store.setRetentionDays(patch.retentionDays);
    if (patch.dispatch) {
      const limits = { ...this.dispatcher.limits, ...patch.dispatch };
      await this.deps.store.setSetting(LIMITS_SETTING, limits);
      this.dispatcher.setLimits(limits);
      this.deps.log.info(`dispatch limits: queue ${limits.maxQueued}, ${limits.submitsPerSecond} submissions/s (burst ${limits.submitBurst})`);
    }
  }

  // ── deltas ─────────────────────────────────────────────────────────────────────────

  private push(delta: FleetDelta): void {
    this.onDeltaEmitter.fire(delta);
  }

  /** Counts are re-read at most once a second while tasks move (S4: a count query, not a scan in memory). */
  private countsChanged(): void {
    this.countsDue = true;
    if (this.countsTimer) return;
    this.countsTimer = this.deps.clock.setTimeout(() => {
      this.countsTimer = null;
      if (!this.countsDue) return;
      this.countsDue = false;
      this.deps.store.countByStatus().then(
        (counts) => {
          this.counts = counts;
          this.push({ type: 'tasks.counts', counts });
        },
        (err: unknown) => this.deps.log.verbose(`task counts not refreshed: ${messageOf(err)}`),
      );
    }, 1_000);
  }

  dispose(): void {
    this.disposed = true;
    this.deps.clock.clearTimeout(this.countsTimer);
    this.deps.clock.clearTimeout(this.retentionTimer);
    this.disposables.dispose();
    this.onDeltaEmitter.dispose();
  }
}
