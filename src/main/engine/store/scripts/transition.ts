import type { TaskEvent, TaskEventBody, TaskProgress, TaskView } from '../../../../shared/tasks';
import { applyEvent } from '../../tasks/apply-event';
import { LedgerError, ledgerErrors } from '../../tasks/ledger-error';
import type { TaskChange } from '../../tasks/move-to';
import { planTransition } from '../../tasks/move-to';
import { holdsClaim } from '../../tasks/task-policy';
import { isTerminal } from '../../tasks/task-states';
import type { Script } from '../sql/script';
import { get, run } from '../sql/script';
import type { ScriptContext } from './context';
import { insertEvent } from './events';
import { mutableColumns, readTask } from './task-rows';

type RowEvent = Exclude<TaskEventBody, { kind: 'created' | 'message' }>;

/** What a caller holding an old version is told: `terminal` beats `version_conflict` (it is final). */
function staleError(task: TaskView, expectedVersion: number, attempted: string): LedgerError {
  return isTerminal(task.status) ? ledgerErrors.terminal(task.id, task.status, attempted) : ledgerErrors.versionConflict(task.id, expectedVersion, task.version, task.status);
}

function* current(taskId: string, expectedVersion: number, attempted: string): Script<TaskView> {
  const task = yield* readTask(taskId);
  if (!task) throw ledgerErrors.notFound('task', taskId);
  if (task.version !== expectedVersion) throw staleError(task, expectedVersion, attempted);
  return task;
}

export function* transitionTask(ctx: ScriptContext, taskId: string, change: TaskChange, expectedVersion: number): Script<TaskView> {
  const task = yield* current(taskId, expectedVersion, `moved to ${change.to}`);
  return yield* commit(ctx, task, planTransition(task, change));
}

export function* progressTask(ctx: ScriptContext, taskId: string, progress: TaskProgress, expectedVersion: number): Script<TaskView> {
  const task = yield* current(taskId, expectedVersion, 'given progress');
  if (isTerminal(task.status)) throw ledgerErrors.terminal(task.id, task.status, 'given progress');
  if (task.status !== 'dispatched' && task.status !== 'running') {
    throw new LedgerError('illegal_transition', `task ${task.id} is ${task.status}; progress is recorded only while it is dispatched or running`, { taskId: task.id, status: task.status });
  }
  return yield* commit(ctx, task, { kind: 'progress', progress });
}

export function* messageTask(ctx: ScriptContext, taskId: string, level: 'info' | 'warning' | 'error', text: string): Script<TaskEvent> {
  const row = yield* get('SELECT version FROM tasks WHERE id = ?', [taskId]);
  if (!row) throw ledgerErrors.notFound('task', taskId);
  const event: TaskEvent = { kind: 'message', level, text, id: 0, taskId, at: ctx.now(), version: Number(row.version) };
  return { ...event, id: yield* insertEvent(event) };
}

/**
 * Writes one row-changing event: the projected row (guarded by its version), the event and the
 * attempt bookkeeping, all in the caller's transaction. A claim ends in the same UPDATE as the
 * task's activity, so the unique index frees the key exactly when the task stops holding it.
 */
function* commit(ctx: ScriptContext, task: TaskView, body: RowEvent): Script<TaskView> {
  const at = ctx.now();
  const event = { ...body, id: 0, taskId: task.id, at, version: task.version + 1 } as TaskEvent;
  const next = applyEvent(task, event);
  // Only the columns that change: an index is rewritten only when one of its columns is set.
  const before = mutableColumns(task);
  const changes = Object.entries(mutableColumns(next)).filter(([column, value]) => before[column] !== value);
  const releaseClaim = !holdsClaim(next.mode, next.status);
  const changed = yield* run(
    `UPDATE tasks SET ${changes.map(([column]) => `${column} = ?`).join(', ')}${releaseClaim ? ', key_claim = NULL' : ''} WHERE id = ? AND version = ?`,
    [...changes.map(([, value]) => value), task.id, task.version],
  );
  if (changed !== 1) {
    // Someone committed between our read and our update (PostgreSQL only; SQLite writers are serial).
    const now = yield* readTask(task.id);
    throw now ? staleError(now, task.version, body.kind === 'transition' ? `moved to ${body.to}` : 'given progress') : ledgerErrors.notFound('task', task.id);
  }
  yield* insertEvent(event);
  if (body.kind === 'transition') yield* recordAttempt(task, body, at);
  return next;
}

function* recordAttempt(task: TaskView, body: Extract<RowEvent, { kind: 'transition' }>, at: number): Script<void> {
  switch (body.to) {
    case 'dispatched':
      yield* run('INSERT INTO task_attempts (task_id, n, server_id, prompt_id, dispatched_at) VALUES (?, ?, ?, ?, ?)', [task.id, body.attempt, body.serverId, body.promptId, at]);
      return;
    case 'running':
      yield* run('UPDATE task_attempts SET started_at = ? WHERE task_id = ? AND n = ?', [at, task.id, task.attempt]);
      return;
    default: {
      // An end, or a requeue, closes the current attempt (a task cancelled in our queue has none).
      if (task.status === 'queued') return;
      const outcome = body.to === 'queued' ? 'requeued' : body.to;
      const detail = body.to === 'failed' ? body.error.message : body.to === 'succeeded' ? null : body.reason;
      yield* run('UPDATE task_attempts SET ended_at = ?, outcome = ?, detail = ? WHERE task_id = ? AND n = ?', [at, outcome, detail, task.id, task.attempt]);
    }
  }
}
