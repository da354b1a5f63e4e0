import type { FleetDelta, ServerId, ServerView } from '../../../shared/fleet';
import type { TaskCounts } from '../../../shared/tasks';
import type { ComfyClient } from '../comfy/comfy-client';
import type { Clock, Random } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { DisposableStore } from '../core/disposable';
import { Emitter } from '../core/emitter';
import type { Logger } from '../core/logger';
import type { ServerChange, ServerFrame, HealthChange } from '../fleet/fleet-monitor';
import { ForceUnlock } from '../locks/force-unlock';
import type { LockOptions } from '../locks/session-locks';
import { SessionLocks } from '../locks/session-locks';
import type { OutputStore } from '../outputs/output-store';
import { TaskOutputs } from '../outputs/task-outputs';
import { RetentionSweeper } from '../store/retention-sweeper';
import type { Store } from '../store/store';
import { AbandonedPrompts } from './abandoned-prompts';
import type { BalancerStrategy } from './balancer';
import { expectedFinishTime } from './balancer';
import { CancelTask } from './cancel-task';
import { DispatchLimits } from './dispatch-limits';
import type { DispatchOptions } from './dispatch-options';
import { DEFAULT_DISPATCH_OPTIONS } from './dispatch-options';
import { DispatchPump } from './dispatch-pump';
import { LedgerBackoff } from './ledger-backoff';
import { Outcomes } from './outcomes';
import { PromptDelivery } from './prompt-delivery';
import { releaseOnExit } from './release-on-exit';
import { ServerBook } from './server-book';
import { CapabilityReader } from './server-capabilities';
import { Submission } from './submission';
import { takeBackUnfinished } from './take-back-unfinished';
import { TaskCommands } from './task-commands';
import { TaskCountsFeed } from './task-counts';
import { TaskPolicies } from './task-policies';
import { TaskQueue } from './task-queue';
import { TaskTable } from './task-table';
import type { TrackerOptions } from './task-tracker';
import { TaskTracker } from './task-tracker';

/** The fleet as the task side uses it: its servers, their one ComfyUI client each, and their events. */
export interface TaskFleet {
  list(): ServerView[];
  get(id: ServerId): ServerView | undefined;
  clientFor(id: ServerId): ComfyClient;
  setInFlight(id: ServerId, n: number): void;
  readonly onServerFrame: (listener: (e: ServerFrame) => void) => Disposable;
  readonly onHealthChange: (listener: (e: HealthChange) => void) => Disposable;
  readonly onServerChange: (listener: (e: ServerChange) => void) => Disposable;
  readonly onServerRemoved: (listener: (id: ServerId) => void) => Disposable;
}

export interface TaskServiceDeps {
  store: Store;
  fleet: TaskFleet;
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
 * The composition root of the task side. A task walks one way,
 *
 *   queue ──▶ placement ──▶ submission ──▶ tracking ──▶ outcomes ──▶ outputs
 *
 * (queue: TaskQueue, DispatchPump; placement: place, balancer; submission: Submission,
 * PromptDelivery; tracking: TaskTracker; outcomes: Outcomes; outputs: TaskOutputs), each stage
 * holding a narrow port of the next. What a stage changes lands in shared state
 * (the task table, the server book, the session locks); the pump is woken by that state, never
 * called back by a later stage. This class builds the stages, wires those wake-ups and the UI
 * deltas, and owns their lifetime; the commands are in {@link TaskCommands}.
 */
export class TaskService implements Disposable {
  private readonly disposables = new DisposableStore();
  readonly store: Store;
  readonly table: TaskTable;
  readonly locks: SessionLocks;
  readonly limits: DispatchLimits;
  readonly commands: TaskCommands;
  private readonly policies: TaskPolicies;
  private readonly book: ServerBook;
  private readonly pump: DispatchPump;
  private readonly tracker: TaskTracker;
  private readonly counts: TaskCountsFeed;
  private readonly retention: RetentionSweeper;
  private readonly onDeltaEmitter = new Emitter<FleetDelta>();
  readonly onDelta = this.onDeltaEmitter.event;

