import { z } from 'zod';
import type { AttemptView, TaskEvent, TaskView } from '../../../../shared/tasks';
import { taskErrorSchema, taskEventBodySchema, taskOutputSchema, taskProgressSchema, taskRequirementsSchema, taskStatusSchema } from '../../tasks/task-schemas';
import type { Script, SqlParam } from '../sql/script';
import { all, get } from '../sql/script';
import { int, jsonColumn, parseRow } from './json-column';

/** Columns of `tasks` that make a TaskView; never the workflow (S4). */
export const TASK_COLUMNS =
  'id, type, session_id, idem_key, mode, status, server_id, prompt_id, attempt, requeues, parent_id, pin_server_id, requirements, progress, outputs, error, created_at, updated_at, dispatched_at, started_at, ended_at, version';

const nullableInt = int.nullable();
const nullableText = z.string().nullable();

const taskRowSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    session_id: z.string(),
    idem_key: nullableText,
    mode: z.enum(['once', 'rerunnable']),
    status: taskStatusSchema,
    server_id: nullableText,
    prompt_id: nullableText,
    attempt: int,
    requeues: int,
    parent_id: nullableText,
    pin_server_id: nullableText,
    requirements: jsonColumn(taskRequirementsSchema).nullable(),
    progress: jsonColumn(taskProgressSchema).nullable(),
    outputs: jsonColumn(z.array(taskOutputSchema)),
    error: jsonColumn(taskErrorSchema).nullable(),
    created_at: int,
    updated_at: int,
    dispatched_at: nullableInt,
    started_at: nullableInt,
    ended_at: nullableInt,
    version: int,
  })
  .transform(
    (r): TaskView => ({
      id: r.id,
      type: r.type,
      sessionId: r.session_id,
      key: r.idem_key,
      mode: r.mode,
      status: r.status,
      serverId: r.server_id,
      promptId: r.prompt_id,
      attempt: r.attempt,
      requeues: r.requeues,
      parentId: r.parent_id,
      pinServerId: r.pin_server_id,
      requirements: r.requirements,
      progress: r.progress,
      outputs: r.outputs,
      error: r.error,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      dispatchedAt: r.dispatched_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      version: r.version,
    }),
  );

export function toTask(row: unknown): TaskView {
  return parseRow(taskRowSchema, row, `task row ${String((row as { id?: unknown } | null)?.id)}`);
}

export function* readTask(id: string): Script<TaskView | null> {
  const row = yield* get(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`, [id]);
  return row ? toTask(row) : null;
}

export function* readTaskWhere(where: string, params: readonly SqlParam[]): Script<TaskView | null> {
  const row = yield* get(`SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where}`, params);
  return row ? toTask(row) : null;
}

export function* readTasks(where: string, params: readonly SqlParam[], tail = ''): Script<TaskView[]> {
  return (yield* all(`SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where} ${tail}`, params)).map(toTask);
}

/** Column name → value of everything a transition may change (everything but identity). */
export function mutableColumns(t: TaskView): Record<string, SqlParam> {
  return {
    status: t.status,
    server_id: t.serverId,
    prompt_id: t.promptId,
    attempt: t.attempt,
    requeues: t.requeues,
    progress: t.progress ? JSON.stringify(t.progress) : null,
    outputs: JSON.stringify(t.outputs),
    error: t.error ? JSON.stringify(t.error) : null,
    updated_at: t.updatedAt,
    dispatched_at: t.dispatchedAt,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    version: t.version,
  };
}

export const EVENT_COLUMNS = 'id, task_id, at, version, data';

const eventRowSchema = z.object({ id: int, task_id: z.string(), at: int, version: int, data: jsonColumn(taskEventBodySchema) });

export function toEvent(row: unknown): TaskEvent {
  const r = parseRow(eventRowSchema, row, `event row ${String((row as { id?: unknown } | null)?.id)}`);
  return { ...r.data, id: r.id, taskId: r.task_id, at: r.at, version: r.version };
}

export const ATTEMPT_COLUMNS = 'task_id, n, server_id, prompt_id, dispatched_at, started_at, ended_at, outcome, detail';

const attemptRowSchema = z
  .object({
    task_id: z.string(),
    n: int,
    server_id: z.string(),
    prompt_id: z.string(),
    dispatched_at: int,
    started_at: nullableInt,
    ended_at: nullableInt,
    outcome: z.enum(['succeeded', 'failed', 'cancelled', 'interrupted', 'requeued']).nullable(),
    detail: nullableText,
  })
  .transform(
    (r): AttemptView => ({
      taskId: r.task_id,
      n: r.n,
      serverId: r.server_id,
      promptId: r.prompt_id,
      dispatchedAt: r.dispatched_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      outcome: r.outcome,
      detail: r.detail,
    }),
  );

export function toAttempt(row: unknown): AttemptView {
  return parseRow(attemptRowSchema, row, 'attempt row');
}
