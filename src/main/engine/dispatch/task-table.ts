import type { ComfyWorkflow, LiveTaskView, TaskId, TaskProgress, TaskRequirements, TaskView } from '../../../shared/tasks';
import type { Clock } from '../core/clock';
import type { Disposable } from '../core/disposable';
import { Emitter } from '../core/emitter';
import type { Store } from '../store/store';
import { isLedgerError } from '../tasks/ledger-error';
import type { TaskChange } from '../tasks/move-to';
import { canMove, isTerminal } from '../tasks/task-states';
import { KeyedMutex } from './keyed-mutex';

/** What dispatch keeps in memory about a task that has not ended. */
export interface LiveTask {
  view: TaskView;
  requirements: TaskRequirements | null;
  /** Why it is still in our queue (L6 "waiting on lock", no capacity…), shown in the UI. */
  waiting: string | null;
  /** Set when an operator asked to cancel while it was on a server (T7): its interrupt becomes `cancelled`. */
  cancelRequested: string | null;
  /** When the task's server last said anything about it (T5 watchdog, L3 stall). */
  lastEventAt: number;
  /**
   * The server has confirmed the current prompt (answered the POST, listed it, or ran it). A
   * dispatched prompt the server never confirmed and does not know never arrived, and may be
   * submitted again as it is; a confirmed one that vanished was lost by the server (T9).
   */
  confirmed: boolean;
  /** Submissions of the current prompt_id (a resubmission after it never arrived keeps the id). */
  posts: number;
  /**
   * The graph as it was submitted to this console, until a server accepted it: the first POST
   * needs no read of what the ledger just stored. Null for tasks taken back from the ledger.
   */
  workflow: ComfyWorkflow | null;
}

/**
 * The live tasks of this console and the only path by which their rows change: one write at a
 * time per task (a {@link KeyedMutex}), each guarded by the row's version. A version conflict
 * means another console changed the task; the row is read again and the change is retried only
 * if it still makes sense from the new state.
 */
export class TaskTable implements Disposable {
  private readonly live = new Map<TaskId, LiveTask>();
  /** The current attempt's prompt_id → task: socket frames find their task without a scan. */
  private readonly prompts = new Map<string, TaskId>();
  private readonly mutex = new KeyedMutex();
  private readonly onChangeEmitter = new Emitter<LiveTaskView>();
  private readonly onMovedEmitter = new Emitter<{ before: TaskView; after: TaskView }>();
  private readonly onRequeuedEmitter = new Emitter<LiveTask>();
  /** Every change of a task's row or of its live annotations. */
  readonly onChange = this.onChangeEmitter.event;
  /** Every change of status, with the row before it: where slots and locks are let go, once. */
  readonly onMoved = this.onMovedEmitter.event;
  /**
   * A task this console moved back to `queued` (T9, L4), after {@link onMoved}: the queue takes
   * it from here, so whoever requeues never calls back into the queue.
   */
  readonly onRequeued = this.onRequeuedEmitter.event;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  get(id: TaskId): LiveTask | undefined {
    return this.live.get(id);
  }

  /** The live task whose current attempt has this prompt_id. */
  byPrompt(promptId: string): LiveTask | undefined {
    const id = this.prompts.get(promptId);
    return id === undefined ? undefined : this.live.get(id);
  }

  all(): IterableIterator<LiveTask> {
    return this.live.values();
  }

  /** Starts keeping a task that has not ended (new, or found unfinished at start-up). */
  adopt(view: TaskView, requirements: TaskRequirements | null, workflow: ComfyWorkflow | null = null): LiveTask {
    const t: LiveTask = { view, requirements, waiting: null, cancelRequested: null, lastEventAt: this.clock.now(), confirmed: view.status === 'running', posts: 0, workflow };
    this.live.set(view.id, t);
    if (view.promptId) this.prompts.set(view.promptId, view.id);
    this.emit(t);
    return t;
  }

  /** Runs `fn` with the task alone; null when the task is not live (ended, or never adopted). */
  serial<T>(id: TaskId, fn: (t: LiveTask) => Promise<T>): Promise<T | null> {
    return this.mutex.run(id, async () => {
      const t = this.live.get(id);
      return t ? fn(t) : null;
    });
  }

  /**
   * Writes a change of status (inside {@link serial}). Throws the ledger's error when it no
   * longer applies (`terminal`, `illegal_transition`); the task leaves the table when it ends.
   */
  async move(t: LiveTask, change: TaskChange): Promise<TaskView> {
    let view: TaskView;
    try {
      view = await this.store.transition(t.view.id, change, { expectedVersion: t.view.version });
    } catch (err) {
      if (!isLedgerError(err, 'version_conflict')) throw err;
      const fresh = await this.refresh(t);
      if (!fresh || isTerminal(fresh.status) || !canMove(fresh.status, change.to)) throw err;
      view = await this.store.transition(t.view.id, change, { expectedVersion: fresh.version });
    }
    this.settle(t, view);
    if (change.to === 'queued') this.onRequeuedEmitter.fire(t);
    return view;
  }

  /** Progress (T5), versioned like a transition; a conflict is dropped: the next report carries on. */
  async progress(t: LiveTask, progress: TaskProgress): Promise<void> {
    try {
      this.settle(t, await this.store.reportProgress(t.view.id, progress, { expectedVersion: t.view.version }));
    } catch (err) {
      if (!isLedgerError(err)) throw err;
      await this.refresh(t);
    }
  }

  async note(t: LiveTask, level: 'info' | 'warning' | 'error', text: string): Promise<void> {
    await this.store.appendMessage(t.view.id, level, text);
  }

  setWaiting(t: LiveTask, reason: string | null): void {
    if (t.waiting === reason) return;
    t.waiting = reason;
    this.emit(t);
  }

  /** Reads the row again (another console may have moved it); drops the task if it ended. */
  async refresh(t: LiveTask): Promise<TaskView | null> {
    const fresh = await this.store.getTask(t.view.id);
    if (fresh) this.settle(t, fresh);
    else this.drop(t);
    return fresh;
  }

  private settle(t: LiveTask, view: TaskView): void {
    const before = t.view;
    if (view.promptId !== t.view.promptId) {
      t.confirmed = false;
      t.posts = 0;
    }
    if (view.status === 'running') t.confirmed = true;
    if (before.promptId && before.promptId !== view.promptId) this.prompts.delete(before.promptId);
    if (view.promptId) this.prompts.set(view.promptId, view.id);
    t.view = view;
    if (view.status !== 'queued') t.waiting = null;
    if (isTerminal(view.status)) this.drop(t);
    this.emit(t);
    if (before.status !== view.status) this.onMovedEmitter.fire({ before, after: view });
  }

  private drop(t: LiveTask): void {
    this.live.delete(t.view.id);
    if (t.view.promptId) this.prompts.delete(t.view.promptId);
  }

  private emit(t: LiveTask): void {
    this.onChangeEmitter.fire({ ...t.view, waiting: t.waiting });
  }

  dispose(): void {
    this.onChangeEmitter.dispose();
    this.onMovedEmitter.dispose();
    this.onRequeuedEmitter.dispose();
    this.live.clear();
    this.prompts.clear();
  }
}