  constructor(private readonly deps: TaskServiceDeps) {
    const { store, fleet, clock, log } = deps;
    const opts = { ...DEFAULT_DISPATCH_OPTIONS, ...deps.dispatch };
    const d = this.disposables;
    this.store = store;

    // Shared state: what stages write and placement reads.
    const table = (this.table = d.add(new TaskTable(store, clock)));
    const book = (this.book = d.add(new ServerBook()));
    const locks = (this.locks = d.add(new SessionLocks({ store, table, servers: () => fleet.list(), clock, log, options: deps.locks })));
    const policies = (this.policies = d.add(new TaskPolicies(store)));
    const limits = (this.limits = d.add(new DispatchLimits(store, log, opts)));
    const queue = new TaskQueue(() => limits.current.maxQueued);
    const abandoned = new AbandonedPrompts({ fleet, log });

    // The stages, last first: each gets the port of the next.
    const outputs = d.add(new TaskOutputs({ files: deps.outputs, notes: store, clock, log, retryDelaysMs: opts.outputRetryDelaysMs }));
    const delivery = new PromptDelivery({ table, workflows: store, book, clock, clientId: deps.clientId, submitTimeoutMs: opts.submitTimeoutMs, settleMs: opts.settleMs });
    const outcomes = new Outcomes({ table, fleet, book, locks, policies, abandoned, delivery, outputs, clock, log });
    this.tracker = d.add(new TaskTracker({ table, outcomes, abandoned, book, fleet, clock, log, options: deps.tracker }));
    const ledger = new LedgerBackoff(clock, log, opts.ledgerBackoff);
    const submission = new Submission({ table, fleet, locks, book, delivery, outcomes, ledger, newPromptId: deps.newPromptId, log });
    const capabilities = new CapabilityReader({ fleet, book, clock, log, ttlMs: opts.capabilitiesTtlMs });
    const pump = (this.pump = d.add(
      new DispatchPump({ queue, table, fleet, locks, policies, book, capabilities, balancer: deps.balancer ?? expectedFinishTime, submission, ledger, limits: limits.current, clock, random: deps.random }),
    ));

    const cancel = new CancelTask({ table, queue, fleet, outcomes });
    const unlockActions = { cancel: cancel.cancel.bind(cancel), requeue: outcomes.requeue.bind(outcomes), policyOf: policies.policyOf.bind(policies) };
    const unlock = new ForceUnlock({ locks, store, table, fleet, tasks: unlockActions, replan: () => pump.schedule(), log });
    this.commands = new TaskCommands({ store, fleet, table, queue, pump, cancel, unlock, policies, limits, outputs: deps.outputs });
    this.counts = d.add(new TaskCountsFeed(store, clock, log, (counts) => this.push({ type: 'tasks.counts', counts })));
    this.retention = d.add(new RetentionSweeper({ store, outputs: deps.outputs, clock, log }));

    // Where tasks and slots let go, and how requeued tasks get back into the queue.
    d.add(releaseOnExit({ table, book, queue, locks, log }));
    d.add(table.onRequeued((t) => pump.enqueue(t, true)));

    // What wakes placement: anything it reads that changed.
    d.add(book.onFreed(({ afterMs }) => pump.schedule(afterMs)));
    d.add(policies.onChange(() => pump.schedule()));
    d.add(limits.onChange((values) => pump.setLimits(values)));
    d.add(fleet.onServerRemoved(() => pump.schedule()));
    d.add(fleet.onServerChange((c) => this.serverChanged(c)));

    // The UI: task rows, counts, locks, and our in-flight count on each server's card.
    d.add(table.onChange((task) => this.push({ type: 'task.upsert', task })));
    d.add(table.onMoved(() => this.counts.changed()));
    d.add(
      locks.onChange(({ sessionId, lock }) => {
        this.push(lock ? { type: 'lock.upsert', lock } : { type: 'lock.removed', sessionId });
        pump.schedule();
      }),
    );
    d.add(book.onInFlight(({ serverId, inFlight }) => fleet.setInFlight(serverId, inFlight)));

    // Tracking listens to the servers themselves.
    d.add(fleet.onServerFrame(({ server, frame }) => this.tracker.onFrame(server, frame)));
    d.add(
      fleet.onHealthChange(({ server }) => {
        this.tracker.onHealth(server);
        pump.schedule();
      }),
    );
  }

  /** Loads policies, limits and locks, and takes every unfinished task back (T4 reconciliation). */
  async start(): Promise<void> {
    await this.policies.load();
    await this.limits.load();
    await this.locks.load();
    await takeBackUnfinished({ store: this.store, table: this.table, pump: this.pump, book: this.book, tracker: this.tracker, log: this.deps.log });
    await this.counts.load();
    this.retention.start();
  }

  get snapshotCounts(): TaskCounts | null {
    return this.counts.current;
  }

  /** A server came or changed in a way that matters to placement: look at the queue again. */
  private serverChanged({ server: s, known }: ServerChange): void {
    this.pump.schedule();
    // A socket that came back may have missed events: ask the server about its tasks (T5).
    if (known && s.socket.state === 'open') this.tracker.checkServer(s.id, `${s.name} changed`);
  }

  private push(delta: FleetDelta): void {
    this.onDeltaEmitter.fire(delta);
  }

  dispose(): void {
    this.disposables.dispose();
    this.onDeltaEmitter.dispose();
  }
}
