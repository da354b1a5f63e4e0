import type { ActiveTaskStatus, AttemptView, TaskCounts, TaskCountScope, TaskEvent, TaskPage, TaskQuery, TaskStatus, TaskView } from '../../../../shared/tasks';
import { ACTIVE_STATUSES, TASK_STATUSES } from '../../tasks/task-states';
import type { Script, SqlParam } from '../sql/script';
import { all, get, likeEscape, placeholders } from '../sql/script';
import { decodeCursor, encodeCursor } from './paging';
import { ATTEMPT_COLUMNS, EVENT_COLUMNS, TASK_COLUMNS, toAttempt, toEvent, toTask } from './task-rows';

interface Filter {
  where: string[];
  params: SqlParam[];
}

/** WHERE clauses of the task table's filters (U2). Every clause is indexable but the search. */
export function taskFilter(q: Pick<TaskQuery, 'status' | 'serverId' | 'type' | 'sessionId' | 'parentId' | 'search'>): Filter {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (q.status && q.status.length > 0) {
    where.push(`status IN (${placeholders(q.status.length)})`);
    params.push(...q.status);
  }
  if (q.serverId !== undefined) {
    where.push('server_id = ?');
    params.push(q.serverId);
  }
  if (q.type !== undefined) {
    where.push('type = ?');
    params.push(q.type);
  }
  if (q.sessionId !== undefined) {
    where.push('session_id = ?');
    params.push(q.sessionId);
  }
  if (q.parentId !== undefined) {
    where.push('parent_id = ?');
    params.push(q.parentId);
  }
  const search = q.search?.trim().toLowerCase();
  if (search) {
    // lower() on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not.
    where.push(`(lower(id) LIKE ? ESCAPE '\\' OR lower(idem_key) LIKE ? ESCAPE '\\')`);
    params.push(`${likeEscape(search)}%`, `%${likeEscape(search)}%`);
  }
  return { where, params };
}

function clause(where: string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

export function* listTaskPage(q: TaskQuery, limit: number): Script<TaskPage> {
  const f = taskFilter(q);
  const total = Number((yield* get(`SELECT COUNT(*) AS n FROM tasks ${clause(f.where)}`, f.params))?.n ?? 0);
  const where = [...f.where];
  const params = [...f.params];
  if (q.cursor) {
    const [createdAt, id] = decodeCursor(q.cursor);
    where.push('(created_at, id) < (?, ?)');
    params.push(createdAt, id);
  }
  const rows = yield* all(`SELECT ${TASK_COLUMNS} FROM tasks ${clause(where)} ORDER BY created_at DESC, id DESC LIMIT ?`, [...params, limit + 1]);
  const items = rows.slice(0, limit).map(toTask);
  return { items, total, nextCursor: nextCursor(items, rows.length > limit) };
}

export function* listUnfinishedPage(q: { status?: ActiveTaskStatus[]; serverId?: string; cursor?: string | null }, limit: number): Script<{ items: TaskView[]; nextCursor: string | null }> {
  const f = taskFilter({ status: q.status && q.status.length > 0 ? q.status : [...ACTIVE_STATUSES], ...(q.serverId !== undefined ? { serverId: q.serverId } : {}) });
  if (q.cursor) {
    const [createdAt, id] = decodeCursor(q.cursor);
    f.where.push('(created_at, id) > (?, ?)');
    f.params.push(createdAt, id);
  }
  const rows = yield* all(`SELECT ${TASK_COLUMNS} FROM tasks ${clause(f.where)} ORDER BY created_at, id LIMIT ?`, [...f.params, limit + 1]);
  const items = rows.slice(0, limit).map(toTask);
  return { items, nextCursor: nextCursor(items, rows.length > limit) };
}

function nextCursor(items: TaskView[], more: boolean): string | null {
  const last = items.at(-1);
  return more && last ? encodeCursor(last.createdAt, last.id) : null;
}

/** U2's chips: the list's filters but status, the search included (the same clause as the list's). */
export function* countTasks(q: TaskCountScope): Script<TaskCounts> {
  const f = taskFilter(q);
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as TaskCounts;
  for (const row of yield* all(`SELECT status, COUNT(*) AS n FROM tasks ${clause(f.where)} GROUP BY status`, f.params)) {
    counts[row.status as TaskStatus] = Number(row.n);
  }
  return counts;
}

export function* listTaskEvents(taskId: string, afterId: number, limit: number): Script<TaskEvent[]> {
  return (yield* all(`SELECT ${EVENT_COLUMNS} FROM task_events WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?`, [taskId, afterId, limit])).map(toEvent);
}

export function* listTaskAttempts(taskId: string): Script<AttemptView[]> {
  return (yield* all(`SELECT ${ATTEMPT_COLUMNS} FROM task_attempts WHERE task_id = ? ORDER BY n`, [taskId])).map(toAttempt);
}

export function* taskByPromptId(promptId: string): Script<{ task: TaskView; attempt: AttemptView } | null> {
  const a = yield* get(`SELECT ${ATTEMPT_COLUMNS} FROM task_attempts WHERE prompt_id = ?`, [promptId]);
  if (!a) return null;
  const attempt = toAttempt(a);
  const t = yield* get(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`, [attempt.taskId]);
  return t ? { task: toTask(t), attempt } : null;
}

export function* readWorkflowJson(taskId: string): Script<string | null> {
  const row = yield* get('SELECT workflow FROM task_workflows WHERE task_id = ?', [taskId]);
  return row ? String(row.workflow) : null;
}
