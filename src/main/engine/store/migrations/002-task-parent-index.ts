import type { Dialect } from '../sql/script';

/**
 * T8, U3: a task's re-runs are listed by `parent_id`; partial, since most tasks are not re-runs.
 * Both SQLite and PostgreSQL accept the same statement.
 */
export const name = 'task-parent-index';

export function statements(_dialect: Dialect): string[] {
  return [`CREATE INDEX tasks_parent ON tasks (parent_id, created_at) WHERE parent_id IS NOT NULL`];
}
