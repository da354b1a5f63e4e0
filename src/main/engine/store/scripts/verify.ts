import type { TaskEvent, TaskView } from '../../../../shared/tasks';
import { replay } from '../../tasks/apply-event';
import type { Script } from '../sql/script';
import { all, placeholders } from '../sql/script';
import { EVENT_COLUMNS, TASK_COLUMNS, toEvent, toTask } from './task-rows';

export interface VerifyResult {
  checked: number;
  mismatched: { taskId: string; problem: string }[];
  lastId: string | null;
}

/**
 * Events are the record: replays each task's events with the pure projection and compares
 * the result with the stored row. A lost update, a skipped version or an illegal transition
 * shows up as a mismatch. One page of tasks (by id) per call, so memory stays bounded.
 */
export function* verifyPage(afterId: string | null, limit: number): Script<VerifyResult> {
  const tasks = (yield* all(`SELECT ${TASK_COLUMNS} FROM tasks ${afterId === null ? '' : 'WHERE id > ?'} ORDER BY id LIMIT ?`, afterId === null ? [limit] : [afterId, limit])).map(toTask);
  if (tasks.length === 0) return { checked: 0, mismatched: [], lastId: null };
  const ids = tasks.map((t) => t.id);
  const byTask = new Map<string, TaskEvent[]>();
  for (const row of yield* all(`SELECT ${EVENT_COLUMNS} FROM task_events WHERE task_id IN (${placeholders(ids.length)}) ORDER BY id`, ids)) {
    const e = toEvent(row);
    const list = byTask.get(e.taskId) ?? [];
    list.push(e);
    byTask.set(e.taskId, list);
  }
  const mismatched: VerifyResult['mismatched'] = [];
  for (const task of tasks) {
    const problem = compare(task, byTask.get(task.id) ?? []);
    if (problem) mismatched.push({ taskId: task.id, problem });
  }
  return { checked: tasks.length, mismatched, lastId: tasks.at(-1)?.id ?? null };
}

function compare(row: TaskView, events: TaskEvent[]): string | null {
  let rebuilt: TaskView | null;
  try {
    rebuilt = replay(events);
  } catch (err) {
    return (err as Error).message;
  }
  if (!rebuilt) return 'no events';
  const fields = (Object.keys(row) as (keyof TaskView)[]).filter((k) => JSON.stringify(row[k]) !== JSON.stringify(rebuilt[k]));
  return fields.length ? `row differs from its events in ${fields.join(', ')}` : null;
}
