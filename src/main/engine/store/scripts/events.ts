import type { TaskEvent } from '../../../../shared/tasks';
import type { Script } from '../sql/script';
import { get } from '../sql/script';

/** Appends one event; its body goes to `data` as JSON. Returns the event's id. */
export function* insertEvent(event: TaskEvent): Script<number> {
  const { id: _id, taskId, at, version, ...body } = event;
  const row = yield* get('INSERT INTO task_events (task_id, at, version, kind, data) VALUES (?, ?, ?, ?, ?) RETURNING id', [taskId, at, version, body.kind, JSON.stringify(body)]);
  return Number(row?.id);
}
