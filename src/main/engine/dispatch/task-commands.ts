import type { CancelResult, OutputFile, SettingsPatch, SubmitArgs, TaskDetail, UnlockChoice, UnlockResult } from '../../../shared/api';
import type { ServerId, ServerView } from '../../../shared/fleet';
import type { ComfyWorkflow, LiveTaskPage, LiveTaskView, SessionId, SubmitOutcome, TaskId, TaskPolicy, TaskQuery, TaskView } from '../../../shared/tasks';
import { EngineError } from '../core/engine-error';
import type { ForceUnlock } from '../locks/force-unlock';
import type { OutputStore } from '../outputs/output-store';
import type { Store } from '../store/store';
import type { CancelTask } from './cancel-task';
import type { DispatchLimits } from './dispatch-limits';
import type { DispatchPump } from './dispatch-pump';
import type { TaskPolicies } from './task-policies';
import type { TaskQueue } from './task-queue';
import type { TaskTable } from './task-table';

export interface TaskCommandsDeps {
  store: Store;
  fleet: { get(id: ServerId): ServerView | undefined; list(): ServerView[] };
  table: Pick<TaskTable, 'adopt' | 'get'>;
  queue: Pick<TaskQueue, 'admit'>;
  pump: Pick<DispatchPump, 'enqueue'>;
  cancel: Pick<CancelTask, 'cancel'>;
  unlock: Pick<ForceUnlock, 'unlock'>;
  policies: Pick<TaskPolicies, 'set'>;
  limits: Pick<DispatchLimits, 'apply'>;
  outputs: Pick<OutputStore, 'read'>;
}

/**
 * The task commands of the contract (T1, T2, T6–T8, L4, U6): each checks what it is given,
 * writes the ledger and the audit log, and hands live tasks to the queue.
 */
export class TaskCommands {
  constructor(private readonly deps: TaskCommandsDeps) {}

  /** T1, T2, B4: records the task (or finds the one holding its key) and queues it. */
  async submit(args: SubmitArgs, actor: string): Promise<SubmitOutcome> {
    const requirements = args.requirements && (args.requirements.nodes?.length || args.requirements.models?.length) ? args.requirements : null;
    const pinServerId = this.pinOf(args.pinServerId);
    this.deps.queue.admit();
    const outcome = await this.deps.store.submit({ type: args.type, sessionId: args.sessionId ?? actor, key: args.key ?? null, workflow: args.workflow, pinServerId, requirements });
    if (outcome.outcome === 'created') this.deps.pump.enqueue(this.deps.table.adopt(outcome.task, requirements, submittedGraph(args.workflow)), false);
    return outcome;
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

  /** A page of the ledger's tasks, each with the dispatcher's live waiting reason, as {@link get} gives it. */
  async list(query: TaskQuery): Promise<LiveTaskPage> {
    const page = await this.deps.store.listTasks(query);
    return { ...page, items: page.items.map((task) => this.live(task)) };
  }

  private live(task: TaskView): LiveTaskView {
    return { ...task, waiting: this.deps.table.get(task.id)?.waiting ?? null };
  }

  async cancel(id: TaskId, reason: string | undefined, actor: string): Promise<CancelResult> {
    const why = reason ?? `cancelled by ${actor}`;
    const result = await this.deps.cancel.cancel(id, why);
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
    if (outcome.outcome === 'created') this.deps.pump.enqueue(this.deps.table.adopt(outcome.task, parent?.requirements ?? null), false);
    return outcome;
  }

  async output(id: TaskId, index: number, thumbnail: boolean): Promise<OutputFile> {
    const read = await this.deps.outputs.read(id, index, { thumbnail });
    return { contentType: read.contentType, base64: read.bytes.toString('base64') };
  }

  unlock(sessionId: SessionId, reason: string, choice: UnlockChoice, actor: string): Promise<UnlockResult> {
    return this.deps.unlock.unlock(sessionId, reason, choice, actor);
  }

  setPolicy(policy: TaskPolicy): Promise<TaskPolicy> {
    return this.deps.policies.set(policy);
  }

  /** U6: retention (S4) and the dispatch limits (B4), saved in the ledger and applied at once. */
  async applySettings(patch: SettingsPatch): Promise<void> {
    if (patch.retentionDays !== undefined) await this.deps.store.setRetentionDays(patch.retentionDays);
    if (patch.dispatch) await this.deps.limits.apply(patch.dispatch);
  }
}

/**
 * The graph the ledger has just validated and stored, when it came as data: the first POST
 * sends it as it is instead of reading it back. Text is parsed by the ledger alone.
 */
function submittedGraph(workflow: unknown): ComfyWorkflow | null {
  return typeof workflow === 'object' && workflow !== null ? (workflow as ComfyWorkflow) : null;
}
