import type { TaskEvent, TaskView } from '../../../shared/tasks';
import { canMove, isTerminal } from './task-states';
import { LedgerError, ledgerErrors } from './ledger-error';

/**
 * The projection of the task ledger (Temporal's history-vs-state): events are the record and a
 * task row is what this pure function makes of them. The store writes each event and the row
 * it yields in one transaction; `replay` rebuilds (or audits) a row from its events alone.
 * Throws when an event does not fit the task: an illegal or out-of-order history.
 */
export function applyEvent(task: TaskView | null, event: TaskEvent): TaskView {
  if (event.kind === 'created') {
    if (task) throw corrupt(event, 'a second "created" event');
    expectVersion(event, 1);
    return {
      id: event.taskId,
      type: event.type,
      sessionId: event.sessionId,
      key: event.key,
      mode: event.mode,
      status: 'queued',
      serverId: null,
      promptId: null,
      attempt: 0,
      requeues: 0,
      parentId: event.parentId,
      pinServerId: event.pinServerId,
      requirements: event.requirements,
      progress: null,
      outputs: [],
      error: null,
      createdAt: event.at,
      updatedAt: event.at,
      dispatchedAt: null,
      startedAt: null,
      endedAt: null,
      version: 1,
    };
  }
  if (!task) throw corrupt(event, `a "${event.kind}" event before "created"`);
  if (task.id !== event.taskId) throw corrupt(event, `an event of task ${event.taskId}`);
  if (event.kind === 'message') return task;
  expectVersion(event, task.version + 1);
  const base = { ...task, version: task.version + 1, updatedAt: event.at };

  if (event.kind === 'progress') {
    if (task.status !== 'dispatched' && task.status !== 'running') throw corrupt(event, `progress while ${task.status}`);
    return { ...base, progress: event.progress };
  }

  if (isTerminal(task.status)) throw ledgerErrors.terminal(task.id, task.status, `moved to ${event.to}`);
  if (event.from !== task.status) throw corrupt(event, `a transition from ${event.from} while the task is ${task.status}`);
  if (!canMove(task.status, event.to)) throw ledgerErrors.illegalTransition(task.id, task.status, event.to);
  switch (event.to) {
    case 'dispatched':
      if (event.attempt !== task.attempt + 1) throw corrupt(event, `attempt ${event.attempt} after attempt ${task.attempt}`);
      return { ...base, status: 'dispatched', serverId: event.serverId, promptId: event.promptId, attempt: event.attempt, dispatchedAt: event.at, startedAt: null, progress: null };
    case 'running':
      return { ...base, status: 'running', startedAt: event.at };
    case 'succeeded':
      return { ...base, status: 'succeeded', outputs: event.outputs, endedAt: event.at };
    case 'failed':
      return { ...base, status: 'failed', error: event.error, endedAt: event.at };
    case 'cancelled':
      return { ...base, status: 'cancelled', error: { code: 'cancelled', message: event.reason }, endedAt: event.at };
    case 'interrupted':
      return { ...base, status: 'interrupted', error: { code: 'interrupted', message: event.reason }, endedAt: event.at };
    case 'queued':
      // The attempt stays counted; the server and prompt of the next one are not known yet. An
      // operator's requeue (L4) is not a lost server and leaves the retry budget alone.
      return { ...base, status: 'queued', serverId: null, promptId: null, dispatchedAt: null, startedAt: null, progress: null, requeues: task.requeues + (event.operator ? 0 : 1) };
  }
}

/** Rebuilds a task from its complete history, oldest event first. */
export function replay(events: Iterable<TaskEvent>): TaskView | null {
  let task: TaskView | null = null;
  for (const event of events) task = applyEvent(task, event);
  return task;
}

function expectVersion(event: TaskEvent, version: number): void {
  if (event.version !== version) throw corrupt(event, `version ${event.version} where ${version} was due (a lost or duplicated write)`);
}

function corrupt(event: TaskEvent, what: string): LedgerError {
  return new LedgerError('illegal_transition', `task ${event.taskId}: event ${event.id} does not fit its history (${what}); the ledger's rows and events disagree`, {
    taskId: event.taskId,
    eventId: event.id,
  });
}
